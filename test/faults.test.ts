// Faults injected into a working pool: a worker killed at a random moment of an operation,
// close() with calls queued, and operations too large for maxMemory. Each must end in the
// documented error, and the pool must go on giving correct results.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, PoolClosedError, SCHEDULES, ValidationError, WorkerCrashError, type Pool } from 'parwasm';
import { markRun, spinRun, terminateWorker } from 'parwasm/internal';
import {
  ASCII_WORD_PIECES,
  delay,
  mandelbrotJs,
  matmulReference,
  outcomeOf,
  relativeFrobeniusError,
  seededRandom,
  settlesWithin,
  wordCountReference,
} from './helpers.js';

// Every step that waits on the pool has its own deadline, far above its normal time (a few
// ms to a few hundred), so that a hang fails at once and names the step that did not settle.
const CRASH_SETTLES_MS = 5_000;
const STEP_MS = 10_000;

const WORDS = ['alpha', 'Beta', 'GAMMA', 'δέλτα', 'Ελλάδα', 'naïve', '123', 'x', ...ASCII_WORD_PIECES];

/** One small mandelbrot, matmul or wordCount chosen by `seed`, checked against plain JS. */
async function smallOperation(pool: Pool, seed: number): Promise<void> {
  const random = seededRandom(seed);
  const size = (max: number) => Math.floor(random() * (max + 1));
  const schedule = SCHEDULES[size(SCHEDULES.length - 1)]!;
  switch (seed % 3) {
    case 0: {
      const view = {
        width: size(24),
        height: size(24),
        xmin: -2,
        xmax: 0.5,
        ymin: -1.25,
        ymax: 1.25,
        maxIter: 1 + size(200),
      };
      const { data } = await pool.mandelbrot({ ...view, schedule });
      expect(data).toEqual(mandelbrotJs(view));
      return;
    }
    case 1: {
      const [m, k, n] = [size(24), size(24), size(24)];
      const matrix = (rows: number, cols: number) => ({
        rows,
        cols,
        data: Float64Array.from({ length: rows * cols }, () => random() - 0.5),
      });
      const [a, b] = [matrix(m, k), matrix(k, n)];
      const c = await pool.matmul(a, b, { schedule });
      expect(relativeFrobeniusError(c.data, matmulReference(a, b))).toBeLessThan(1e-12);
      return;
    }
    default: {
      const documents = Array.from({ length: size(4) }, () =>
        Array.from({ length: size(30) }, () => WORDS[size(WORDS.length - 1)]).join(' '),
      );
      expect((await pool.wordCount(documents, { schedule })).counts).toEqual(wordCountReference(documents));
    }
  }
}

/** The next `count` calls, made at once from as many callers, all give correct results. */
async function expectCorrect(pool: Pool, count: number, seed: number): Promise<void> {
  const calls = Promise.all(Array.from({ length: count }, (_, i) => smallOperation(pool, seed + i)));
  await settlesWithin(calls, STEP_MS, `${count} small operations (seed ${seed})`);
}

