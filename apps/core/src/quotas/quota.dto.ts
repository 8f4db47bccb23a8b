import { z } from 'zod';
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

export const ZQuotaId = z
  .string()
  .regex(/^\d{1,18}$/, 'the quota id must be a positive integer')
  .transform(BigInt);

/** Harbor's Quota; Berth has one per project and its id is the project's id. */
export interface QuotaDto {
  id: number;
  ref: { id: number; name: string; owner_name: string };
  hard: { storage: number };
  used: { storage: number };
  creation_time: string;
  update_time: string;
}
