/**
 * Harbor's rules for local accounts (`src/server/v2.0/handler/user.go`), plus a stricter username
 * alphabet: a username ends up in Basic credentials, audit entries and URLs, so it holds no
 * whitespace, separators or quoting characters.
 */

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const PASSWORD_POLICY_MESSAGE = `the password or secret must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters with at least 1 uppercase letter, 1 lowercase letter and 1 number`;

/** 8–128 characters with an uppercase letter, a lowercase letter and a digit. */
export function isValidPassword(password: string): boolean {
  return (
    password.length >= PASSWORD_MIN &&
    password.length <= PASSWORD_MAX &&
    /[a-z]/.test(password) &&
    /[A-Z]/.test(password) &&
    /[0-9]/.test(password)
  );
}

export const USERNAME_MAX = 255;
export const USERNAME_RULE_MESSAGE =
  'username must be 1 to 255 letters, digits, ".", "_", "-" or "@", starting with a letter or digit';
const USERNAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}._@-]{0,254}$/u;

export function isValidUsername(username: string): boolean {
  return USERNAME_PATTERN.test(username);
}

// Harbor's e-mail pattern.
const EMAIL_PATTERN =
  /^(([^<>()[\]\\.,;:\s@"]+(\.[^<>()[\]\\.,;:\s@"]+)*)|(".+"))@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))$/;
export const EMAIL_MAX = 255;

export function isValidEmail(email: string): boolean {
  return email.length <= EMAIL_MAX && EMAIL_PATTERN.test(email);
}

export const REALNAME_MAX = 255;
const REALNAME_ILLEGAL = /[,~#$%]/;

export function isValidRealname(realname: string): boolean {
  return realname.length >= 1 && realname.length <= REALNAME_MAX && !REALNAME_ILLEGAL.test(realname);
}

export const COMMENT_MAX = 30;

/** A generated password that satisfies the policy: 24 characters from 18 random bytes, plus one of each class. */
export function generatePassword(random: (size: number) => Buffer): string {
  const body = random(18).toString('base64url').replace(/[-_]/g, 'x');
  return `${body}Aa1`;
}
