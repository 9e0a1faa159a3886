// The telemetry of an operation that runs its index space in several consecutive runs (matmul's
// panels and row blocks, Mandelbrot's bands of rows), merged into the one RunStats a single run
// over the whole space would give: every index counted once, the trace joined in time; and
// their progress reported as one run's.
import type { RunStats } from '../schedule/telemetry.js';
import type { ProgressCallback } from '../schedule/parallel-for.js';

export interface PhaseStats {
  stats: RunStats;
  /** Milliseconds from the first phase's start, for the trace's times. */
  phaseStart: number;
}

/** The telemetry of consecutive runs as one: counts and times summed, the trace joined. The
 * imbalance is the sum over runs of the busiest worker's time over the sum of the mean busy
 * times: each run ends when its busiest worker does, so a worker idle at the end of one run
 * is not made up by being the busy one in the next (two runs each leaving one of two workers
 * idle give 2, where busy times summed over the runs would show a perfect balance). For one
 * run this is the usual max busy / mean busy. */
export function mergePhases(phases: PhaseStats[]): RunStats {
  const first = phases[0]!.stats;
  if (phases.length === 1) return first;
  const all = phases.map((phase) => phase.stats);
  const sum = (of: (stats: RunStats) => number) => all.reduce((total, stats) => total + of(stats), 0);
  const perWorker = first.perWorker.map((worker, rank) => {
    const mine = all.map((stats) => stats.perWorker[rank]!);
    const total = (key: 'busyMs' | 'chunks' | 'items' | 'stealAttempts' | 'steals') =>
      mine.reduce((sum, stats) => sum + stats[key], 0);
    return {
      rank: worker.rank,
      busyMs: total('busyMs'),
      chunks: total('chunks'),
      items: total('items'),
      stealAttempts: total('stealAttempts'),
      steals: total('steals'),
    };
  });
  const busyTotal = perWorker.reduce((total, worker) => total + worker.busyMs, 0);
  const busiest = sum((stats) => Math.max(...stats.perWorker.map((worker) => worker.busyMs)));
  const wallMs = sum((stats) => stats.wallMs);
  const merged: RunStats = {
    ...first,
    n: sum((stats) => stats.n),
    wallMs,
    imbalance: busyTotal > 0 ? busiest / (busyTotal / perWorker.length) : 1,
    efficiency: wallMs > 0 ? busyTotal / (perWorker.length * wallMs) : 0,
    perWorker,
  };
  if (first.trace) {
    merged.trace = phases.flatMap(({ stats, phaseStart }) =>
      stats.trace!.map((record) => ({ ...record, t0: record.t0 + phaseStart, t1: record.t1 + phaseStart })),
    );
    merged.traceDropped = sum((stats) => stats.traceDropped ?? 0);
  }
  return merged;
}

/** The progress of consecutive runs reported as that of one: `forRun(doneBefore)` gives the
 * callback for the next run, whose indices count after `doneBefore` of the `total`, and
 * `ended(stats)` adds that run's items to each worker's, which later runs' reports start from. */
export function progressAcrossPhases(onProgress: ProgressCallback | undefined, total: number, workers: number) {
  const itemsBefore = new Array<number>(workers).fill(0);
  return {
    forRun(doneBefore: number): ProgressCallback | undefined {
      return (
        onProgress &&
        ((done, _total, perWorker) =>
          onProgress(
            doneBefore + done,
            total,
            perWorker.map((items, rank) => itemsBefore[rank]! + items),
          ))
      );
    },
    ended(stats: RunStats): void {
      for (const { rank, items } of stats.perWorker) itemsBefore[rank]! += items;
    },
  };
}
