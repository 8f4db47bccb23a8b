#!/usr/bin/env node
// CNCF distribution's offline GC, for comparison with Berth's (docs/performance.md): starts
// Debian's `docker-registry serve` on a temporary filesystem store, pushes N images (a config and a
// layer each, so 2N referenced blobs) and 2N unreferenced blobs over HTTP, stops it, then times
// `docker-registry garbage-collect config.yml`. Usage: node scripts/bench/distribution-gc.mjs [N=1000]
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const IMAGES = Number(process.argv[2] ?? 1000);
const PORT = 15000 + Math.floor(Math.random() * 1000);
const dir = mkdtempSync(join(tmpdir(), 'distribution-gc-'));
const config = join(dir, 'config.yml');
writeFileSync(
  config,
  `version: 0.1
storage:
  filesystem:
    rootdirectory: ${join(dir, 'data')}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${PORT}
log:
  level: error
`,
);
const base = `http://127.0.0.1:${PORT}`;
const sha = (data) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const server = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/v2/`)).ok) break;
    } catch {
      if (i > 100) throw new Error('docker-registry did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const upload = async (data) => {
    const start = await fetch(`${base}/v2/bench/app/blobs/uploads/`, { method: 'POST' });
    const location = new URL(start.headers.get('location'), base);
    location.searchParams.set('digest', sha(data));
    const put = await fetch(location, {
      method: 'PUT',
      body: data,
      headers: { 'content-type': 'application/octet-stream' },
    });
    if (put.status !== 201) throw new Error(`upload answered ${put.status}`);
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < IMAGES) {
        const n = next++;
        const cfg = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', n }));
        const layer = randomBytes(256);
        await upload(cfg);
        await upload(layer);
        const manifest = JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: {
            mediaType: 'application/vnd.oci.image.config.v1+json',
            digest: sha(cfg),
            size: cfg.length,
          },
          layers: [
            { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha(layer), size: layer.length },
          ],
        });
        const put = await fetch(`${base}/v2/bench/app/manifests/t${n}`, {
          method: 'PUT',
          body: manifest,
          headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
        });
        if (put.status !== 201) throw new Error(`manifest answered ${put.status}`);
        await upload(randomBytes(256));
        await upload(randomBytes(256));
      }
    }),
  );
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
}
const blobsDir = join(dir, 'data/docker/registry/v2/blobs/sha256');
const count = () =>
  readdirSync(blobsDir).reduce((n, prefix) => n + readdirSync(join(blobsDir, prefix)).length, 0);
const before = count();
const start = performance.now();
execFileSync('docker-registry', ['garbage-collect', config], { stdio: 'ignore' });
const seconds = (performance.now() - start) / 1000;
const after = count();
console.log(
  `docker-registry garbage-collect: ${before} blobs (manifests included), ${before - after} deleted in ` +
    `${seconds.toFixed(2)} s = ${Math.round((before - after) / seconds)} blobs/s (registry offline)`,
);
rmSync(dir, { recursive: true, force: true });
