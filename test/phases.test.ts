// The telemetry of an operation run in several consecutive runs (Mandelbrot's bands, matmul's
// panels and blocks), merged as one run's: checked on hand-made runs whose figures are
// worked out here by hand.
import { describe, expect, it } from 'vitest';
import type { RunStats } from 'parwasm';
import { mergePhases } from '../src/ops/phases.js';

/** One run of `wallMs` in which worker r was busy `busy[r]` ms over `items[r]` indices. */
function run(wallMs: number, busy: number[], items: number[]): RunStats {
  const perWorker = busy.map((busyMs, rank) => ({
    rank,
    busyMs,
    chunks: items[rank]!,
    items: items[rank]!,
    stealAttempts: 0,
    steals: 0,
  }));
  const mean = busy.reduce((sum, ms) => sum + ms, 0) / busy.length;
  return {
    schedule: 'static',
    chunk: 1,
    workers: busy.length,
    n: items.reduce((sum, count) => sum + count, 0),
    wallMs,
    imbalance: Math.max(...busy) / mean,
    efficiency: (mean * busy.length) / (busy.length * wallMs),
    perWorker,
  };
}

describe('mergePhases', () => {
  it('gives one run back as it is', () => {
    const only = run(10, [10, 5], [3, 2]);
    expect(mergePhases([{ stats: only, phaseStart: 0 }])).toBe(only);
  });

  it('sums counts and times, and counts each run’s wait for its busiest worker in the imbalance', () => {
    // Worker 0 works the whole first run while worker 1 idles, then the other way round: each
    // worker is busy 10 ms in all, but each run took as long as its busy worker alone, so the
    // two runs lasted 20 ms for 10 ms of mean work: imbalance 2, efficiency 1/2.
    const merged = mergePhases([
      { stats: run(10, [10, 0], [4, 0]), phaseStart: 0 },
      { stats: run(10, [0, 10], [0, 4]), phaseStart: 10 },
    ]);
    expect(merged.n).toBe(8);
    expect(merged.wallMs).toBe(20);
    expect(merged.perWorker.map((worker) => [worker.busyMs, worker.items])).toEqual([
      [10, 4],
      [10, 4],
    ]);
    expect(merged.imbalance).toBeCloseTo(2, 12);
    expect(merged.efficiency).toBeCloseTo(0.5, 12);
  });

  it('gives the usual max / mean where every run is balanced alike', () => {
    // Both runs: worker 0 busy 6, worker 1 busy 4 → max 6 over mean 5 in each, 12 / 10 merged.
    const merged = mergePhases([
      { stats: run(6, [6, 4], [3, 2]), phaseStart: 0 },
      { stats: run(6, [6, 4], [3, 2]), phaseStart: 6 },
    ]);
    expect(merged.imbalance).toBeCloseTo(1.2, 12);
  });
});
