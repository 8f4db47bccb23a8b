import type { ArgumentsHost } from '@nestjs/common';
import { InvalidDataError } from '@berth/db';
import { describe, expect, it } from 'vitest';
import { HarborError } from './harbor-error.js';
import { HarborExceptionFilter } from './harbor-exception.filter.js';

function answer(exception: unknown): { status: number; body: unknown } {
  const sent: { status: number; body: unknown } = { status: 0, body: undefined };
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    headers: () => reply,
    type: () => reply,
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => reply }) } as unknown as ArgumentsHost;
  new HarborExceptionFilter().catch(exception, host);
  return sent;
}

describe(HarborExceptionFilter.name, () => {
  it("answers a value the database refused as Harbor's 400, not a 500", () => {
    const refused = new InvalidDataError('a value contains a NUL byte or bytes that are not UTF-8', '22021');
    expect(answer(refused)).toEqual({
      status: 400,
      body: {
        errors: [
          {
            code: 'BAD_REQUEST',
            message: 'invalid value: a value contains a NUL byte or bytes that are not UTF-8',
          },
        ],
      },
    });
  });

  it('answers a HarborError with its own status and code', () => {
    expect(answer(HarborError.notFound('project x not found'))).toEqual({
      status: 404,
      body: { errors: [{ code: 'NOT_FOUND', message: 'project x not found' }] },
    });
  });
});
