import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** The flags apps/core/node-flags.json lists, which every way of starting the core must pass. */
const flags = (JSON.parse(read('apps/core/node-flags.json')) as { flags: string[] }).flags;

describe('the core node flags', () => {
  it('lists at least the young-generation size the memory figures were measured with', () => {
    expect(flags).toContain('--max-semi-space-size=8');
  });

  it('are passed by `pnpm start`', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start;
    expect(start).toContain(`node ${flags.join(' ')} apps/core/dist/main.js`);
  });

  it("are passed by the image's core command", () => {
    const dockerfile = read('deploy/Dockerfile');
    const core = dockerfile.slice(dockerfile.indexOf('FROM runtime AS core'));
    expect(core).toContain(`CMD ${JSON.stringify(['node', ...flags, 'dist/main.js']).replaceAll(',', ', ')}`);
  });

  it('are what the benchmark starts the core with', async () => {
    const servers = (await import(join(root, 'scripts/bench/servers.mjs'))) as {
      coreNodeFlags: (root: string, env: Record<string, string>) => string[];
    };
    expect(servers.coreNodeFlags(root, {})).toEqual(flags);
    expect(servers.coreNodeFlags(root, { BERTH_BENCH_NODE_ARGS: '--a --b' })).toEqual(['--a', '--b']);
  });
});
