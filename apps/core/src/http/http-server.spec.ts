import { describe, expect, it } from 'vitest';
import { isRegistryPath } from './http-server.js';

describe(isRegistryPath.name, () => {
  it.each(['/v2', '/v2/', '/v2?x=1', '/v2/?x=1', '/v2/library/alpine/manifests/latest', '/v2/_catalog?n=10'])(
    'sends %s to the engine',
    (url) => expect(isRegistryPath(url)).toBe(true),
  );

  it.each(['/', '/v2x', '/v20/', '/api/v2.0/health', '/service/token', '/V2/', undefined])(
    'sends %s to Fastify',
    (url) => expect(isRegistryPath(url)).toBe(false),
  );
});
