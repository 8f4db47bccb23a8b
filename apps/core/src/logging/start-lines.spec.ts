import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { listeningOn, nextSteps } from './start-lines.js';

const bound = (address: string, port = 8080): AddressInfo => ({
  address,
  port,
  family: address.includes(':') ? 'IPv6' : 'IPv4',
});

describe(listeningOn.name, () => {
  it('prints the address the server is bound to, and says when it is every interface', () => {
    expect(listeningOn(bound('127.0.0.1', 5000))).toBe('http://127.0.0.1:5000');
    expect(listeningOn(bound('0.0.0.0'))).toBe('http://0.0.0.0:8080 (every IPv4 interface)');
    expect(listeningOn(bound('::'))).toBe('http://[::]:8080 (every interface)');
    expect(listeningOn(bound('::1'))).toBe('http://[::1]:8080');
  });
});

describe(nextSteps.name, () => {
  it('points at localhost when every interface listens', () => {
    const lines = nextSteps({ externalUrl: null }, bound('0.0.0.0'));
    expect(lines).toContain('Console:         http://localhost:8080/');
    expect(lines).toContain('docker login localhost:8080 -u admin');
    expect(lines).toContain('PUT /api/v2.0/users/{user_id}/password');
    expect(lines).not.toContain('insecure-registries');
  });

  it('uses the external URL when there is one', () => {
    const lines = nextSteps({ externalUrl: 'https://registry.example.com' }, bound('0.0.0.0'));
    expect(lines).toContain('Console:         https://registry.example.com/');
    expect(lines).toContain('docker login registry.example.com -u admin');
    expect(lines).not.toContain('insecure-registries');
  });

  it('warns that Docker needs a plain HTTP registry listed, except on loopback', () => {
    expect(nextSteps({ externalUrl: null }, bound('192.168.1.10'))).toContain(
      'list 192.168.1.10:8080 in Docker\'s "insecure-registries"',
    );
    expect(nextSteps({ externalUrl: null }, bound('127.0.0.1'))).not.toContain('insecure-registries');
    expect(nextSteps({ externalUrl: null }, bound('::1'))).toContain('docker login [::1]:8080 -u admin');
  });
});
