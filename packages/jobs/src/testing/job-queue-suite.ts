import { afterEach, describe, expect, it } from 'vitest';
import { JobAbortedError, type JobQueue, type QueuedJob } from '../job-queue.js';
import { defineTestJobKind } from './test-job-kinds.js';
import { sleep, waitFor } from './wait.js';

/** What the suite needs from an engine's test file. */
export interface JobQueueBackend {
  /** A new client on the suite's backend (one Redis prefix, one database); the suite closes it. */
  connect(): Promise<JobQueue>;
  /** Drops a client as a killed process would: no completion, no release, connections cut. */
  crash(queue: JobQueue): Promise<void>;
  /** Longest time before a crashed consumer's running job is offered to another consumer. */
  stallRecoveryMs: number;
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/**
 * The contract every `JobQueue` must pass. Call it from each engine's test file with a backend on
 * the machine's real Redis or PostgreSQL. Every test declares kinds of its own, so tests never see
 * each other's jobs even on one backend.
 */
export function describeJobQueue(name: string, backend: () => JobQueueBackend): void {
  describe(`JobQueue contract: ${name}`, () => {
    const open: JobQueue[] = [];
    const connect = async (): Promise<JobQueue> => {
      const queue = await backend().connect();
      open.push(queue);
      return queue;
    };

    afterEach(async () => {
      await Promise.all(open.splice(0).map((queue) => queue.close({ graceMs: 0 }).catch(() => undefined)));
    });

    it('delivers a job to a handler with its id, kind, data and first attempt', async () => {
      const sut = await connect();
      const kind = defineTestJobKind({ attempts: 3 });
      const seen: QueuedJob[] = [];
      await sut.process(kind, async (job) => {
        seen.push(job);
      });
      const before = Date.now();
      await sut.enqueue(kind, { id: 'task:1', data: { answer: 42, nested: { list: ['a'] } } });
      await waitFor('the job to run', () => seen.length === 1);
      const job = seen[0]!;
      expect(job).toMatchObject({
        id: 'task:1',
        kind: kind.name,
        data: { answer: 42, nested: { list: ['a'] } },
        attempt: 1,
        maxAttempts: 3,
      });
      expect(job.enqueuedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
      await waitFor('the job to complete', async () => (await sut.state(kind, 'task:1')) === 'completed');
    });

    it('queues an id once, whether it waits, or ran already', async () => {
      const sut = await connect();
      const kind = defineTestJobKind();
      await sut.enqueue(kind, { id: 'same', data: { n: 1 } });
      await sut.enqueue(kind, { id: 'same', data: { n: 2 } });
      await sut.enqueueMany(kind, [
        { id: 'same', data: { n: 3 } },
        { id: 'other', data: { n: 4 } },
      ]);
      expect((await sut.stats(kind)).waiting).toBe(2);
      const runs: unknown[] = [];
      await sut.process(kind, async (job) => {
        runs.push(job.data.n);
      });
      await waitFor('both jobs to run', () => runs.length === 2);
      await sut.enqueue(kind, { id: 'same', data: { n: 5 } });
      await sleep(500);
      expect(runs.sort()).toEqual([1, 4]);
    });

    it("runs at most the kind's concurrency at once on a consumer", async () => {
      const sut = await connect();
      const kind = defineTestJobKind({ concurrency: 2 });
      let running = 0;
      let most = 0;
      let done = 0;
      await sut.process(kind, async () => {
        running += 1;
        most = Math.max(most, running);
        await sleep(150);
        running -= 1;
        done += 1;
      });
      await sut.enqueueMany(
        kind,
        Array.from({ length: 6 }, (_, i) => ({ id: `job-${i}`, data: {} })),
      );
      await waitFor('six jobs to finish', () => done === 6);
      expect(most).toBe(2);
    });

    it('shares jobs between consumers and runs each once', async () => {
      const first = await connect();
      const second = await connect();
      const kind = defineTestJobKind({ concurrency: 2 });
      const runs: string[] = [];
      const handler = async (job: QueuedJob): Promise<void> => {
        runs.push(job.id);
        await sleep(20);
      };
      await first.process(kind, handler);
      await second.process(kind, handler);
      const ids = Array.from({ length: 20 }, (_, i) => `job-${i}`);
      await first.enqueueMany(
        kind,
        ids.map((id) => ({ id, data: {} })),
      );
      await waitFor('every job to run', () => runs.length >= ids.length);
      await sleep(300);
      expect(runs.sort()).toEqual([...ids].sort());
    });

    it("retries a failed job after the kind's backoff until it succeeds", async () => {
      const sut = await connect();
      const kind = defineTestJobKind({ attempts: 3, backoff: { type: 'fixed', delayMs: 1000 } });
      const attempts: { attempt: number; at: number }[] = [];
      await sut.process(kind, async (job) => {
        attempts.push({ attempt: job.attempt, at: Date.now() });
        if (job.attempt < 2) throw new Error('first run fails');
      });
      await sut.enqueue(kind, { id: 'flaky', data: {} });
      await waitFor('the retry to succeed', async () => (await sut.state(kind, 'flaky')) === 'completed');
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
      expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(900);
    });

    it('fails a job for good once its attempts are spent', async () => {
      const sut = await connect();
      const kind = defineTestJobKind({ attempts: 1 });
      let runs = 0;
      await sut.process(kind, async () => {
        runs += 1;
        throw new Error('always fails');
      });
      await sut.enqueue(kind, { id: 'doomed', data: {} });
      await waitFor('the job to fail', async () => (await sut.state(kind, 'doomed')) === 'failed');
      await sleep(300);
      expect(runs).toBe(1);
    });

    it('holds a delayed job until its time', async () => {
      const sut = await connect();
      const kind = defineTestJobKind();
      let ranAt = 0;
      await sut.process(kind, async () => {
        ranAt = Date.now();
      });
      const enqueuedAt = Date.now();
      await sut.enqueue(kind, { id: 'later', data: {}, delayMs: 1000 });
      expect(await sut.state(kind, 'later')).toBe('delayed');
      expect((await sut.stats(kind)).delayed).toBe(1);
      await waitFor('the delayed job to run', () => ranAt > 0);
      expect(ranAt - enqueuedAt).toBeGreaterThanOrEqual(950);
    });

    it('pauses a kind on every consumer and resumes it', async () => {
      const worker = await connect();
      const control = await connect();
      const kind = defineTestJobKind();
      const runs: string[] = [];
      await worker.process(kind, async (job) => {
        runs.push(job.id);
      });
      await control.pause(kind);
      await control.enqueueMany(kind, [
        { id: 'a', data: {} },
        { id: 'b', data: {} },
      ]);
      await sleep(800);
      expect(runs).toEqual([]);
      const paused = await worker.stats(kind);
      expect(paused).toMatchObject({ paused: true, waiting: 2, active: 0 });
      expect(paused.latencyMs).toBeGreaterThanOrEqual(500);
      expect(await worker.state(kind, 'a')).toBe('waiting');

      await control.resume(kind);
      await waitFor('both jobs to run after resume', () => runs.length === 2);
      const resumed = await control.stats(kind);
      expect(resumed.paused).toBe(false);
      await waitFor('the queue to drain', async () => (await control.stats(kind)).waiting === 0);
      expect((await control.stats(kind)).latencyMs).toBe(0);
    });

    it('removes a job that has not started, and not one that runs', async () => {
      const sut = await connect();
      const kind = defineTestJobKind();
      const started = deferred();
      const release = deferred();
      const runs: string[] = [];
      await sut.pause(kind);
      // Two calls, so the queue's order (oldest first) is certain.
      await sut.enqueue(kind, { id: 'running', data: {} });
      await sleep(10);
      await sut.enqueue(kind, { id: 'waiting', data: {} });
      await sut.process(kind, async (job) => {
        runs.push(job.id);
        if (job.id === 'running') {
          started.resolve();
          await release.promise;
        }
      });
      await sut.resume(kind);
      await started.promise;
      expect(await sut.state(kind, 'running')).toBe('active');
      expect(await sut.remove(kind, 'running')).toBe(false);
      expect(await sut.remove(kind, 'waiting')).toBe(true);
      expect(await sut.state(kind, 'waiting')).toBeNull();
      expect(await sut.remove(kind, 'never-enqueued')).toBe(false);
      release.resolve();
      await waitFor(
        'the running job to complete',
        async () => (await sut.state(kind, 'running')) === 'completed',
      );
      await sleep(300);
      expect(runs).toEqual(['running']);
    });

    it('reports jobs it does not hold as null', async () => {
      const sut = await connect();
      const kind = defineTestJobKind();
      expect(await sut.state(kind, 'unknown')).toBeNull();
      expect(await sut.stats(kind)).toEqual({
        waiting: 0,
        delayed: 0,
        active: 0,
        latencyMs: 0,
        paused: false,
      });
    });

    it('on close, signals running handlers and hands their jobs to another consumer', async () => {
      const closing = await connect();
      const other = await connect();
      const kind = defineTestJobKind({ attempts: 2 });
      const started = deferred();
      let reason: unknown = null;
      await closing.process(kind, async (_job, signal) => {
        started.resolve();
        await new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => resolve(), { once: true }),
        );
        reason = signal.reason;
        throw signal.reason;
      });
      await closing.enqueue(kind, { id: 'handed-over', data: {} });
      await started.promise;
      const finishedBy: string[] = [];
      await other.process(kind, async () => {
        finishedBy.push('other');
      });
      await closing.close({ graceMs: 100 });
      expect(reason).toBeInstanceOf(JobAbortedError);
      expect((reason as JobAbortedError).reason).toBe('closing');
      await waitFor('the other consumer to run the job', () => finishedBy.length === 1);
      await waitFor(
        'the job to complete',
        async () => (await other.state(kind, 'handed-over')) === 'completed',
      );
    });

    it("runs a crashed consumer's job on another consumer", async () => {
      const doomed = await connect();
      const survivor = await connect();
      const kind = defineTestJobKind({ attempts: 3 });
      const started = deferred();
      await doomed.process(kind, async () => {
        started.resolve();
        await new Promise<void>(() => undefined);
      });
      await doomed.enqueue(kind, { id: 'orphan', data: {} });
      await started.promise;
      await backend().crash(doomed);
      const rescued: QueuedJob[] = [];
      await survivor.process(kind, async (job) => {
        rescued.push(job);
      });
      await waitFor(
        'another consumer to run the orphaned job',
        () => rescued.length === 1,
        backend().stallRecoveryMs + 10_000,
      );
      expect(rescued[0]!.id).toBe('orphan');
      await waitFor(
        'the job to complete',
        async () => (await survivor.state(kind, 'orphan')) === 'completed',
      );
    });
  });
}
