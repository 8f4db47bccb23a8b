/**
 * Real OCI image layouts on disk (`oci-layout`, `index.json`, `blobs/sha256/…`) with gzip'd tar
 * layers and configs whose `rootfs.diff_ids` are right, for the tests that drive real clients
 * (skopeo, podman). The tar writer is a minimal ustar: regular files and directories only.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  AMD64,
  ARM64,
  MediaType,
  content,
  digestHex,
  imageConfig,
  imageIndex,
  imageManifest,
  jsonBytes,
  sha256,
  type Content,
  type Manifest,
  type Platform,
} from './oci-fixtures.js';

// --- tar ---------------------------------------------------------------------------------------

export interface TarEntry {
  /** Path inside the archive, without a leading slash; directories end in `/`. */
  path: string;
  content?: Buffer | string;
  mode?: number;
}

const BLOCK = 512;
/** A fixed mtime keeps archives (and so digests) reproducible. */
const MTIME = Math.floor(Date.UTC(2024, 0, 1) / 1000);

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function tarHeader(entry: TarEntry, size: number): Buffer {
  const header = Buffer.alloc(BLOCK, 0);
  const isDir = entry.path.endsWith('/');
  let name = entry.path;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', name.length - 2);
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
    if (Buffer.byteLength(name) > 100 || Buffer.byteLength(prefix) > 155)
      throw new Error(`tar path too long: ${entry.path}`);
  }
  header.write(name, 0, 100, 'utf8');
  header.write(octal(entry.mode ?? (isDir ? 0o755 : 0o644), 8), 100, 8, 'ascii');
  header.write(octal(0, 8), 108, 8, 'ascii'); // uid
  header.write(octal(0, 8), 116, 8, 'ascii'); // gid
  header.write(octal(isDir ? 0 : size, 12), 124, 12, 'ascii');
  header.write(octal(MTIME, 12), 136, 12, 'ascii');
  header.write('        ', 148, 8, 'ascii'); // checksum placeholder: eight spaces
  header.write(isDir ? '5' : '0', 156, 1, 'ascii');
  header.write('ustar\0', 257, 6, 'ascii');
  header.write('00', 263, 2, 'ascii');
  header.write('root', 265, 32, 'ascii');
  header.write('root', 297, 32, 'ascii');
  header.write(prefix, 345, 155, 'utf8');
  let checksum = 0;
  for (const byte of header) checksum += byte;
  header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return header;
}

/** A ustar archive of `entries`, in the given order, ending with the two zero blocks. */
export function tarArchive(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const data = entry.path.endsWith('/')
      ? Buffer.alloc(0)
      : typeof entry.content === 'string'
        ? Buffer.from(entry.content)
        : (entry.content ?? Buffer.alloc(0));
    parts.push(tarHeader(entry, data.length), data);
    const padding = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (padding) parts.push(Buffer.alloc(padding, 0));
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0));
  return Buffer.concat(parts);
}

// --- layers and images -------------------------------------------------------------------------

export interface Layer extends Content {
  /** sha256 of the uncompressed tar: the config's `rootfs.diff_ids` entry. */
  diffId: string;
  files: TarEntry[];
}

/** A gzip'd tar layer of `files`. */
export function gzipLayer(files: TarEntry[]): Layer {
  const tar = tarArchive(files);
  const gz = gzipSync(tar, { level: 6 });
  return { ...content(gz, MediaType.OciLayerGzip), diffId: sha256(tar), files };
}

export interface LayoutImage {
  manifest: Manifest;
  config: Content;
  layers: Layer[];
  platform: Platform;
}

export interface ImageOptions {
  /** Number of layers (each adds a directory and a file of random text). */
  layers?: number;
  platform?: Platform;
  /** Marks the content so two images built with the same options still differ. */
  label?: string;
  /** Adds a first layer holding this many random (incompressible) bytes, to stream a bigger upload. */
  largeLayerBytes?: number;
}

