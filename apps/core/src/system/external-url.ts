import type { IncomingHttpHeaders } from 'node:http';

/**
 * The URL clients reach Berth at, as the request says it (`X-Forwarded-Proto`/`X-Forwarded-Host`
 * from a proxy in front, then the Host header). A configured `BERTH_EXTERNAL_URL` wins over it
 * (SystemInfoService).
 */
export function externalUrl(request: { headers: IncomingHttpHeaders; protocol: string }): string {
  const proto = firstValue(request.headers['x-forwarded-proto']) ?? request.protocol ?? 'http';
  const host =
    firstValue(request.headers['x-forwarded-host']) ?? firstValue(request.headers.host) ?? 'localhost';
  const scheme = proto === 'https' ? 'https' : 'http';
  // A Host header is attacker-controlled: keep only characters a host[:port] may hold.
  const safeHost = /^[A-Za-z0-9.\-[\]:]+$/.test(host) ? host : 'localhost';
  return `${scheme}://${safeHost}`;
}

/** `host[:port]` of an external URL: what `docker login` and image names use. */
export function registryHost(url: string): string {
  const rest = url.includes('://') ? url.slice(url.indexOf('://') + 3) : url;
  return rest.replace(/\/.*$/, '');
}

function firstValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const first = value?.split(',')[0]?.trim();
  return first ? first : undefined;
}
