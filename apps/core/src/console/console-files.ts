import { existsSync, statSync } from 'node:fs';
import { join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Paths that belong to the API, the registry and the token service, never to the console. */
const RESERVED = ['/api', '/c', '/service', '/v2'];

export function isConsolePath(path: string): boolean {
  return !RESERVED.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/**
 * The built console: `configured` (BERTH_CONSOLE_DIR) when set, else `apps/web/dist` beside this
 * app; null when it holds no index.html.
 */
export function consoleDirectory(configured: string | null): string | null {
  const dir = configured ? resolve(configured) : fileURLToPath(new URL('../../../web/dist', import.meta.url));
  return existsSync(join(dir, 'index.html')) ? dir : null;
}

/**
 * The file under `root` that answers `path`: the file itself when it exists, index.html for any
 * other path (the console's routes). Never leaves `root`.
 */
export function consoleFileFor(root: string, path: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return 'index.html';
  }
  const relative = normalize(decoded).replace(/^([/\\])+/, '');
  if (relative === '' || relative.startsWith('..') || relative.includes(`${sep}..${sep}`))
    return 'index.html';
  const full = join(root, relative);
  if (!full.startsWith(root + sep)) return 'index.html';
  try {
    return statSync(full).isFile() ? relative.split(sep).join('/') : 'index.html';
  } catch {
    return 'index.html';
  }
}
