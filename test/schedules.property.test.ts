// Every schedule, on random index spaces, worker counts and chunks: each index computed
// exactly once, by the worker the schedule's rule names where the rule is deterministic.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, SCHEDULES, type Pool } from 'parwasm';
import { markRun, spinRun, staticBlock } from 'parwasm/internal';

const POOL_SIZES = [1, 2, 3, 5, 9]; // 3, 5 and 9 are more workers than this machine has cores
let pools: Pool[] = [];

beforeAll(async () => {
  pools = await Promise.all(POOL_SIZES.map((workers) => createPool({ workers })));
});
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
});

const PRIMES = [2, 3, 5, 7, 97, 101, 997, 7919, 65_537, 99_991];
const sizes = fc.oneof(fc.constantFrom(0, 1, ...PRIMES), fc.integer({ min: 0, max: 100_000 }));
/** A pool, the number of its workers to use, n, and a chunk from 1 to n + 3. */
const runs = fc
  .record({ pool: fc.nat({ max: POOL_SIZES.length - 1 }), workersSeed: fc.nat(), n: sizes, chunkSeed: fc.nat() })
  .map(({ pool, workersSeed, n, chunkSeed }) => ({
    pool,
    workers: 1 + (workersSeed % POOL_SIZES[pool]!),
    n,
    chunk: 1 + (chunkSeed % (n + 3)),
  }));

describe.each(SCHEDULES)('schedule %s', (schedule) => {
  it('computes every index exactly once, and the workers account for all of them', async () => {
    await fc.assert(
      fc.asyncProperty(runs, async ({ pool, workers, n, chunk }) => {
        const { counts, owners, stats } = await markRun(pools[pool]!, n, { schedule, chunk, workers });
        expect(counts.every((count) => count === 1)).toBe(true);
        expect(stats.perWorker).toHaveLength(workers);
        expect(stats.perWorker.reduce((sum, worker) => sum + worker.items, 0)).toBe(n);
        for (const worker of stats.perWorker) {
          expect(owners.filter((owner) => owner === worker.rank).length).toBe(worker.items);
        }
        expect(stats).toMatchObject({ schedule, chunk, workers, n });
        if (schedule === 'static') {
          owners.forEach((owner, i) => {
            const { lo, hi } = staticBlock(n, workers, owner);
            if (i < lo || i >= hi)
              expect.fail(`static: index ${i} computed by worker ${owner}, whose block is [${lo}, ${hi})`);
          });
        }
        if (schedule === 'cyclic') {
          owners.forEach((owner, i) => {
            if (owner !== Math.floor(i / chunk) % workers) expect.fail(`cyclic: chunk of index ${i} dealt to ${owner}`);
          });
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('telemetry', () => {
  it("reports steals when the cost is concentrated in one worker's block", async () => {
    const pool = pools[POOL_SIZES.indexOf(3)]!;
    const n = 3000;
    const cost = Uint32Array.from({ length: n }, (_, i) => (i < n / 3 ? 20_000 : 0)); // all in block 0
    const { stats } = await spinRun(pool, cost, { schedule: 'stealing', chunk: 4 });
    const steals = stats.perWorker.reduce((sum, worker) => sum + worker.steals, 0);
    expect(steals).toBeGreaterThan(0);
    expect(stats.perWorker.slice(1).some((worker) => worker.steals > 0)).toBe(true);
    for (const worker of stats.perWorker) expect(worker.stealAttempts).toBeGreaterThanOrEqual(worker.steals);
    // The static schedule leaves workers 1 and 2 without work: its imbalance is near 3.
    const fixed = await spinRun(pool, cost, { schedule: 'static' });
    expect(fixed.stats.imbalance).toBeGreaterThan(2.5);
  });

  it('derives imbalance and efficiency from the per-worker figures', async () => {
    const { stats } = await spinRun(pools[1]!, new Uint32Array(5000).fill(2000), { schedule: 'dynamic' });
    const busy = stats.perWorker.map((worker) => worker.busyMs);
    const mean = busy.reduce((a, b) => a + b) / busy.length;
    expect(stats.imbalance).toBeCloseTo(Math.max(...busy) / mean, 10);
    expect(stats.efficiency).toBeCloseTo((mean * busy.length) / (stats.workers * stats.wallMs), 10);
    expect(stats.efficiency).toBeGreaterThan(0);
    expect(stats.efficiency).toBeLessThanOrEqual(1.01); // the workers' clocks agree to a few µs
  });

  it.each(SCHEDULES)('traces every chunk of a %s run', async (schedule) => {
    const n = 1009;
    const { stats } = await markRun(pools[2]!, n, { schedule, chunk: 10, trace: true });
    const trace = stats.trace!;
    expect(stats.traceDropped).toBe(0);
    expect(trace).toHaveLength(stats.perWorker.reduce((sum, worker) => sum + worker.chunks, 0));
    const covered = new Uint8Array(n);
    for (const record of trace) {
      expect(record.t1).toBeGreaterThanOrEqual(record.t0);
      expect(record.t0).toBeGreaterThanOrEqual(0);
      expect(record.t1).toBeLessThanOrEqual(stats.wallMs + 1);
      for (let i = record.lo; i < record.hi; i++) covered[i]! += 1;
    }
    expect(covered.every((count) => count === 1)).toBe(true);
    for (let i = 1; i < trace.length; i++) expect(trace[i]!.t0).toBeGreaterThanOrEqual(trace[i - 1]!.t0);
  });
});
