import type { ExecutionView, TaskView } from '@berth/domain';
import { z } from 'zod';

/**
 * Harbor's generic `Execution` and `Task` (webhook deliveries; preheat and replication later), as
 * the job service keeps them. Times are RFC 3339; an end time is absent while the run goes on.
 */

/** Harbor's Metrics: an execution's tasks by status. */
export const ZMetrics = z
  .object({
    task_count: z.number().int(),
    success_task_count: z.number().int(),
    error_task_count: z.number().int(),
    pending_task_count: z.number().int(),
    running_task_count: z.number().int(),
    scheduled_task_count: z.number().int(),
    stopped_task_count: z.number().int(),
  })
  .meta({ id: 'Metrics' });

/** Harbor's Execution. */
export const ZExecution = z
  .object({
    id: z.number().int(),
    vendor_type: z.string(),
    vendor_id: z.number().int(),
    status: z.string(),
    status_message: z.string(),
    metrics: ZMetrics,
    trigger: z.string(),
    extra_attrs: z.record(z.string(), z.unknown()),
    start_time: z.string(),
    end_time: z.string().optional(),
  })
  .meta({ id: 'Execution' });
export type ExecutionDto = z.infer<typeof ZExecution>;

/** Harbor's Task. */
export const ZTask = z
  .object({
    id: z.number().int(),
    execution_id: z.number().int(),
    status: z.string(),
    status_message: z.string(),
    run_count: z.number().int(),
    extra_attrs: z.record(z.string(), z.unknown()),
    creation_time: z.string(),
    update_time: z.string(),
    start_time: z.string().optional(),
    end_time: z.string().optional(),
  })
  .meta({ id: 'Task' });
export type TaskDto = z.infer<typeof ZTask>;

export function toExecutionDto(execution: ExecutionView): ExecutionDto {
  const { metrics } = execution;
  return {
    id: Number(execution.id),
    vendor_type: execution.vendorType,
    vendor_id: Number(execution.vendorId),
    status: execution.status,
    status_message: execution.statusMessage,
    metrics: {
      task_count: metrics.total,
      success_task_count: metrics.Success,
      error_task_count: metrics.Error,
      pending_task_count: metrics.Pending,
      running_task_count: metrics.Running,
      scheduled_task_count: 0,
      stopped_task_count: metrics.Stopped,
    },
    trigger: execution.trigger,
    extra_attrs: execution.extraAttrs,
    start_time: execution.startTime.toISOString(),
    ...(execution.endTime ? { end_time: execution.endTime.toISOString() } : {}),
  };
}

export function toTaskDto(task: TaskView): TaskDto {
  return {
    id: Number(task.id),
    execution_id: Number(task.executionId),
    status: task.status,
    status_message: task.statusMessage,
    run_count: task.runCount,
    extra_attrs: task.extraAttrs,
    creation_time: task.creationTime.toISOString(),
    update_time: task.updateTime.toISOString(),
    ...(task.startTime ? { start_time: task.startTime.toISOString() } : {}),
    ...(task.endTime ? { end_time: task.endTime.toISOString() } : {}),
  };
}
