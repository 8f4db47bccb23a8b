import { describe, expect, it } from 'vitest';
import {
  OutboundTargetGuard,
  TargetRefusedError,
  TargetUnresolvableError,
  type HostResolver,
} from './target-guard.js';

/** A resolver answering from a table, as DNS would. */
function resolver(table: Record<string, string[]>): HostResolver {
  return async (host) => {
    const answers = table[host];
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

describe(OutboundTargetGuard.name, () => {
  const sut = new OutboundTargetGuard({
    resolve: resolver({
      'hooks.example.com': ['93.184.216.34', '2606:2800:220:1::1'],
      'rebind.example.com': ['93.184.216.34', '127.0.0.1'],
      'internal.example.com': ['10.0.0.7'],
      'metadata.example.com': ['169.254.169.254'],
    }),
  });

  it('answers every address of a public name', async () => {
    const { url, addresses } = await sut.check('https://hooks.example.com/hook?x=1');
    expect(url.hostname).toBe('hooks.example.com');
    expect(addresses.map((a) => a.address)).toEqual(['93.184.216.34', '2606:2800:220:1::1']);
  });

  it('refuses a name when any of its addresses is forbidden', async () => {
    await expect(sut.check('http://rebind.example.com/')).rejects.toThrow(
      /rebind\.example\.com resolves to 127\.0\.0\.1 is a loopback address/,
    );
    await expect(sut.check('http://internal.example.com/')).rejects.toBeInstanceOf(TargetRefusedError);
    await expect(sut.check('http://metadata.example.com/')).rejects.toThrow(/link-local/);
  });

  it('checks literal addresses without resolving them', async () => {
    await expect(sut.check('http://[::1]:8080/')).rejects.toThrow(/::1 is a loopback address/);
    await expect(sut.check('http://93.184.216.34/')).resolves.toMatchObject({
      addresses: [{ address: '93.184.216.34', family: 4 }],
    });
  });

  it('tells an unresolvable name from a refused one', async () => {
    await expect(sut.check('http://nowhere.example.com/')).rejects.toBeInstanceOf(TargetUnresolvableError);
  });

  it('gives up on a resolver that does not answer', async () => {
    const slow = new OutboundTargetGuard({
      resolve: () => new Promise(() => undefined),
      resolveTimeoutMs: 50,
    });
    await expect(slow.check('http://slow.example.com/')).rejects.toThrow(/took longer than 50 ms/);
  });

  it.each([
    ['ftp://hooks.example.com/', /not an http or https URL/],
    ['javascript:alert(1)', /not an http or https URL/],
    ['http://a:b@hooks.example.com/', /credentials/],
    ['not a url', /not a valid URL/],
    [`https://hooks.example.com/${'x'.repeat(3000)}`, /longer than 2048/],
  ])('refuses %s', (address, message) => {
    expect(() => sut.parse(address)).toThrow(message);
  });

  it('resolves localhost through the system resolver, hosts file included', async () => {
    const system = new OutboundTargetGuard();
    await expect(system.check('http://localhost:9/')).rejects.toThrow(/localhost resolves to .* loopback/);
    const allowed = new OutboundTargetGuard({
      allowPrivateTargets: [
        { address: '127.0.0.0', prefixLength: 8 },
        { address: '::1', prefixLength: 128 },
      ],
    });
    const { addresses } = await allowed.check('http://localhost:9/');
    expect(addresses.length).toBeGreaterThan(0);
  });
});
