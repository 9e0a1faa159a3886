// What every run reports: per-worker counters read from the control block, and the
// figures derived from them.
import type { ControlBlock } from '../memory/control-block.js';
import type { SharedArena } from '../memory/arena.js';
import type { Schedule } from './schedules.js';

/** One worker's share of a run. */
export interface WorkerStats {
  rank: number;
  /** Milliseconds from this worker's first claim to the end of its last chunk: its time
   * spent on the run, claims included, waiting for the doorbell excluded. */
  busyMs: number;
  /** Chunks this worker claimed and computed. */
  chunks: number;
  /** Indices this worker computed. */
  items: number;
  /** `stealing`: steal attempts (compare-exchanges tried); 0 for the other schedules. */
  stealAttempts: number;
  /** `stealing`: steals that succeeded. */
  steals: number;
}

/** One chunk of a traced run: worker `rank` computed `[lo, hi)` from `t0` to `t1`
 * (milliseconds since the run started). */
export interface ChunkRecord {
  rank: number;
  lo: number;
  hi: number;
  t0: number;
  t1: number;
}

/** The telemetry of one run of a kernel over an index space. */
export interface RunStats {
  schedule: Schedule;
  chunk: number;
  /** Workers that took part. */
  workers: number;
  /** Size of the index space. */
  n: number;
  /** Wall-clock milliseconds from the doorbell to the last worker's completion. */
  wallMs: number;
  /** Largest busy time over mean busy time: 1 is a perfect balance. */
  imbalance: number;
  /** Total busy time over (workers × wall time): the share of the workers' time spent computing. */
  efficiency: number;
  perWorker: WorkerStats[];
  /** True when the operation was too small to be worth waking the workers and ran on the
   * calling thread instead (as one chunk, `workers` 1). */
  onCaller?: boolean;
  /** With `trace: true`: every chunk, in order of start time. */
  trace?: ChunkRecord[];
  /** With `trace: true`: chunks that did not fit the trace buffer (0 unless the run had more
   * chunks than the trace could hold). */
  traceDropped?: number;
}

export function collectStats(
  control: ControlBlock,
  run: { schedule: Schedule; chunk: number; workers: number; n: number; wallMs: number },
): RunStats {
  const perWorker: WorkerStats[] = [];
  for (let rank = 0; rank < run.workers; rank++) perWorker.push({ rank, ...control.counters(rank) });
  const busy = perWorker.map((worker) => worker.busyMs);
  const total = busy.reduce((sum, ms) => sum + ms, 0);
  const mean = total / run.workers;
  return {
    ...run,
    imbalance: mean > 0 ? Math.max(...busy) / mean : 1,
    efficiency: run.wallMs > 0 ? total / (run.workers * run.wallMs) : 0,
    perWorker,
  };
}

export function readTrace(
  control: ControlBlock,
  arena: SharedArena,
  traceOffset: number,
  capacity: number,
  startMs: number,
): { trace: ChunkRecord[]; traceDropped: number } {
  const { TRACE_COUNT, TRACE_RECORD_BYTES } = control.layout;
  const recorded = control.load(TRACE_COUNT);
  const count = Math.min(recorded, capacity);
  const words = arena.i32(traceOffset, (count * TRACE_RECORD_BYTES) / 4);
  const times = arena.f64(traceOffset, (count * TRACE_RECORD_BYTES) / 8);
  const wordsPerRecord = TRACE_RECORD_BYTES / 4;
  const trace: ChunkRecord[] = [];
  for (let i = 0; i < count; i++) {
    const w = i * wordsPerRecord;
    trace.push({
      rank: words[w]!,
      lo: words[w + 1]!,
      hi: words[w + 2]!,
      t0: times[w / 2 + 2]! - startMs,
      t1: times[w / 2 + 3]! - startMs,
    });
  }
  trace.sort((a, b) => a.t0 - b.t0);
  return { trace, traceDropped: recorded - count };
}
