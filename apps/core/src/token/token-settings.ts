import type { IncomingHttpHeaders } from 'node:http';
import type { BerthConfig } from '../config/config.js';

/** The `iss` of every token Berth signs. */
export const TOKEN_ISSUER = 'berth-token-issuer';
/** The `service` clients name in challenges and token requests, and every token's `aud`. */
export const TOKEN_SERVICE = 'berth';
/** Path of the token endpoint, relative to the external URL. */
export const TOKEN_PATH = '/service/token';
/**
 * Berth's own claim (clients ignore it): the repositories whose pull the token holds only because
 * their project was public, refused once the project is made private.
 */
export const PUBLIC_PULL_CLAIM = 'public_pull';
/** Token lifetime when the `token_expiration` setting (minutes) is unset. */
export const DEFAULT_TOKEN_MINUTES = 30;

/** DI token for TokenSettings. */
export const TOKEN_SETTINGS = Symbol('TOKEN_SETTINGS');

export interface TokenSettings {
  /** `BERTH_EXTERNAL_URL` without a trailing slash, or null to derive it from each request. */
  externalUrl: string | null;
}

/** The token settings of a configuration: the one external URL (`BERTH_EXTERNAL_URL`). */
export function tokenSettingsOf(config: Pick<BerthConfig, 'externalUrl'>): TokenSettings {
  return { externalUrl: config.externalUrl };
}

const HOST_PATTERN = /^[A-Za-z0-9.\-[\]:]{1,300}$/;

/**
 * Where clients fetch tokens: `<external URL>/service/token`, the external URL being
 * `BERTH_EXTERNAL_URL` or else the request's own origin (forwarded protocol and host honoured).
 */
export function tokenRealm(
  settings: TokenSettings,
  headers: IncomingHttpHeaders,
  encrypted: boolean,
): string {
  if (settings.externalUrl) return `${settings.externalUrl}${TOKEN_PATH}`;
  const forwardedProto = firstValue(headers['x-forwarded-proto'])?.toLowerCase();
  const proto =
    forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : encrypted ? 'https' : 'http';
  const forwardedHost = firstValue(headers['x-forwarded-host']);
  const host = [forwardedHost, headers.host].find((value) => value !== undefined && HOST_PATTERN.test(value));
  return `${proto}://${host ?? 'localhost'}${TOKEN_PATH}`;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first?.split(',')[0]?.trim() || undefined;
}
