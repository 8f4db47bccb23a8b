import { z } from 'zod';
import { ZPermission } from '../identity/user.dto.js';

/** Harbor's `Permissions`: what a robot account may be given, system-wide and in a project. */
export const ZPermissions = z
  .object({ system: z.array(ZPermission).optional(), project: z.array(ZPermission).optional() })
  .meta({ id: 'Permissions' });
export type PermissionsDto = z.infer<typeof ZPermissions>;
