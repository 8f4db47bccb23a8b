import { describe, expect, it } from 'vitest';
import { tokenRealm } from './token-settings.js';

describe(tokenRealm.name, () => {
  it('prefers the external URL', () => {
    expect(tokenRealm({ externalUrl: 'https://r.example.com' }, { host: 'other:1' }, false)).toBe(
      'https://r.example.com/service/token',
    );
  });

  it('else takes the request origin, forwarded headers first', () => {
    const settings = { externalUrl: null };
    expect(tokenRealm(settings, { host: '127.0.0.1:5000' }, false)).toBe(
      'http://127.0.0.1:5000/service/token',
    );
    expect(tokenRealm(settings, { host: 'r.example.com' }, true)).toBe('https://r.example.com/service/token');
    expect(
      tokenRealm(
        settings,
        { host: 'internal:80', 'x-forwarded-proto': 'https, http', 'x-forwarded-host': 'r.io' },
        false,
      ),
    ).toBe('https://r.io/service/token');
  });

  it('ignores a host header that could break the challenge', () => {
    expect(tokenRealm({ externalUrl: null }, { host: 'evil",error="x' }, false)).toBe(
      'http://localhost/service/token',
    );
  });
});
