// The flags every computing command shares, and what they become.
import { SingleBar, Presets } from 'cli-progress';
import type { RunOptions } from '../schedule/parallel-for.js';
import type { Schedule } from '../schedule/schedules.js';
import type { RunStats } from '../schedule/telemetry.js';
import { maxMemory, MEMORY_FLAG_HELP } from './memory-flag.js';
import { terminalTouched } from './terminal.js';
import { positiveInteger } from './usage.js';

export const RUN_FLAGS = {
  workers: { type: 'string' },
  schedule: { type: 'string' },
  chunk: { type: 'string' },
  'max-memory': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const RUN_FLAGS_HELP = `  --workers N     worker threads (default: the number of CPU cores)
  --schedule S    static, cyclic, dynamic, guided or stealing (default: the operation's)
  --chunk N       items per claim (default: the operation's)
${MEMORY_FLAG_HELP}
  --json          print the result as JSON
  -h, --help      this text`;

/** createPool's options from the flags. */
export function poolOptions(flags: { workers?: string; 'max-memory'?: string }): {
  workers?: number;
  maxMemory: number;
} {
  const workers = positiveInteger(flags.workers, 'workers');
  return { ...(workers === undefined ? {} : { workers }), maxMemory: maxMemory(flags['max-memory']) };
}

/** Run options from the flags; the library validates the schedule and names it on error. */
export function runOptions(flags: { schedule?: string; chunk?: string }): Pick<RunOptions, 'schedule' | 'chunk'> {
  return {
    ...(flags.schedule === undefined ? {} : { schedule: flags.schedule as Schedule }),
    ...(flags.chunk === undefined ? {} : { chunk: positiveInteger(flags.chunk, 'chunk') }),
  };
}

export interface ProgressBar {
  /** Shows `done` of `total`; the first call starts the bar. */
  update(done: number, total: number): void;
  /** Says what the command is doing while it has no figure to show (the bar stays empty). */
  phase(text: string): void;
  stop(): void;
}

/** A progress bar on standard error when it is a terminal (else nothing): `label [bar] 42% |
 * shown`, where `show(done, total)` says what is counted ("3/5 runs", "12.5/40.1 MB"). */
export function progressBar(label: string, show: (done: number, total: number) => string): ProgressBar {
  if (!process.stderr.isTTY) return { update: () => undefined, phase: () => undefined, stop: () => undefined };
  // cli-progress hides the cursor and turns line wrap off while it draws: the terminal guard
  // turns them back on however the command ends (Ctrl-C included).
  terminalTouched();
  const bar = new SingleBar(
    { format: `{label} [{bar}] {percentage}% | {shown}`, stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  let started = false;
  const start = (total: number, payload: { label: string; shown: string }): void => {
    if (!started) bar.start(total, 0, payload);
    started = true;
  };
  return {
    update(done, total) {
      start(total, { label, shown: '' });
      bar.setTotal(total);
      bar.update(done, { label, shown: show(done, total) });
    },
    phase(text) {
      start(1, { label: text, shown: '' });
      bar.update(0, { label: text, shown: '' });
    },
    stop() {
      if (started) bar.stop();
      started = false;
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
