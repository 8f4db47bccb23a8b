import { z } from 'zod';
import { ZId } from '../common/request-values.js';
import { zodDto } from '../common/zod-dto.js';
import { ZPageParams } from '../system/harbor-listing.js';

/** Harbor's largest storage quota: 1024 TiB. */
export const MAX_STORAGE_QUOTA = 2 ** 50;
const STORAGE_MESSAGE = `hard.storage must be -1 (unlimited) or a number of bytes from 1 to ${MAX_STORAGE_QUOTA}`;

/** Harbor's QuotaUpdateReq: `{"hard":{"storage":N}}` (storage is the only resource). */
export const ZUpdateQuotaRequest = z.strictObject({
  hard: z.strictObject(
    {
      storage: z
        .number({ message: STORAGE_MESSAGE })
        .int(STORAGE_MESSAGE)
        .refine((n) => n === -1 || (n >= 1 && n <= MAX_STORAGE_QUOTA), STORAGE_MESSAGE),
    },
    { message: 'hard must be an object with storage' },
  ),
});
export type TUpdateQuotaRequest = z.output<typeof ZUpdateQuotaRequest>;

export const ZListQuotasQuery = z.strictObject({
  ...ZPageParams,
  reference: z.string().max(64).optional(),
  reference_id: z.string().max(64).optional(),
  sort: z.string().max(256).optional(),
});
export type TListQuotasQuery = z.output<typeof ZListQuotasQuery>;

export const ZQuotaId = ZId;

const ZResourceList = z.record(z.string(), z.number().int()).meta({ id: 'ResourceList' });

/** Harbor's Quota; Berth has one per project and its id is the project's id. */
export const ZQuota = z
  .object({
    id: z.number().int(),
    ref: z.object({ id: z.number().int(), name: z.string(), owner_name: z.string() }),
    hard: ZResourceList,
    used: ZResourceList,
    creation_time: z.string(),
    update_time: z.string(),
  })
  .meta({ id: 'Quota' });
export type QuotaDto = { hard: { storage: number }; used: { storage: number } } & Omit<
  z.infer<typeof ZQuota>,
  'hard' | 'used'
>;

export class QuotaUpdateReq extends zodDto(ZUpdateQuotaRequest) {}
export class ListQuotasQuery extends zodDto(ZListQuotasQuery) {}
