import { describe, expect, it } from 'vitest';
import { createPool, WorkerCrashError, type Pool } from 'parwasm';
import { terminateWorker as killWorker, faultRun, markRun, spinRun } from 'parwasm/internal';
import { outcomeOf, settlesWithin } from './helpers.js';

// Deadlines far above the normal times (ms): a call that hangs fails the test at once,
// naming what did not settle.
const CRASH_SETTLES_MS = 5_000;
const STEP_MS = 10_000;

async function expectHealthy(pool: Pool, n = 10_007): Promise<void> {
  const run = markRun(pool, n, { schedule: 'stealing', chunk: 7 });
  const { counts } = await settlesWithin(run, STEP_MS, 'a run after the crash');
  expect(counts.every((count) => count === 1)).toBe(true);
  const replies = await settlesWithin(pool.hello(), STEP_MS, 'hello after the crash');
  expect(replies.map((reply) => reply.rank)).toEqual([...Array(pool.size).keys()]);
}

describe('a worker that crashes', () => {
  it('rejects the operation with WorkerCrashError when a kernel traps, and is replaced', async () => {
    await using pool = await createPool({ workers: 2 });
    const before = await pool.hello();
    // Static blocks of [0, 100) on 2 workers: index 73 is worker 1's.
    const error = await settlesWithin(outcomeOf(faultRun(pool, 100, 73)), CRASH_SETTLES_MS, 'the trapping run');
    expect(error).toBeInstanceOf(WorkerCrashError);
    expect(error).toMatchObject({ name: 'WorkerCrashError', workerId: 1, exitCode: 1 });
    expect((error as Error).message).toMatch(/worker 1 crashed: RuntimeError: unreachable/);
    const after = await settlesWithin(pool.hello(), STEP_MS, 'hello after the trap');
    expect(after[0]!.threadId).toBe(before[0]!.threadId);
    expect(after[1]!.threadId).not.toBe(before[1]!.threadId);
    await expectHealthy(pool);
  });

  it('rejects the operation when a worker exits mid-operation, and the calls behind it succeed', async () => {
    await using pool = await createPool({ workers: 3 });
    const cost = new Uint32Array(3000).fill(200_000); // ~0.2 ms an item: a run of ~200 ms
    const running = spinRun(pool, cost, { schedule: 'dynamic', chunk: 1 });
    const queued = markRun(pool, 5000);
    setTimeout(() => void killWorker(pool, 2), 30);
    await expect(settlesWithin(running, CRASH_SETTLES_MS, 'the run whose worker exited')).rejects.toMatchObject({
      name: 'WorkerCrashError',
      workerId: 2,
    });
    const { counts } = await settlesWithin(queued, STEP_MS, 'the call queued behind it');
    expect(counts.every((count) => count === 1)).toBe(true);
    await expectHealthy(pool);
  });

  it('is replaced when it dies between operations', async () => {
    await using pool = await createPool({ workers: 2 });
    const before = await pool.hello();
    await killWorker(pool, 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = await settlesWithin(pool.hello(), STEP_MS, 'hello after the death');
    expect(after[0]!.threadId).not.toBe(before[0]!.threadId);
    await expectHealthy(pool);
  });

  it('survives twenty crashes in a row with correct results after each', async () => {
    await using pool = await createPool({ workers: 2 });
    for (let round = 0; round < 20; round++) {
      const trap = settlesWithin(faultRun(pool, 10, round % 10), CRASH_SETTLES_MS, `the trap of round ${round}`);
      await expect(trap).rejects.toBeInstanceOf(WorkerCrashError);
      const run = markRun(pool, 997, { schedule: 'guided' });
      const { counts } = await settlesWithin(run, STEP_MS, `the run after the trap of round ${round}`);
      expect(counts.every((count) => count === 1)).toBe(true);
    }
  });
});
