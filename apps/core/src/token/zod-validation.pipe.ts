import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { HarborError } from '../common/harbor-error.js';

/** Validates a body or query with a zod schema; a mismatch is a 400 naming each bad field. */
export class ZodValidationPipe<T extends z.ZodType> implements PipeTransform<unknown, z.infer<T>> {
  constructor(
    private readonly schema: T,
    private readonly what = 'request',
  ) {}

  transform(value: unknown): z.infer<T> {
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    const problems = result.error.issues.map((issue) => {
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    });
    throw HarborError.badRequest(`invalid ${this.what}: ${problems.join('; ')}`);
  }
}