/** A small real image: each layer holds `/berth/layer-<n>/hello.txt` (and the last a `/hello`). */
export function buildImage(options: ImageOptions = {}): LayoutImage {
  const platform = options.platform ?? AMD64;
  const label = options.label ?? randomBytes(4).toString('hex');
  const count = options.layers ?? 3;
  const layers: Layer[] = [];
  if (options.largeLayerBytes) {
    layers.push(
      gzipLayer([
        { path: 'berth/' },
        { path: 'berth/large.bin', content: randomBytes(options.largeLayerBytes) },
      ]),
    );
  }
  for (let index = 0; index < count; index += 1) {
    const files: TarEntry[] = [
      { path: 'berth/' },
      { path: `berth/layer-${index}/` },
      {
        path: `berth/layer-${index}/hello.txt`,
        content: `hello from layer ${index} of ${label} (${platform.os}/${platform.architecture})\n${randomBytes(512).toString('base64')}\n`,
      },
    ];
    if (index === count - 1)
      files.push({ path: 'hello', content: `#!/bin/sh\necho hello from ${label}\n`, mode: 0o755 });
    layers.push(gzipLayer(files));
  }
  const config = imageConfig({
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    diffIds: layers.map((layer) => layer.diffId),
    cmd: ['/hello'],
  });
  const manifest = imageManifest({
    config,
    layers,
    annotations: { 'org.opencontainers.image.title': `berth-test-${label}` },
  });
  return { manifest, config, layers, platform };
}

// --- layouts on disk ---------------------------------------------------------------------------

export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

async function writeBlob(dir: string, item: Content): Promise<void> {
  const blobs = join(dir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  await writeFile(join(blobs, digestHex(item.digest)), item.bytes);
}

async function writeLayout(dir: string, blobs: Content[], top: Manifest, tag: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'oci-layout'), jsonBytes({ imageLayoutVersion: '1.0.0' }));
  for (const blob of blobs) await writeBlob(dir, blob);
  const index = {
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    manifests: [
      {
        mediaType: top.mediaType,
        digest: top.digest,
        size: top.size,
        annotations: { [REF_NAME_ANNOTATION]: tag },
      },
    ],
  };
  await writeFile(join(dir, 'index.json'), jsonBytes(index));
}

/** Writes a single-platform image as an OCI layout at `dir` (created), tagged `tag`. */
export async function writeImageLayout(
  dir: string,
  tag: string,
  options: ImageOptions = {},
): Promise<LayoutImage> {
  const image = buildImage(options);
  await saveImageLayout(dir, tag, image);
  return image;
}

/** Writes an image built already (by `buildImage`) as an OCI layout at `dir`, tagged `tag`. */
export async function saveImageLayout(dir: string, tag: string, image: LayoutImage): Promise<void> {
  await writeLayout(dir, [image.config, ...image.layers, image.manifest], image.manifest, tag);
}

export interface LayoutIndex {
  index: Manifest;
  images: LayoutImage[];
}

/** Writes a two-platform image (linux/amd64 and linux/arm64) as an OCI layout whose tag names the index. */
export async function writeMultiPlatformLayout(
  dir: string,
  tag: string,
  options: { layers?: number; platforms?: Platform[] } = {},
): Promise<LayoutIndex> {
  const label = randomBytes(4).toString('hex');
  const images = (options.platforms ?? [AMD64, ARM64]).map((platform) =>
    buildImage({ platform, layers: options.layers ?? 2, label: `${label}-${platform.architecture}` }),
  );
  const index = imageIndex(images.map((image) => ({ manifest: image.manifest, platform: image.platform })));
  const blobs = images.flatMap((image) => [image.config, ...image.layers, image.manifest]);
  await writeLayout(dir, [...blobs, index], index, tag);
  return { index, images };
}

/** What an OCI layout directory holds: its index.json and the digests of its blobs. */
export interface LayoutContents {
  index: {
    manifests: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }[];
  };
  blobs: Map<string, Buffer>;
}

export async function readLayout(dir: string): Promise<LayoutContents> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as LayoutContents['index'];
  const blobs = new Map<string, Buffer>();
  const blobDir = join(dir, 'blobs', 'sha256');
  for (const name of await readdir(blobDir)) blobs.set(`sha256:${name}`, await readFile(join(blobDir, name)));
  return { index, blobs };
}

/** The current host's platform in OCI terms (for clients that pick a platform). */
export function hostPlatform(): Platform {
  const architecture = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' }[
    process.arch as string
  ];
  return {
    os: 'linux',
    architecture: architecture ?? process.arch,
    ...(process.arch === 'arm64' ? { variant: 'v8' } : {}),
  };
}
