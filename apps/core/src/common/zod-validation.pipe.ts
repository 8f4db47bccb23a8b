import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { HarborError } from './harbor-error.js';
import { isZodDto } from './zod-dto.js';

/**
 * The API's one validation pipe. Installed globally (AppModule's APP_PIPE), it validates every
 * parameter typed with a zod DTO (`@Body() body: ProjectReq`, `@Query() query: ListProjectsQuery`,
 * made by `zodDto`), so the type a handler declares is the schema that checks it and the one the
 * OpenAPI document shows. Given a schema, it validates one value:
 * `@Param('user_id', new ZodValidationPipe(ZId))`. A mismatch is Harbor's 400 naming every problem.
 */
export class ZodValidationPipe implements PipeTransform {
  constructor(private readonly schema?: z.ZodType) {}

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const schema = this.schema ?? (isZodDto(metadata.metatype) ? metadata.metatype.zodSchema : undefined);
    if (!schema) return value;
    return parseRequest(schema, value, describeArgument(metadata));
  }
}

function describeArgument({ type, data }: ArgumentMetadata): string {
  if (type === 'body') return 'request body';
  if (type === 'param') return data ?? 'path parameter';
  return data ?? type;
}

/** Parses one part of a request, or throws Harbor's 400 naming `what` and every problem. */
export function parseRequest<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  if (value === undefined && what === 'request body') {
    throw HarborError.badRequest('request body is required (a JSON object)');
  }
  const result = schema.safeParse(value ?? {});
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
