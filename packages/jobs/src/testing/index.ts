export { describeJobQueue, type JobQueueBackend } from './job-queue-suite.js';
export { ZTestPayload, defineTestJobKind, type TestJobKindOptions } from './test-job-kinds.js';
export { sleep, waitFor } from './wait.js';
