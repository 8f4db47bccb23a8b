import { Injectable, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { HarborError } from '../common/harbor-error.js';

/**
 * Validates a body, query string or route parameter with a zod schema; a mismatch is Harbor's 400
 * with every problem named, so a client learns all it got wrong at once.
 *
 *   @Body(new ZodValidationPipe(ZCreateUserRequest, 'user')) body: TCreateUserRequest
 */
@Injectable()
export class ZodValidationPipe<T extends z.ZodType> implements PipeTransform<unknown, z.output<T>> {
  constructor(
    private readonly schema: T,
    private readonly what = 'request',
  ) {}

  transform(value: unknown): z.output<T> {
    return parseRequest(this.schema, value, this.what);
  }
}

export function parseRequest<T extends z.ZodType>(schema: T, value: unknown, what = 'request'): z.output<T> {
  if (value === undefined && what.endsWith('body')) {
    throw HarborError.badRequest(`${what} is required (a JSON object)`);
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw HarborError.badRequest(`invalid ${what}: ${describeIssues(result.error.issues)}`);
}

export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.join(', ');
        return `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}${path ? ` in ${path}` : ''}`;
      }
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