describe('a worker killed during an operation', () => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await createPool({ workers: 3 });
  });
  afterAll(() => settlesWithin(pool.close(), STEP_MS, 'close() after the kills'));

  // Both run for seconds if nothing stops them, in chunks of a few ms, so that the survivors
  // leave the aborted job quickly. Except under guided, whose first claims are a third of the
  // space each, which the survivors finish before they leave: there the run is a quarter as
  // long and the kill comes in its first 40 ms.
  type Schedule = (typeof SCHEDULES)[number];
  const scale = (schedule: Schedule) => (schedule === 'guided' ? 4 : 1);
  const longOperations = {
    spin: (signal: AbortSignal, schedule: Schedule) =>
      spinRun(pool, new Uint32Array(6000 / scale(schedule)).fill(1_000_000), { schedule, chunk: 4, signal }),
    mandelbrot: (signal: AbortSignal, schedule: Schedule) =>
      pool.mandelbrot({
        width: 64,
        height: 1536 / scale(schedule),
        xmin: -0.2,
        xmax: 0,
        ymin: -0.1,
        ymax: 0.1,
        maxIter: 50_000,
        schedule,
        chunk: 1,
        signal,
      }),
  };

  it('rejects it with WorkerCrashError, replaces the worker, and the next 100 results are correct', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<keyof typeof longOperations>('spin', 'mandelbrot'),
        fc.constantFrom(...SCHEDULES),
        fc.integer({ min: 1, max: 150 }),
        fc.nat({ max: 2 }),
        fc.nat(),
        async (kind, schedule, delayMs, rank, seed) => {
          const killAfterMs = schedule === 'guided' ? 1 + (delayMs % 40) : delayMs;
          const before = await settlesWithin(pool.hello(), STEP_MS, 'hello before the kill');
          // A safety net: if the kill fails, the long run is aborted instead of running on.
          const controller = new AbortController();
          const running = outcomeOf(longOperations[kind](controller.signal, schedule));
          await delay(killAfterMs);
          const what = `${kind} (${schedule}) with worker ${rank} killed after ${killAfterMs} ms`;
          await settlesWithin(terminateWorker(pool, rank), STEP_MS, `terminating worker ${rank}`).catch(
            (error: unknown) => controller.abort(error),
          );
          const error = await settlesWithin(running, CRASH_SETTLES_MS, what);
          expect(controller.signal.aborted).toBe(false);
          expect(error).toBeInstanceOf(WorkerCrashError);
          expect(error).toMatchObject({ name: 'WorkerCrashError', workerId: rank });

          const after = await settlesWithin(pool.hello(), STEP_MS, `hello after ${what} (its replacement)`);
          expect(after.map((reply) => reply.rank)).toEqual([0, 1, 2]);
          after.forEach((reply, i) =>
            i === rank
              ? expect(reply.threadId).not.toBe(before[i]!.threadId)
              : expect(reply.threadId).toBe(before[i]!.threadId),
          );
          await expectCorrect(pool, 100, seed);
        },
      ),
      // Stop at the first failure: shrinking would rerun a hanging case for every step.
      { numRuns: 8, endOnFailure: true },
    );
  }, 120_000);
});

describe('close() with calls queued', () => {
  it('rejects the queued calls with PoolClosedError and lets the running one finish correctly', async () => {
    const pool = await createPool({ workers: 2 });
    const view = { width: 300, height: 200, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 3000 };
    const running = pool.mandelbrot(view);
    const queued = Array.from({ length: 9 }, (_, i) => outcomeOf(smallOperation(pool, i)));
    const closing = pool.close();
    expect((await settlesWithin(running, STEP_MS, 'the running call')).data).toEqual(mandelbrotJs(view));
    const outcomes = await settlesWithin(Promise.all(queued), STEP_MS, 'the queued calls');
    for (const outcome of outcomes) expect(outcome).toBeInstanceOf(PoolClosedError);
    await expect(settlesWithin(closing, STEP_MS, 'close()')).resolves.toBeUndefined();
    await expect(
      pool.matmul({ rows: 1, cols: 1, data: new Float64Array([2]) }, { rows: 1, cols: 1, data: new Float64Array([3]) }),
    ).rejects.toBeInstanceOf(PoolClosedError);
    await expect(pool.close()).resolves.toBeUndefined();
  });

  it('does not hang when it comes while a crashed worker is being replaced', async () => {
    const pool = await createPool({ workers: 2 });
    const running = outcomeOf(spinRun(pool, new Uint32Array(4000).fill(1_000_000), { chunk: 2 }));
    const queued = Array.from({ length: 5 }, (_, i) => outcomeOf(smallOperation(pool, i).then(() => 'resolved')));
    await delay(30);
    await settlesWithin(terminateWorker(pool, 1), STEP_MS, 'terminating worker 1');
    expect(await settlesWithin(running, CRASH_SETTLES_MS, 'the run whose worker was killed')).toBeInstanceOf(
      WorkerCrashError,
    );
    await settlesWithin(pool.close(), STEP_MS, 'close() during the replacement');
    // The call the pool had already taken up may run (correctly); the others are refused.
    const outcomes = await settlesWithin(Promise.all(queued), STEP_MS, 'the calls queued before close()');
    for (const outcome of outcomes)
      expect(outcome === 'resolved' || outcome instanceof PoolClosedError, String(outcome)).toBe(true);
    expect(outcomes.slice(1).every((outcome) => outcome instanceof PoolClosedError)).toBe(true);
  });
});

