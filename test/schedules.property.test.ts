// Every schedule, on random index spaces, worker counts and chunks: each index computed
// exactly once, by the worker the schedule's rule names where the rule is deterministic.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SCHEDULES, type ChunkRecord, type Schedule } from 'parwasm';
import { markRun, spinRun } from 'parwasm/internal';
import { poolsOfSizes } from './helpers.js';

const POOL_SIZES = [1, 2, 3, 5, 9]; // 3, 5 and 9 are more workers than this machine has cores
const pools = poolsOfSizes(POOL_SIZES);

/** Worker `rank`'s block of the static split, by its definition: the blocks of n items over
 * w workers start at floor(n · rank / w). */
const staticLo = (n: number, workers: number, rank: number) => Math.floor((n * rank) / workers);

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
            const [lo, hi] = [staticLo(n, workers, owner), staticLo(n, workers, owner + 1)];
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

/** Checks every claim of a traced run against the rule of its schedule. Claims are disjoint
 * and together cover [0, n); sorted by `lo`, each follows from where it starts, since the
 * shared counters of dynamic and guided hand out [0, n) in order. */
function expectClaimsFollowRule(
  schedule: Schedule,
  trace: readonly ChunkRecord[],
  { n, workers, chunk }: { n: number; workers: number; chunk: number },
): void {
  const claims = [...trace].sort((a, b) => a.lo - b.lo);
  let next = 0;
  for (const { rank, lo, hi } of claims) {
    const claim = `${schedule} (n ${n}, ${workers} workers, chunk ${chunk}): worker ${rank} claimed [${lo}, ${hi})`;
    if (lo !== next) expect.fail(`${claim}, but the claims before it end at ${next}`);
    if (!(rank >= 0 && rank < workers)) expect.fail(`${claim}: no such worker`);
    next = hi;
    const remaining = n - lo;
    const expectedHi = (() => {
      switch (schedule) {
        case 'static': {
          const [blockLo, blockHi] = [staticLo(n, workers, rank), staticLo(n, workers, rank + 1)];
          if (lo < blockLo || lo >= blockHi || (lo - blockLo) % chunk !== 0)
            expect.fail(`${claim}: not a step of its static block [${blockLo}, ${blockHi})`);
          return Math.min(lo + chunk, blockHi);
        }
        case 'cyclic':
          if (lo % chunk !== 0 || (lo / chunk) % workers !== rank)
            expect.fail(`${claim}: chunk ${lo / chunk} belongs to worker ${(lo / chunk) % workers}`);
          return Math.min(lo + chunk, n);
        case 'dynamic':
          return Math.min(lo + chunk, n);
        case 'guided':
          return lo + Math.min(remaining, Math.max(chunk, Math.ceil(remaining / workers)));
        case 'stealing':
          // From the front of its own range, chunk at a time; a range may end sooner.
          if (hi - lo > chunk) expect.fail(`${claim}: more than chunk items`);
          return hi;
      }
    })();
    if (hi !== expectedHi) expect.fail(`${claim}, where the rule gives [${lo}, ${expectedHi})`);
  }
  expect(next).toBe(n);
}

