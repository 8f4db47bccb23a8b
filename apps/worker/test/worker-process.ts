import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('./fixtures/test-worker.mjs', import.meta.url));
/** The production worker, with the product's kinds (GC…). */
export const PRODUCT_WORKER = fileURLToPath(new URL('./fixtures/product-worker.mjs', import.meta.url));

export interface WorkerProcess {
  pid: number;
  logs(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Kills every worker still running (SIGKILL) and waits for them. */
export async function killAllWorkers(): Promise<void> {
  const children = [...running];
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve))),
    ),
  );
}

/**
 * Spawns a worker process (the built `runWorker` with the test kinds) and waits until it runs.
 * Timings are shrunk so a dead worker is noticed in about two seconds.
 */
export async function startWorker(
  env: Record<string, string>,
  options: { expectFailure?: boolean; fixture?: string } = {},
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [options.fixture ?? FIXTURE], {
    env: {
      ...process.env,
      NO_COLOR: '1',
      REDIS_URL: '',
      BERTH_JOB_STALL_TIMEOUT_MS: '2500',
      BERTH_JOB_WORKER_TIMEOUT_MS: '3000',
      BERTH_JOB_RECONCILE_MS: '300',
      BERTH_JOB_SHUTDOWN_GRACE_MS: '500',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const output: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  if (process.env.BERTH_TEST_VERBOSE) {
    child.stdout!.on('data', (chunk: string) => process.stderr.write(chunk));
    child.stderr!.on('data', (chunk: string) => process.stderr.write(chunk));
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  const logs = (): string => output.join('');
  const worker: WorkerProcess = { pid: child.pid!, logs, exited, kill: (signal) => child.kill(signal) };
  if (options.expectFailure) return worker;
  const deadline = Date.now() + 30_000;
  while (!logs().includes('Berth worker running')) {
    const early = await Promise.race([
      exited,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 50)),
    ]);
    if (early) throw new Error(`worker exited before it ran (${JSON.stringify(early)}):\n${logs()}`);
    if (Date.now() > deadline) throw new Error(`worker did not start within 30 s:\n${logs()}`);
  }
  return worker;
}
