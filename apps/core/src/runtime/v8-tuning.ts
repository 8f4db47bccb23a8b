import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings of the core process, applied before any other module loads (main.ts imports this
 * first; V8 reads these flags when it decides, so setting them at run time works).
 *
 * No allocation-site pretenuring. Once start-up and the first pushes have trained V8's allocation
 * sites, it begins allocating objects of the `pg` driver and of request handling straight into the
 * old generation. Each of those then holds the young objects it points to through every scavenge
 * until the next full collection, so a manifest storm promoted about 7 MiB/s of short-lived
 * objects: the old generation grew by tens of MiB between collections. Without pretenuring, the
 * same storm promotes almost nothing beyond the batched pull events, and serves more requests
 * per second (docs/performance.md, "The storm's tail and Berth's memory").
 */
setFlagsFromString('--no-allocation-site-pretenuring');