describe('claims', () => {
  // A Mandelbrot image one pixel wide with maxIter 0: n rows of almost no work, claimed
  // through the public API with a trace of every claim.
  const claimsRun = fc
    .record({
      pool: fc.nat({ max: POOL_SIZES.length - 1 }),
      workersSeed: fc.nat(),
      n: fc.oneof(fc.constantFrom(0, 1, 2, 3, 5, 7, 97, 101, 997), fc.integer({ min: 0, max: 3000 })),
      chunk: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3003 })),
    })
    .map(({ pool, workersSeed, n, chunk }) => ({
      pool,
      workers: 1 + (workersSeed % POOL_SIZES[pool]!),
      n,
      chunk,
    }));

  it.each(SCHEDULES)('%s: every traced claim follows the rule', async (schedule) => {
    await fc.assert(
      fc.asyncProperty(claimsRun, async ({ pool, workers, n, chunk }) => {
        const { stats } = await pools[pool]!.mandelbrot({
          width: 1,
          height: n,
          xmin: 0,
          xmax: 1,
          ymin: 0,
          ymax: 1,
          maxIter: 0,
          schedule,
          chunk,
          workers,
          trace: true,
        });
        expect(stats.traceDropped).toBe(0);
        expectClaimsFollowRule(schedule, stats.trace!, { n, workers, chunk });
        for (const worker of stats.perWorker) {
          const own = stats.trace!.filter((record) => record.rank === worker.rank);
          expect([worker.chunks, worker.items]).toEqual([
            own.length,
            own.reduce((sum, record) => sum + record.hi - record.lo, 0),
          ]);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('guided: a hand-worked sequence of claims', async () => {
    // n 100, 3 workers, chunk 5: ceil(100/3) = 34, ceil(66/3) = 22, ceil(44/3) = 15,
    // ceil(29/3) = 10, ceil(19/3) = 7, then max(5, ceil(12/3) = 4) = 5, 5, and the last 2.
    const { stats } = await pools[POOL_SIZES.indexOf(3)]!.mandelbrot({
      width: 1,
      height: 100,
      xmin: 0,
      xmax: 1,
      ymin: 0,
      ymax: 1,
      maxIter: 0,
      schedule: 'guided',
      chunk: 5,
      trace: true,
    });
    const sizes = [...stats.trace!].sort((a, b) => a.lo - b.lo).map(({ lo, hi }) => hi - lo);
    expect(sizes).toEqual([34, 22, 15, 10, 7, 5, 5, 2]);
  });
});

describe('telemetry', () => {
  it("reports steals when the cost is concentrated in one worker's block", async () => {
    const pool = pools[POOL_SIZES.indexOf(3)]!;
    const n = 3000;
    const costly = n / 3; // all the cost in block 0, [0, 1000), ~0.05 ms an item
    const cost = Uint32Array.from({ length: n }, (_, i) => (i < costly ? 50_000 : 0));
    const inBlock0ByOthers = (trace: readonly ChunkRecord[]) =>
      trace.filter((record) => record.lo < costly && record.rank !== 0).length;
    // Counts and orders, not times: under stealing, workers 1 and 2 finish their free blocks
    // at once and steal from block 0, so they compute some of it; under static, never.
    const { stats } = await spinRun(pool, cost, { schedule: 'stealing', chunk: 4, trace: true });
    expect(stats.perWorker.slice(1).some((worker) => worker.steals > 0)).toBe(true);
    for (const worker of stats.perWorker) expect(worker.stealAttempts).toBeGreaterThanOrEqual(worker.steals);
    expect(inBlock0ByOthers(stats.trace!)).toBeGreaterThan(0);
    const fixed = await spinRun(pool, cost, { schedule: 'static', trace: true });
    expect(inBlock0ByOthers(fixed.stats.trace!)).toBe(0);
    expect(fixed.stats.perWorker.map((worker) => worker.steals + worker.stealAttempts)).toEqual([0, 0, 0]);
    // Static leaves workers 1 and 2 all but idle (imbalance near 3), stealing shares block 0
    // (near 1): far apart, whatever the noise of a busy machine.
    expect(fixed.stats.imbalance).toBeGreaterThan(stats.imbalance);
  });

  it('derives imbalance and efficiency from busy times that the trace bears out', async () => {
    // 2 workers, 2000 equal items of ~0.05 ms by dynamic claims: each worker is busy ~50 ms.
    const { stats } = await spinRun(pools[1]!, new Uint32Array(2000).fill(50_000), {
      schedule: 'dynamic',
      trace: true,
    });
    const trace = stats.trace!;
    // A worker's busy time runs from before its first claim to after its last chunk: it spans
    // its traced chunks, and exceeds that span only by a claim or two (µs, against ~50 ms).
    const spans = stats.perWorker.map(({ rank }) => {
      const own = trace.filter((record) => record.rank === rank);
      return Math.max(...own.map((record) => record.t1)) - Math.min(...own.map((record) => record.t0));
    });
    stats.perWorker.forEach((worker, rank) => {
      expect(worker.busyMs).toBeGreaterThanOrEqual(spans[rank]! - 1e-6);
      expect(worker.busyMs).toBeLessThan(spans[rank]! * 1.05);
    });
    // The definitions, worked from the trace's spans.
    const total = spans[0]! + spans[1]!;
    expect(stats.imbalance).toBeCloseTo(Math.max(...spans) / (total / 2), 1);
    expect(stats.imbalance).toBeGreaterThanOrEqual(1);
    expect(stats.efficiency).toBeGreaterThanOrEqual(total / (2 * stats.wallMs) - 1e-9);
    expect(stats.efficiency).toBeCloseTo(total / (2 * stats.wallMs), 1);
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
