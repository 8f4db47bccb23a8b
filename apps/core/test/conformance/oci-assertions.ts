import { expect } from 'vitest';
import { errorCodes, type Reply } from '../support/oci-fixtures.js';

/** Asserts an OCI error answer: the status, a JSON body `{"errors":[{"code":…}]}` holding `code`. */
export function expectOciError(reply: Reply, status: number | number[], code: string): void {
  const statuses = Array.isArray(status) ? status : [status];
  expect(statuses, `status ${reply.status}: ${reply.text().slice(0, 300)}`).toContain(reply.status);
  expect(reply.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  expect(errorCodes(reply)).toContain(code);
  for (const entry of reply.json<{ errors: { message?: unknown }[] }>().errors) {
    if (entry.message !== undefined) expect(typeof entry.message).toBe('string');
  }
}

/** Asserts a status, showing the body when it differs. */
export function expectStatus(reply: Reply, status: number): void {
  expect(reply.status, `${reply.status}: ${reply.text().slice(0, 500)}`).toBe(status);
}

/** Asserts the headers every `/v2/` answer carries. */
export function expectApiVersion(reply: Reply): void {
  expect(reply.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
}
