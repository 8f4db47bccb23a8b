import { z } from 'zod';

const ZHealth = z.enum(['healthy', 'unhealthy']);

/** Harbor's `ComponentHealthStatus` (api/v2.0/swagger.yaml). */
export const ZComponentHealthStatus = z
  .object({ name: z.string(), status: ZHealth, error: z.string().optional() })
  .meta({ id: 'ComponentHealthStatus' });
export type ComponentHealthStatusDto = z.infer<typeof ZComponentHealthStatus>;

/** Harbor's `OverallHealthStatus`: healthy only when every component is. */
export const ZOverallHealthStatus = z
  .object({ status: ZHealth, components: z.array(ZComponentHealthStatus) })
  .meta({ id: 'OverallHealthStatus' });
export type OverallHealthStatusDto = z.infer<typeof ZOverallHealthStatus>;
