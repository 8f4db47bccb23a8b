/** No execution (or task) has that id. The API answers 404. */
export class ExecutionNotFoundError extends Error {
  constructor(readonly executionId: bigint) {
    super(`execution ${executionId} not found`);
    this.name = 'ExecutionNotFoundError';
  }
}

/** A stop asked of an execution that has ended already. The API answers 409 (Harbor: 412/409). */
export class ExecutionFinishedError extends Error {
  constructor(
    readonly executionId: bigint,
    readonly status: string,
  ) {
    super(`execution ${executionId} has ended already (${status})`);
    this.name = 'ExecutionFinishedError';
  }
}

/** A trigger the job kind refuses (bad payload, wrong number of tasks, unknown kind). The API answers 400. */
export class InvalidJobRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidJobRequestError';
  }
}

/** The abort reason a processor's signal carries when its execution is stopped. */
export class ExecutionStoppedError extends Error {
  constructor() {
    super('the execution was stopped');
    this.name = 'ExecutionStoppedError';
  }
}
