import type { AddressInfo } from 'node:net';
import type { BerthConfig } from '../config/config.js';
import { registryHost } from '../system/external-url.js';

/** The address and port the server is bound to, as a URL, saying so when it is every interface. */
export function listeningOn(address: AddressInfo): string {
  const url = `http://${hostPart(address.address)}:${address.port}`;
  if (address.address === '0.0.0.0') return `${url} (every IPv4 interface)`;
  if (address.address === '::') return `${url} (every interface)`;
  return url;
}

/**
 * Where to go from here: the console's URL, the `docker login` line and where the admin password
 * changes. The URL is the external one when configured; on a wildcard address, localhost.
 */
export function nextSteps(config: Pick<BerthConfig, 'externalUrl'>, address: AddressInfo): string {
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const url =
    config.externalUrl ?? `http://${wildcard ? 'localhost' : hostPart(address.address)}:${address.port}`;
  const host = registryHost(url);
  const local = /^(localhost|127\.[\d.]+|\[::1\])(:\d+)?$/.test(host);
  const plainHttp = url.startsWith('http://') && !local;
  return [
    '',
    `  Console:         ${url}/`,
    `  Docker login:    docker login ${host} -u admin`,
    ...(plainHttp
      ? [`                   (plain HTTP: list ${host} in Docker's "insecure-registries" first)`]
      : []),
    '  Admin password:  change it in the console (account menu, "Change password")',
    '                   or with PUT /api/v2.0/users/{user_id}/password',
    '',
    '',
  ].join('\n');
}

function hostPart(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}
