import { describe, expect, it } from 'vitest';
import { OutboundAddressPolicy } from './address-policy.js';

describe(OutboundAddressPolicy.name, () => {
  const sut = new OutboundAddressPolicy();

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fd00::1', 'unique local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.10', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['64:ff9b::7f00:1', 'NAT64'],
    ['2002:7f00:1::', '6to4'],
    ['2001::1', 'Teredo'],
  ])('refuses %s (%s)', (address, what) => {
    const verdict = sut.check(address);
    expect(verdict.allowed).toBe(false);
    expect(verdict.allowed ? '' : verdict.reason).toContain(what);
  });

  it.each(['8.8.8.8', '93.184.216.34', '2606:4700::1111', '::ffff:8.8.8.8'])(
    'allows public %s',
    (address) => {
      expect(sut.check(address)).toEqual({ allowed: true });
    },
  );

  it('refuses what is not an IP address', () => {
    expect(sut.check('localhost')).toMatchObject({ allowed: false });
  });

  it('allows exactly the blocks an administrator lists, IPv4-mapped forms included', () => {
    const allowing = new OutboundAddressPolicy([
      { address: '127.0.0.0', prefixLength: 8 },
      { address: '10.1.0.0', prefixLength: 16 },
      { address: 'fd00::', prefixLength: 8 },
    ]);
    expect(allowing.check('127.0.0.1')).toEqual({ allowed: true });
    expect(allowing.check('::ffff:127.0.0.1')).toEqual({ allowed: true });
    expect(allowing.check('10.1.200.3')).toEqual({ allowed: true });
    expect(allowing.check('fd12::5')).toEqual({ allowed: true });
    expect(allowing.check('10.2.0.1').allowed).toBe(false);
    expect(allowing.check('169.254.169.254').allowed).toBe(false);
    expect(allowing.check('::1').allowed).toBe(false);
  });
});
