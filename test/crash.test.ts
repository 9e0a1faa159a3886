import { describe, expect, it } from 'vitest';
import { createPool, WorkerCrashError } from 'parwasm';
import { terminateWorker as killWorker, faultRun, markRun, spinRun } from 'parwasm/internal';

async function expectHealthy(pool: Awaited<ReturnType<typeof createPool>>, n = 10_007): Promise<void> {
  const { counts } = await markRun(pool, n, { schedule: 'stealing', chunk: 7 });
  expect(counts.every((count) => count === 1)).toBe(true);
  expect((await pool.hello()).map((reply) => reply.rank)).toEqual([...Array(pool.size).keys()]);
}

describe('a worker that crashes', () => {
  it('rejects the operation with WorkerCrashError when a kernel traps, and is replaced', async () => {
    await using pool = await createPool({ workers: 2 });
    const before = await pool.hello();
    const started = performance.now();
    // Static blocks of [0, 100) on 2 workers: index 73 is worker 1's.
    const error = await faultRun(pool, 100, 73).catch((thrown: unknown) => thrown);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(WorkerCrashError);
    expect(error).toMatchObject({ name: 'WorkerCrashError', workerId: 1, exitCode: 1 });
    expect((error as Error).message).toMatch(/worker 1 crashed: RuntimeError: unreachable/);
    const after = await pool.hello();
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
    const started = performance.now();
    await expect(running).rejects.toMatchObject({ name: 'WorkerCrashError', workerId: 2 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect((await queued).counts.every((count) => count === 1)).toBe(true);
    await expectHealthy(pool);
  });

  it('is replaced when it dies between operations', async () => {
    await using pool = await createPool({ workers: 2 });
    const before = await pool.hello();
    await killWorker(pool, 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = await pool.hello();
    expect(after[0]!.threadId).not.toBe(before[0]!.threadId);
    await expectHealthy(pool);
  });

  it('survives twenty crashes in a row with correct results after each', async () => {
    await using pool = await createPool({ workers: 2 });
    for (let round = 0; round < 20; round++) {
      await expect(faultRun(pool, 10, round % 10)).rejects.toBeInstanceOf(WorkerCrashError);
      const { counts } = await markRun(pool, 997, { schedule: 'guided' });
      expect(counts.every((count) => count === 1)).toBe(true);
    }
  });
});
