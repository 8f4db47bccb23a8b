import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';

/**
 * Reads chosen files out of a Helm chart archive (`.tgz`) as it streams through gunzip and
 * tar-stream. Only the wanted files are kept, each up to `MAX_CHART_FILE_BYTES`; everything else
 * is skipped without being held, and reading stops as soon as every wanted file was seen or
 * `MAX_CHART_SCAN_BYTES` of entries were walked, so a hostile or huge chart costs bounded memory
 * and time.
 */

/** values.yaml or README.md larger than this is cut: the console shows them, nothing parses them. */
export const MAX_CHART_FILE_BYTES = 1024 * 1024;
/** Uncompressed bytes walked before giving up (charts are KiB to a few MiB). */
export const MAX_CHART_SCAN_BYTES = 64 * 1024 * 1024;

/** Files at the chart's top level (`<chart>/<name>`), matched case-insensitively as Harbor does. */
export async function readChartFiles(
  archive: Readable,
  names: readonly string[],
): Promise<Map<string, string>> {
  const wanted = new Set(names.map((name) => name.toLowerCase()));
  const found = new Map<string, string>();
  const gunzip = createGunzip();
  const extract = tar.extract();
  archive.on('error', (error) => gunzip.destroy(error));
  gunzip.on('error', (error) => extract.destroy(error));
  archive.pipe(gunzip).pipe(extract);

  let scanned = 0;
  let sawEntry = false;
  try {
    for await (const entry of extract) {
      sawEntry = true;
      const { name, size = 0, type } = entry.header;
      scanned += size;
      const parts = name.replace(/^\.\//, '').split('/');
      const key = parts.length === 2 && type === 'file' ? parts[1]!.toLowerCase() : null;
      if (key !== null && wanted.has(key) && !found.has(key)) {
        found.set(key, await readCapped(entry as AsyncIterable<Buffer>, MAX_CHART_FILE_BYTES));
      } else {
        entry.resume();
      }
      if (found.size === wanted.size || scanned > MAX_CHART_SCAN_BYTES) break;
    }
  } catch (error) {
    // A damaged archive keeps what was found before the damage; one that never opened is an error.
    if (!sawEntry) throw error;
  } finally {
    archive.unpipe(gunzip);
    archive.destroy();
    gunzip.destroy();
    extract.destroy();
  }
  return found;
}

/** The entry's first `limit` bytes as UTF-8; the rest is drained, never held. */
async function readCapped(entry: AsyncIterable<Buffer>, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let held = 0;
  for await (const chunk of entry) {
    if (held >= limit) continue;
    const part = chunk.subarray(0, limit - held);
    chunks.push(part);
    held += part.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}
