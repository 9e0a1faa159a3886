import { availableParallelism } from 'node:os';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, createPool, SCHEDULES, type Pool } from 'parwasm';
import { markRun, spinRun } from 'parwasm/internal';

let pool: Pool;
beforeAll(async () => {
  pool = await createPool({ workers: 3 });
});
afterAll(() => pool.close());

const allOnce = (counts: Uint32Array): boolean => counts.every((count) => count === 1);

describe('abort', () => {
  it('rejects before any work when the signal is already aborted', async () => {
    const running = spinRun(pool, new Uint32Array(200).fill(1_000_000)); // ~70 ms
    let settled = false;
    void running.then(() => (settled = true));
    const reason = new Error('not wanted');
    const error = await markRun(pool, 10, { signal: AbortSignal.abort(reason) }).catch((thrown: unknown) => thrown);
    expect(settled).toBe(false); // it did not wait for its turn
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ name: 'AbortError', cause: reason });
    await running;
  });

  it('rejects a queued call as soon as its signal aborts', async () => {
    const running = spinRun(pool, new Uint32Array(300).fill(1_000_000)); // ~100 ms
    const controller = new AbortController();
    const queued = markRun(pool, 10, { signal: controller.signal });
    const started = performance.now();
    setTimeout(() => controller.abort(), 5);
    await expect(queued).rejects.toBeInstanceOf(AbortError);
    expect(performance.now() - started).toBeLessThan(60);
    await running;
  });

  it.each(SCHEDULES)('stops a %s run within about one chunk', async (schedule) => {
    const n = 600;
    const cost = new Uint32Array(n).fill(1_000_000);
    const calibration = await spinRun(pool, cost.subarray(0, 30), { schedule: 'static', workers: 1 });
    // Per item on one worker, times the slowdown of more workers than cores.
    const itemMs = (calibration.stats.wallMs / 30) * Math.max(1, pool.size / availableParallelism());
    // The largest claim a run can be inside when the abort comes: 2 items, except guided's
    // first claim, ceil(n / workers).
    const chunk = 2;
    const largestClaim = schedule === 'guided' ? Math.ceil(n / pool.size) : chunk;
    const controller = new AbortController();
    const run = spinRun(pool, cost, { schedule, chunk, signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const aborted = performance.now();
    controller.abort();
    await expect(run).rejects.toBeInstanceOf(AbortError);
    const fullRunMs = (n * itemMs) / pool.size;
    expect(performance.now() - aborted).toBeLessThan(Math.min(fullRunMs, largestClaim * itemMs + 50));
    expect(allOnce((await markRun(pool, 10_007, { schedule })).counts)).toBe(true);
  });

  it('gives the full correct result or AbortError, whenever the abort comes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SCHEDULES), fc.integer({ min: 0, max: 12 }), async (schedule, delayMs) => {
        const controller = new AbortController();
        const run = markRun(pool, 500_000, { schedule, chunk: 97, signal: controller.signal });
        setTimeout(() => controller.abort(), delayMs);
        const outcome = await run.catch((thrown: unknown) => thrown);
        if (outcome instanceof AbortError) {
          expect(controller.signal.aborted).toBe(true);
        } else {
          expect(allOnce((outcome as { counts: Uint32Array }).counts)).toBe(true);
        }
        expect(allOnce((await markRun(pool, 4099, { schedule })).counts)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
