/** The core's rules for local accounts (apps/core/src/identity/user-rules.ts), checked before sending. */
const USERNAME = /^[\p{L}\p{N}][\p{L}\p{N}._@-]{0,254}$/u;
const EMAIL =
  /^(([^<>()[\]\\.,;:\s@"]+(\.[^<>()[\]\\.,;:\s@"]+)*)|(".+"))@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))$/;
const REALNAME_ILLEGAL = /[,~#$%]/;

export const COMMENT_MAX = 30;

export const isValidUsername = (value: string) => USERNAME.test(value);
export const isValidEmail = (value: string) => value.length <= 255 && EMAIL.test(value);
export const isValidRealname = (value: string) =>
  value.length >= 1 && value.length <= 255 && !REALNAME_ILLEGAL.test(value);
