import { z } from 'zod';
import { zodDto } from '../common/zod-dto.js';

/** `POST /c/login`, form-encoded as Harbor's portal sends it (`principal`, `password`), or JSON. */
export const ZLoginRequest = z.strictObject({
  principal: z
    .string({ message: 'principal is required' })
    .min(1, 'principal is required')
    .max(255, 'principal is too long'),
  password: z
    .string({ message: 'password is required' })
    .min(1, 'password is required')
    .max(1024, 'password is too long'),
});
export type TLoginRequest = z.output<typeof ZLoginRequest>;
export class LoginReq extends zodDto(ZLoginRequest) {}

/** The new session's cookie token and the CSRF token for unsafe requests. */
export interface LoginResult {
  token: string;
  csrfToken: string;
}
