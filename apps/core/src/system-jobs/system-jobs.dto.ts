import { z } from 'zod';
import { zodDto } from '../common/zod-dto.js';
import { ZId } from '../common/request-values.js';
import { ZPageParams } from '../system/harbor-listing.js';

/** Harbor's ScheduleObj as answered (`next_scheduled_time` when a cron is set). */
const ZScheduleObjDto = z
  .object({
    type: z.string().optional(),
    cron: z.string().optional(),
    next_scheduled_time: z.string().optional(),
  })
  .meta({ id: 'ScheduleObj' });

/** Berth's progress of a run (retention's `JobProgress` shape). */
const ZRunProgress = z.object({
  done: z.number().int(),
  total: z.number().int().nullable(),
  percent: z.number().int().nullable().describe('whole percent; null while the total is unknown'),
});

/** The fields GCHistory and ExecHistory share (Harbor defines them twice). */
const historyShape = {
  id: z.number().int().optional(),
  job_name: z.string().optional(),
  /** `MANUAL` or `SCHEDULE` (the trigger), as Harbor shows it; `Custom`, `Daily`… for a schedule. */
  job_kind: z.string().optional(),
  /** The run's parameters and results, a JSON string (`{"delete_untagged":…,"freed_space":…}`). */
  job_parameters: z.string().optional(),
  schedule: ZScheduleObjDto.optional(),
  job_status: z.string().optional(),
  deleted: z.boolean().optional(),
  creation_time: z.string().optional(),
  update_time: z.string().optional(),
  /** Berth's: units done of all (GC: blobs; purge: entries), so a console can draw a live bar. */
  progress: ZRunProgress.optional().describe(
    "Berth's: the run's units done of all (GC: blobs, purge: entries); absent on a schedule",
  ),
};

export const ZGCHistory = z.object(historyShape).meta({ id: 'GCHistory' });
export type GCHistoryDto = z.infer<typeof ZGCHistory>;

export const ZExecHistory = z.object(historyShape).meta({ id: 'ExecHistory' });
export type ExecHistoryDto = z.infer<typeof ZExecHistory>;

/** Harbor's `Schedule` request: the schedule object and the job's parameters. */
export const ZScheduleRequest = z
  .object({
    id: z.number().int().optional(),
    status: z.string().max(64).optional(),
    creation_time: z.string().max(64).optional(),
    update_time: z.string().max(64).optional(),
    schedule: z
      .object({
        type: z.string().max(32),
        cron: z.string().max(256).optional(),
        next_scheduled_time: z.string().max(64).optional(),
      })
      .optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'Schedule' });
export type TScheduleRequest = z.output<typeof ZScheduleRequest>;
export class ScheduleRequest extends zodDto(ZScheduleRequest) {}

export const ZHistoryQuery = z.strictObject({
  ...ZPageParams,
  q: z.string().max(2048).optional(),
  sort: z.string().max(256).optional(),
});
export type THistoryQuery = z.output<typeof ZHistoryQuery>;
export class HistoryQuery extends zodDto(ZHistoryQuery) {}

export const ZHistoryId = ZId;
