import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendGuarded } from '../../src/net/guarded-http.js';
import { OutboundTargetGuard, TargetRefusedError, type HostResolver } from '../../src/net/target-guard.js';

interface Seen {
  server: string;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Two local servers (two origins) whose paths answer as the test needs. */
describe(sendGuarded.name, () => {
  const seen: Seen[] = [];
  const servers: Server[] = [];
  let first = 0;
  let second = 0;
  let resolutions: string[] = [];

  function serve(name: string): Promise<number> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        seen.push({
          server: name,
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        const path = req.url ?? '/';
        const redirect = /^\/redirect\/(\d{3})\/(.+)$/.exec(path);
        if (redirect) {
          res.writeHead(Number(redirect[1]), { location: decodeURIComponent(redirect[2]!) });
          res.end();
        } else if (path === '/loop') {
          res.writeHead(302, { location: '/loop' });
          res.end();
        } else if (path === '/silent') {
          // never answers
        } else if (path === '/big') {
          res.end('x'.repeat(200_000));
        } else {
          res.end(`hello from ${name}`);
        }
      });
    });
    servers.push(server);
    return new Promise((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
    );
  }

  const resolve: HostResolver = async (host) => {
    resolutions.push(host);
    if (host === 'hooks.test' || host === 'other.test') return [{ address: '127.0.0.1', family: 4 }];
    if (host === 'metadata.test') return [{ address: '169.254.169.254', family: 4 }];
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  };
  const guard = new OutboundTargetGuard({
    resolve,
    allowPrivateTargets: [{ address: '127.0.0.0', prefixLength: 8 }],
  });
  const post = { method: 'POST' as const, timeoutMs: 5000, body: Buffer.from('{"hello":1}') };
  const headers = {
    'content-type': 'application/json',
    authorization: 'Bearer t0ken',
    'x-harbor-signature': 'sha256=ab',
  };

  beforeAll(async () => {
    first = await serve('first');
    second = await serve('second');
  });

  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('connects to the address it checked, naming the host it was given', async () => {
    seen.length = 0;
    resolutions = [];
    const response = await sendGuarded(guard, `http://hooks.test:${first}/hook?x=1`, { ...post, headers });
    expect(response).toMatchObject({
      status: 200,
      bodySnippet: 'hello from first',
      address: '127.0.0.1',
      redirects: [],
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/hook?x=1', body: '{"hello":1}' });
    expect(seen[0]!.headers.host).toBe(`hooks.test:${first}`);
    expect(seen[0]!.headers.authorization).toBe('Bearer t0ken');
    // One resolution: the connection used its answer instead of asking DNS again.
    expect(resolutions).toEqual(['hooks.test']);
  });

  it('repeats method and body on 307 and 308, keeps credentials on the same origin', async () => {
    seen.length = 0;
    const target = `http://hooks.test:${first}/redirect/308/${encodeURIComponent('/final')}`;
    const response = await sendGuarded(guard, target, { ...post, headers });
    expect(response.status).toBe(200);
    expect(response.redirects).toEqual([`http://hooks.test:${first}/final`]);
    expect(seen.map((s) => [s.method, s.url, s.body, s.headers.authorization])).toEqual([
      ['POST', '/redirect/308/%2Ffinal', '{"hello":1}', 'Bearer t0ken'],
      ['POST', '/final', '{"hello":1}', 'Bearer t0ken'],
    ]);
  });

  it('turns 302 into a GET without body, and drops credentials on another origin', async () => {
    seen.length = 0;
    const elsewhere = `http://other.test:${second}/landing`;
    const target = `http://hooks.test:${first}/redirect/302/${encodeURIComponent(elsewhere)}`;
    const response = await sendGuarded(guard, target, { ...post, headers });
    expect(response).toMatchObject({ status: 200, bodySnippet: 'hello from second', url: elsewhere });
    const landing = seen.find((s) => s.server === 'second')!;
    expect(landing).toMatchObject({ method: 'GET', url: '/landing', body: '' });
    expect(landing.headers.authorization).toBeUndefined();
    expect(landing.headers['content-type']).toBeUndefined();
    expect(landing.headers['x-harbor-signature']).toBe('sha256=ab');
  });

  it('checks every redirect: a hop to a forbidden address or name is refused before connecting', async () => {
    for (const location of [
      'http://169.254.169.254/latest/meta-data',
      'http://metadata.test/',
      'http://10.0.0.1/',
    ]) {
      const target = `http://hooks.test:${first}/redirect/307/${encodeURIComponent(location)}`;
      const attempt = sendGuarded(guard, target, { ...post, headers });
      await expect(attempt).rejects.toBeInstanceOf(TargetRefusedError);
      await expect(sendGuarded(guard, target, { ...post, headers })).rejects.toThrow(
        /redirected to a refused address/,
      );
    }
    const toFile = `http://hooks.test:${first}/redirect/302/${encodeURIComponent('file:///etc/passwd')}`;
    await expect(sendGuarded(guard, toFile, { ...post, headers })).rejects.toThrow(
      /not an http or https URL/,
    );
  });

  it('stops following after the limit', async () => {
    await expect(
      sendGuarded(guard, `http://hooks.test:${first}/loop`, { ...post, headers, maxRedirects: 2 }),
    ).rejects.toThrow(/more than 2 redirects/);
  });

  it('gives up when the target does not answer in time', async () => {
    const started = Date.now();
    await expect(
      sendGuarded(guard, `http://hooks.test:${first}/silent`, { ...post, headers, timeoutMs: 300 }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('keeps only the first bytes of a large answer', async () => {
    const response = await sendGuarded(guard, `http://hooks.test:${first}/big`, {
      ...post,
      headers,
      keepBytes: 16,
    });
    expect(response.status).toBe(200);
    expect(response.bodySnippet).toBe('x'.repeat(16));
  });

  it('verifies certificates unless told to skip (Harbor’s skip_cert_verify)', async () => {
    // A self-signed certificate for hooks.test and 127.0.0.1, valid until 2126 (fixtures/).
    const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
    const tls = createTlsServer(
      { key: fixture('self-signed.key.pem'), cert: fixture('self-signed.cert.pem') },
      (req, res) => res.end(`tls ${req.headers.host}`),
    );
    servers.push(tls);
    const port = await new Promise<number>((resolve) =>
      tls.listen(0, '127.0.0.1', () => resolve((tls.address() as AddressInfo).port)),
    );
    const target = `https://hooks.test:${port}/`;
    await expect(sendGuarded(guard, target, { ...post, headers })).rejects.toThrow(/self-signed|self signed/);
    const response = await sendGuarded(guard, target, { ...post, headers, skipCertVerify: true });
    expect(response).toMatchObject({ status: 200, bodySnippet: `tls hooks.test:${port}` });
  });

  it('refuses the first target without connecting when its address is forbidden', async () => {
    seen.length = 0;
    const strict = new OutboundTargetGuard({ resolve });
    await expect(
      sendGuarded(strict, `http://hooks.test:${first}/hook`, { ...post, headers }),
    ).rejects.toThrow(/hooks\.test resolves to 127\.0\.0\.1 is a loopback address/);
    expect(seen).toEqual([]);
  });
});
