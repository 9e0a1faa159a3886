import { availableParallelism } from 'node:os';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, createPool, SCHEDULES, type Pool } from 'parwasm';
import { markRun, spinRun } from 'parwasm/internal';
import { delay, outcomeOf } from './helpers.js';

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

  it('rejects a queued call as soon as its signal aborts, while the call ahead of it still runs', async () => {
    // The call ahead runs until it is aborted itself (~10 s of work otherwise): an order,
    // not a time limit, shows that the queued call did not wait for its turn.
    const ahead = new AbortController();
    const running = outcomeOf(spinRun(pool, new Uint32Array(30_000).fill(1_000_000), { signal: ahead.signal }));
    let runningSettled = false;
    void running.then(() => (runningSettled = true));
    const controller = new AbortController();
    const queued = markRun(pool, 10, { signal: controller.signal });
    await delay(5);
    controller.abort();
    await expect(queued).rejects.toBeInstanceOf(AbortError);
    expect(runningSettled).toBe(false);
    ahead.abort();
    expect(await running).toBeInstanceOf(AbortError);
  });

  it.each(SCHEDULES)('stops a %s run within about one chunk', async (schedule) => {
    const n = 3000;
    const cost = new Uint32Array(n).fill(1_000_000);
    const calibration = await spinRun(pool, cost.subarray(0, 30), { schedule: 'static', workers: 1 });
    // Per item on one worker, times the slowdown of more workers than cores.
    const itemMs = (calibration.stats.wallMs / 30) * Math.max(1, pool.size / availableParallelism());
    const chunk = 2;
    const controller = new AbortController();
    const run = spinRun(pool, cost, { schedule, chunk, signal: controller.signal });
    await delay(30);
    const aborted = performance.now();
    controller.abort();
    await expect(run).rejects.toBeInstanceOf(AbortError);
    // Guided's claims are ceil(remaining / workers): its 3 workers take a third of the space
    // each at once and finish that before they look at the signal, so no time tells a run
    // that stops from one that does not. The others claim 2 items at a time: a run that
    // stops takes a few ms after the abort, one that does not ~n / 3 items (over a second);
    // 250 ms of margin stands between them for a busy machine.
    if (schedule !== 'guided') expect(performance.now() - aborted).toBeLessThan(chunk * itemMs + 250);
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
