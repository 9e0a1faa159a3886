// The study's prediction beside each run: the imbalance that the decomposition itself causes,
// from simulateSchedule over the view's per-row costs measured on one worker, as
// `parwasm study` does (src/report/study.ts).
import type { Pool } from 'parwasm/browser';
import type { MandelbrotView, Schedule } from 'parwasm/browser';
import { simulateSchedule } from '../../src/schedule/simulate.js';

export interface Prediction {
  imbalance: number;
  /** Busy time over workers × makespan: the model takes claims as free, so 1 / imbalance. */
  efficiency: number;
}

/** Per-row milliseconds of a view, measured once per view on one worker, one row a chunk. */
export class RowCosts {
  private readonly measured = new Map<string, Float64Array>();

  constructor(private readonly pool: () => Pool) {}

  async of(view: MandelbrotView): Promise<Float64Array> {
    const key = JSON.stringify(view);
    const known = this.measured.get(key);
    if (known) return known;
    const { stats } = await this.pool().mandelbrot({ ...view, schedule: 'dynamic', chunk: 1, workers: 1, trace: true });
    const rowMs = new Float64Array(view.height);
    for (const { lo, t0, t1 } of stats.trace ?? []) rowMs[lo] = t1 - t0;
    this.measured.set(key, rowMs);
    return rowMs;
  }

  clear(): void {
    this.measured.clear();
  }
}

export function predict(schedule: Schedule, rowMs: Float64Array, workers: number, chunk: number): Prediction {
  const { imbalance } = simulateSchedule(schedule, rowMs, workers, chunk);
  return { imbalance, efficiency: 1 / imbalance };
}
