import type { z } from 'zod';

/** A request DTO class carrying its zod schema: the type a handler declares for a body or a query. */
export interface ZodDtoClass<S extends z.ZodType = z.ZodType> {
  new (): z.output<S>;
  readonly zodSchema: S;
}

/**
 * Makes a DTO class from a zod schema, named by the class that extends it:
 *
 *   export class ProjectReq extends zodDto(ZCreateProjectRequest) {}
 *   createProject(@Body() body: ProjectReq)
 *
 * The validation pipe parses with the schema; the OpenAPI document shows the schema under the
 * class's name (Harbor's definition name for Harbor's request bodies).
 */
export function zodDto<S extends z.ZodType>(schema: S): ZodDtoClass<S> {
  return class {
    static readonly zodSchema = schema;
  } as unknown as ZodDtoClass<S>;
}

export function isZodDto(metatype: unknown): metatype is ZodDtoClass {
  return typeof metatype === 'function' && 'zodSchema' in metatype;
}
