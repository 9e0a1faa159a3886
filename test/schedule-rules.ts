// What a run's telemetry must say, derived from the schedules' rules in DESIGN.md alone:
// which worker computes how many items in how many chunks, and what a trace may hold.
import { expect } from 'vitest';
import type { RunStats, Schedule } from 'parwasm';

export interface Run {
  n: number;
  schedule: Schedule;
  /** The chunk asked for, if any (else the run's own choice, `stats.chunk`). */
  chunk: number | undefined;
  workers: number;
}

/** Worker `rank`'s block of `[0, n)` cut into `workers` near-equal contiguous blocks. */
const block = (n: number, workers: number, rank: number) => ({
  lo: Math.floor((n * rank) / workers),
  hi: Math.floor((n * (rank + 1)) / workers),
});

/** Claims of `guided`: each takes max(chunk, ceil(remaining / workers)); who claims does not
 * change the sizes, so their number is fixed. */
function guidedClaims(n: number, chunk: number, workers: number): number {
  let claims = 0;
  for (let lo = 0; lo < n; claims++) lo += Math.max(chunk, Math.ceil((n - lo) / workers));
  return claims;
}

/** Checks a run's stats against the rule of its schedule. */
export function expectStatsFollowRule(stats: RunStats, run: Run): void {
  const { n, schedule, workers } = run;
  expect({ n: stats.n, schedule: stats.schedule, workers: stats.workers }).toEqual({ n, schedule, workers });
  if (run.chunk !== undefined) expect(stats.chunk).toBe(run.chunk);
  const chunk = stats.chunk;
  expect(Number.isInteger(chunk) && chunk >= 1, `chunk ${chunk}`).toBe(true);
  expect(stats.perWorker.map((worker) => worker.rank)).toEqual([...Array(workers).keys()]);

  const items = stats.perWorker.map((worker) => worker.items);
  const chunks = stats.perWorker.map((worker) => worker.chunks);
  const total = (values: number[]) => values.reduce((sum, value) => sum + value, 0);
  expect(total(items), 'items over all workers').toBe(n);
  for (const worker of stats.perWorker) {
    // A chunk holds at least one item, and a worker with items claimed at least one chunk.
    expect(
      worker.chunks <= worker.items && (worker.items === 0) === (worker.chunks === 0),
      JSON.stringify(worker),
    ).toBe(true);
    expect(worker.busyMs >= 0 && Number.isFinite(worker.busyMs), `busyMs ${worker.busyMs}`).toBe(true);
    expect(worker.steals <= worker.stealAttempts, JSON.stringify(worker)).toBe(true);
    if (schedule !== 'stealing') expect([worker.steals, worker.stealAttempts]).toEqual([0, 0]);
  }
  expect(stats.wallMs >= 0 && Number.isFinite(stats.wallMs), `wallMs ${stats.wallMs}`).toBe(true);
  expect(stats.imbalance).toBeGreaterThanOrEqual(1 - 1e-9); // max busy / mean busy

  switch (schedule) {
    case 'static': {
      const blocks = stats.perWorker.map((_, rank) => block(n, workers, rank));
      expect(items).toEqual(blocks.map(({ lo, hi }) => hi - lo));
      expect(chunks).toEqual(blocks.map(({ lo, hi }) => Math.ceil((hi - lo) / chunk)));
      break;
    }
    case 'cyclic': {
      const dealt = stats.perWorker.map(() => ({ items: 0, chunks: 0 }));
      for (let c = 0; c * chunk < n; c++) {
        dealt[c % workers]!.chunks += 1;
        dealt[c % workers]!.items += Math.min(chunk, n - c * chunk);
      }
      expect(stats.perWorker.map(({ items, chunks }) => ({ items, chunks }))).toEqual(dealt);
      break;
    }
    case 'dynamic':
      expect(total(chunks)).toBe(Math.ceil(n / chunk));
      break;
    case 'guided':
      expect(total(chunks)).toBe(guidedClaims(n, chunk, workers));
      break;
    case 'stealing':
      // Chunks of at most `chunk` items from each worker's block, and steals split ranges.
      expect(total(chunks)).toBeGreaterThanOrEqual(Math.ceil(n / chunk));
      expect(total(chunks)).toBeLessThanOrEqual(n);
      break;
  }
}

/** Checks a traced run: its chunks cover [0, n) once, agree with the counters, and sit
 * where the schedule's rule puts them. */
export function expectTraceFollowsRule(stats: RunStats, run: Run): void {
  const trace = stats.trace ?? [];
  expect(stats.traceDropped ?? 0).toBe(0);
  const chunksByRank = stats.perWorker.map((worker) => worker.chunks);
  expect(chunksByRank.reduce((sum, count) => sum + count, 0)).toBe(trace.length);
  const byRank = stats.perWorker.map(() => 0);
  for (const record of trace) byRank[record.rank] = (byRank[record.rank] ?? 0) + 1;
  expect(byRank).toEqual(chunksByRank);

  const sorted = [...trace].sort((a, b) => a.lo - b.lo);
  let next = 0;
  for (const record of sorted) {
    expect({ lo: record.lo, rangeNotEmpty: record.hi > record.lo, inOrder: record.t0 <= record.t1 }).toEqual({
      lo: next,
      rangeNotEmpty: true,
      inOrder: true,
    });
    expect(record.hi - record.lo).toBeLessThanOrEqual(run.schedule === 'guided' ? run.n : stats.chunk);
    next = record.hi;
    if (run.schedule === 'static') {
      const { lo, hi } = block(run.n, run.workers, record.rank);
      expect(record.lo >= lo && record.hi <= hi, JSON.stringify(record)).toBe(true);
    }
    if (run.schedule === 'cyclic') {
      expect(record.lo % stats.chunk).toBe(0);
      expect((record.lo / stats.chunk) % run.workers).toBe(record.rank);
    }
  }
  expect(next).toBe(run.n);
}