describe('maxMemory reached', () => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await createPool({ workers: 2, maxMemory: 16 << 20 });
  });
  afterAll(() => settlesWithin(pool.close(), STEP_MS, 'close()'));

  const zeros = (rows: number, cols: number) => ({ rows, cols, data: new Float64Array(rows * cols) });
  it.each([
    [
      'mandelbrot of one 16.8 MB row',
      () => pool.mandelbrot({ width: 4_200_000, height: 1, xmin: -2, xmax: 1, ymin: -1, ymax: 1, maxIter: 1 }),
    ],
    ['matmul 1500² by 1500²', () => pool.matmul(zeros(1500, 1500), zeros(1500, 1500))],
    ['wordCount of 17 MiB', () => pool.wordCount(['x'.repeat(17 << 20)])],
    ['a run needing 24 MB once started', () => markRun(pool, 3_000_000)],
  ])('%s rejects with a RangeError, and the pool stays usable', async (_, call) => {
    const error = await settlesWithin(outcomeOf(call()), STEP_MS, 'the call too large for maxMemory');
    expect(error).toBeInstanceOf(RangeError);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/maxMemory|at most \d+ bytes/);
    await expectCorrect(pool, 30, 7);
  });

  it('gives correct results after an operation that filled the memory to its maximum', async () => {
    // One row of 16 MB of the 16.6 free: an image goes through the memory a band of rows at a
    // time, and a band holds one row at least.
    const view = { width: 4_000_000, height: 1, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 8 };
    const { data } = await settlesWithin(pool.mandelbrot(view), STEP_MS, 'a Mandelbrot image filling the memory');
    const expected = mandelbrotJs(view);
    expect(data.length).toBe(expected.length);
    expect(data.findIndex((value, i) => value !== expected[i])).toBe(-1); // toEqual is slow on 4M elements
    await expect(pool.mandelbrot({ ...view, width: 4_200_000 })).rejects.toBeInstanceOf(RangeError);
    await expectCorrect(pool, 30, 11);
  });
});

describe('bugs found by these tests, fixed', () => {
  const dist = (file: string) => JSON.stringify(fileURLToPath(new URL(`../dist/${file}`, import.meta.url)));

  it('a call made while a worker is replaced survives a second worker dying meanwhile', () => {
    // In a child process, because this used to hang: the call never settled, nor did close().
    const child = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
      import { createPool } from ${dist('index.js')};
      import { terminateWorker } from ${dist('internal.js')};
      const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
      const pool = await createPool({ workers: 2 });
      await terminateWorker(pool, 0); // the pool starts a replacement
      // trace: true, so that even a 1 × 1 product rings the workers instead of running on this thread.
      const call = pool.matmul({ rows: 1, cols: 1, data: new Float64Array([2]) }, { rows: 1, cols: 1, data: new Float64Array([3]) }, { trace: true });
      await delay(5);
      await terminateWorker(pool, 1); // while the call waits for the replacement
      const outcome = await Promise.race([call.then((c) => String(c.data[0]), (error) => error.name), delay(3000).then(() => 'pending')]);
      console.log(outcome);
      process.exit(0);`,
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(child.stdout.trim()).toMatch(/^(6|WorkerCrashError)$/);
  });
});
