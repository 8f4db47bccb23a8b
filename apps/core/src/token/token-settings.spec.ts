import { describe, expect, it } from 'vitest';
import { parseTokenSettings, tokenRealm } from './token-settings.js';

describe(parseTokenSettings.name, () => {
  it('reads BERTH_EXTERNAL_URL without a trailing slash', () => {
    expect(parseTokenSettings({ BERTH_EXTERNAL_URL: 'https://registry.example.com/' })).toEqual({
      externalUrl: 'https://registry.example.com',
    });
    expect(parseTokenSettings({ BERTH_EXTERNAL_URL: 'http://host:8080/berth/' }).externalUrl).toBe(
      'http://host:8080/berth',
    );
    expect(parseTokenSettings({}).externalUrl).toBeNull();
  });

  it('refuses what is not a plain http(s) URL', () => {
    for (const value of ['registry.example.com', 'ftp://x', 'https://u:p@x', 'https://x/?a=1']) {
      expect(() => parseTokenSettings({ BERTH_EXTERNAL_URL: value }), value).toThrow(/BERTH_EXTERNAL_URL/);
    }
  });
});

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
