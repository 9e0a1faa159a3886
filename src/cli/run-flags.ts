// The flags every computing command shares, and what they become.
import { SingleBar, Presets } from 'cli-progress';
import type { RunOptions } from '../schedule/parallel-for.js';
import type { Schedule } from '../schedule/schedules.js';
import type { RunStats } from '../schedule/telemetry.js';
import { positiveInteger } from './usage.js';

export const RUN_FLAGS = {
  workers: { type: 'string' },
  schedule: { type: 'string' },
  chunk: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const RUN_FLAGS_HELP = `  --workers N     worker threads (default: the number of CPU cores)
  --schedule S    static, cyclic, dynamic, guided or stealing (default: the operation's)
  --chunk N       items per claim (default: the operation's)
  --json          print the result as JSON
  -h, --help      this text`;

/** Run options from the flags; the library validates the schedule and names it on error. */
export function runOptions(flags: { schedule?: string; chunk?: string }): Pick<RunOptions, 'schedule' | 'chunk'> {
  return {
    ...(flags.schedule === undefined ? {} : { schedule: flags.schedule as Schedule }),
    ...(flags.chunk === undefined ? {} : { chunk: positiveInteger(flags.chunk, 'chunk') }),
  };
}

/** A progress bar on standard error, fed by `onProgress`, when it is a terminal. */
export function progressBar(label: string): { onProgress?: RunOptions['onProgress']; stop(): void } {
  if (!process.stderr.isTTY) return { stop: () => undefined };
  const bar = new SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total}`, stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress(done, total) {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** One row per worker, for console.table. */
export function workerRows(stats: RunStats) {
  return stats.perWorker.map(({ rank, busyMs, chunks, items, steals }) => ({
    rank,
    'busy ms': +busyMs.toFixed(2),
    chunks,
    items,
    steals,
  }));
}

export function summary(stats: RunStats): string {
  return (
    `${stats.schedule}, chunk ${stats.chunk}, ${stats.workers} workers: ${stats.wallMs.toFixed(1)} ms, ` +
    `imbalance ${stats.imbalance.toFixed(3)}, efficiency ${(stats.efficiency * 100).toFixed(0)}%`
  );
}
