export {
  ExecutionFinishedError,
  ExecutionNotFoundError,
  ExecutionStoppedError,
  InvalidJobRequestError,
} from './job-errors.js';
export {
  JobService,
  type ExecutionView,
  type JobServiceDeps,
  type PreparedExecution,
  type Progress,
  type TaskView,
  type TriggerRequest,
  type TriggerTask,
} from './job.service.js';
export { JobRunner, type JobRunnerDeps, type JobRunnerOptions, type RunnerLogger } from './job-runner.js';
export { Scheduler, type ScheduleLauncher, type SchedulerDeps, type SchedulerOptions } from './scheduler.js';
export { JobScheduleService, type SetScheduleRequest } from './job-schedule.service.js';
export { JobRuntime, type JobRuntimeOptions, type WebhookDeliverySettings } from './job-runtime.js';
export { TaskLogWriter } from './task-log-writer.js';
export {
  createProductProcessors,
  purgeAuditProcessor,
  webhookProcessor,
  type ProductProcessorDeps,
  type PurgeAuditOptions,
  type SecretOpener,
  type WebhookProcessorDeps,
} from './processors/index.js';
