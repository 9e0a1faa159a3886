// The load-balancing study of a parallel course, answered with measurements: how costly is
// each pixel, is a row's time proportional to its iterations, how does per-pixel imbalance
// become per-worker imbalance under each schedule — predicted for 2 to 64 workers from the
// measured row times, and measured on the workers this machine has.
import type { MandelbrotView } from '../ops/mandelbrot.js';
import type { Pool } from '../pool/pool.js';
import { SCHEDULES, type Schedule } from '../schedule/schedules.js';
import { simulateSchedule } from '../schedule/simulate.js';
import type { ChunkRecord, WorkerStats } from '../schedule/telemetry.js';

/** The view studied. */
export type StudyView = MandelbrotView;

export interface StudyOptions {
  /** Worker counts to predict the balance for. Default: 2, 4, 8, 16, 32, 64. */
  predictFor?: number[];
  /** Rows per claim for every schedule but static. Default: 1. */
  chunk?: number;
}

export interface MandelbrotStudy {
  view: StudyView;
  /** Iterations per pixel: the per-pixel cost. */
  pixels: Uint32Array;
  /** Per row: its total iterations and the time one worker took for it. */
  rows: { row: number; iterations: number; ms: number }[];
  /** Least-squares fit ms = msPerIteration × iterations + interceptMs, and its r². */
  fit: { msPerIteration: number; interceptMs: number; r2: number };
  chunk: number;
  /** Imbalance (max / mean busy) predicted from the measured row times. */
  predicted: { schedule: Schedule; workers: number; imbalance: number }[];
  /** Runs on this machine, one per schedule and worker count from 2 to the pool's size. */
  measured: { schedule: Schedule; workers: number; imbalance: number; wallMs: number; perWorker: WorkerStats[]; trace: ChunkRecord[] }[];
}

export async function studyMandelbrot(pool: Pool, view: StudyView, options: StudyOptions = {}): Promise<MandelbrotStudy> {
  const chunk = options.chunk ?? 1;
  const predictFor = options.predictFor ?? [2, 4, 8, 16, 32, 64];
  // A first run lets V8 optimise the kernel: the rows of a cold run would look costlier.
  await pool.mandelbrot({ ...view, workers: 1 });
  // One worker, one row per chunk, traced: each trace record is one row's time, uncontended.
  const single = await pool.mandelbrot({ ...view, schedule: 'dynamic', chunk: 1, workers: 1, trace: true });
  const rowMs = new Float64Array(view.height);
  for (const record of single.stats.trace ?? []) rowMs[record.lo] = record.t1 - record.t0;
  const rows = Array.from({ length: view.height }, (_, row) => ({
    row,
    iterations: rowSum(single.data, view.width, row),
    ms: rowMs[row]!,
  }));

  const predicted = predictFor.flatMap((workers) =>
    SCHEDULES.map((schedule) => ({ schedule, workers, imbalance: simulateSchedule(schedule, rowMs, workers, chunk).imbalance })));

  const measured: MandelbrotStudy['measured'] = [];
  for (let workers = 2; workers <= pool.size; workers++) {
    for (const schedule of SCHEDULES) {
      const { stats } = await pool.mandelbrot({ ...view, schedule, chunk: schedule === 'static' ? undefined : chunk, workers, trace: true });
      measured.push({ schedule, workers, imbalance: stats.imbalance, wallMs: stats.wallMs, perWorker: stats.perWorker, trace: stats.trace ?? [] });
    }
  }
  return { view, pixels: single.data, rows, fit: fitLine(rows), chunk, predicted, measured };
}

function rowSum(pixels: Uint32Array, width: number, row: number): number {
  let total = 0;
  for (let i = row * width; i < (row + 1) * width; i++) total += pixels[i]!;
  return total;
}

/** Ordinary least squares of ms on iterations. */
export function fitLine(points: { iterations: number; ms: number }[]): MandelbrotStudy['fit'] {
  const n = points.length;
  const meanX = points.reduce((sum, point) => sum + point.iterations, 0) / n;
  const meanY = points.reduce((sum, point) => sum + point.ms, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const { iterations, ms } of points) {
    sxy += (iterations - meanX) * (ms - meanY);
    sxx += (iterations - meanX) ** 2;
    syy += (ms - meanY) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { msPerIteration: slope, interceptMs: meanY - slope * meanX, r2: sxx > 0 && syy > 0 ? (sxy * sxy) / (sxx * syy) : 1 };
}
