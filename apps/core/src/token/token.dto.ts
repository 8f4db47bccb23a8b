import { z } from 'zod';
import { zodDto } from '../common/zod-dto.js';

const text = z.string().max(4096);
/** A query parameter Fastify hands over once (string) or repeated (array). */
const repeatable = z.union([text, z.array(text).max(100)]);

/**
 * `GET /service/token`'s query (the distribution token spec: service, scope, account, client_id,
 * offline_token). Clients add parameters of their own, so others are ignored rather than refused.
 */
export const ZTokenQuery = z.object({
  service: text.optional(),
  scope: repeatable.optional(),
  account: text.optional(),
  client_id: text.optional(),
  offline_token: text.optional(),
});
export type TTokenQuery = z.infer<typeof ZTokenQuery>;

/** `POST /service/token`'s form (the spec's OAuth2 variant). */
export const ZOAuthTokenForm = z.object({
  grant_type: z.enum(['password', 'refresh_token'], {
    error: 'grant_type must be password (refresh tokens are not issued)',
  }),
  service: text.optional(),
  client_id: text.optional(),
  access_type: text.optional(),
  scope: repeatable.optional(),
  username: text.optional(),
  password: text.optional(),
  refresh_token: text.optional(),
});
export type TOAuthTokenForm = z.infer<typeof ZOAuthTokenForm>;

/** What the GET flow answers (`token` and its OAuth2 alias `access_token`). */
export const ZTokenResponse = z
  .object({
    token: z.string(),
    access_token: z.string(),
    expires_in: z.number().int().describe('Seconds'),
    issued_at: z.string().describe('RFC 3339'),
  })
  .meta({ id: 'TokenResponse' });
export type TokenResponseDto = z.infer<typeof ZTokenResponse>;

/** What the OAuth2 flow answers. */
export const ZOAuthTokenResponse = ZTokenResponse.extend({ scope: z.string() }).meta({
  id: 'OAuthTokenResponse',
});
export type OAuthTokenResponseDto = z.infer<typeof ZOAuthTokenResponse>;

export class TokenQuery extends zodDto(ZTokenQuery) {}
export class OAuthTokenForm extends zodDto(ZOAuthTokenForm) {}
