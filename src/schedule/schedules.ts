// The schedules: how the index space [0, n) is split among workers. The claim rules
// themselves run inside WebAssembly (assembly/runtime/schedule.ts); this file holds what the host
// needs: the names, the state each schedule starts from, and the defaults.
import type { ControlBlock } from '../memory/control-block.js';

export const SCHEDULES = ['static', 'cyclic', 'dynamic', 'guided', 'stealing'] as const;

/**
 * - `static`: `[0, n)` cut into one contiguous block per worker (OpenMP `schedule(static)`).
 * - `cyclic`: chunks of `chunk` items dealt round-robin (OpenMP `schedule(static, chunk)`).
 * - `dynamic`: one shared atomic counter; each claim takes the next `chunk` items.
 * - `guided`: like dynamic, but each claim takes `max(chunk, ceil(remaining / workers))`.
 * - `stealing`: each worker starts with its static block and takes `chunk` items at a time
 *   from its front; an idle worker steals the back half of the largest remaining range.
 */
export type Schedule = (typeof SCHEDULES)[number];

export function scheduleId(control: ControlBlock, schedule: Schedule): number {
  const { layout } = control;
  switch (schedule) {
    case 'static':
      return layout.SCHEDULE_STATIC;
    case 'cyclic':
      return layout.SCHEDULE_CYCLIC;
    case 'dynamic':
      return layout.SCHEDULE_DYNAMIC;
    case 'guided':
      return layout.SCHEDULE_GUIDED;
    case 'stealing':
      return layout.SCHEDULE_STEALING;
  }
}

/** Worker `rank`'s block of the static split: the first `n mod workers` blocks are no longer
 * than the rest by more than one item. Shared by `static` and the start of `stealing`. */
export function staticBlock(n: number, workers: number, rank: number): { lo: number; hi: number } {
  return { lo: Math.floor((n * rank) / workers), hi: Math.floor((n * (rank + 1)) / workers) };
}

/** Writes the shared state a schedule starts from; called before the doorbell. */
export function prepareSchedule(control: ControlBlock, schedule: Schedule, n: number, workers: number): void {
  const { layout } = control;
  control.storeI64(layout.NEXT_INDEX, 0);
  if (schedule !== 'stealing') return;
  for (let rank = 0; rank < workers; rank++) {
    const { lo, hi } = staticBlock(n, workers, rank);
    control.storeRange(layout.STEAL_RANGES + rank * layout.LINE, lo, hi);
  }
}

/** The most chunks a run can have: the trace's capacity. Every chunk holds at least one
 * item, which bounds `stealing`, whose chunk count depends on the steals. */
export function maxChunks(schedule: Schedule, n: number, chunk: number, workers: number): number {
  switch (schedule) {
    case 'static':
      return Math.min(n, workers * Math.ceil(Math.ceil(n / workers) / chunk));
    case 'cyclic':
    case 'dynamic':
    case 'guided':
      return Math.ceil(n / chunk);
    case 'stealing':
      return n;
  }
}
