// The load-balancing study of a parallel course, answered with measurements: how costly is
// each pixel, is a row's time proportional to its iterations, how does per-pixel imbalance
// become per-worker imbalance under each schedule — predicted for 2 to 64 workers from the
// measured row times, and measured on the workers this machine has.
import { rangeError, typeError } from '../errors.js';
import { validateView, VIEW_NAMES, type MandelbrotView } from '../ops/mandelbrot.js';
import { Pool } from '../pool/pool.js';
import { SCHEDULES, type Schedule } from '../schedule/schedules.js';
import { simulateSchedule } from '../schedule/simulate.js';
import type { ChunkRecord, WorkerStats } from '../schedule/telemetry.js';
import { integerIn, knownKeys, optionsObject } from '../validate.js';

/** The view studied. */
export type StudyView = MandelbrotView;

export interface StudyOptions {
  /** Worker counts to predict the balance for, each from 1 to 65536.
   * @default [2, 4, 8, 16, 32, 64] */
  predictFor?: number[];
  /** Rows per claim for every schedule but static.
   * @default 1 */
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
  measured: {
    schedule: Schedule;
    workers: number;
    imbalance: number;
    wallMs: number;
    perWorker: WorkerStats[];
    trace: ChunkRecord[];
  }[];
}

const OPTION_NAMES = ['predictFor', 'chunk'] as const;
const MAX_PREDICTED_WORKERS = 65536;

/** Measures the study on `pool`. Every argument is checked before the first run: a bad one
 * is a ValidationError naming it (`options.predictFor[0]`, `view.height`). */
export async function studyMandelbrot(pool: Pool, view: StudyView, options?: StudyOptions): Promise<MandelbrotStudy> {
  return measure(pool, validateStudy(pool, view, options));
}

interface ValidatedStudy {
  view: StudyView;
  chunk: number;
  predictFor: number[];
}

async function measure(pool: Pool, { view, chunk, predictFor }: ValidatedStudy): Promise<MandelbrotStudy> {
  // A first run lets V8 optimise the kernel: the rows of a cold run would look costlier. It
  // asks for the trace too, so that the pool checks the size of every later run on this one.
  await pool.mandelbrot({ ...view, workers: 1, trace: true });
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
    SCHEDULES.map((schedule) => ({
      schedule,
      workers,
      imbalance: simulateSchedule(schedule, rowMs, workers, chunk).imbalance,
    })),
  );

  // Each schedule runs over the whole image at once, written in place: an image returned as
  // an ordinary array would pass in bands of rows, each band scheduled on its own (static
  // would split every band rather than the image).
  const out = pool.alloc(Uint32Array, view.width * view.height);
  const measured: MandelbrotStudy['measured'] = [];
  try {
    for (let workers = 2; workers <= pool.size; workers++) {
      for (const schedule of SCHEDULES) {
        const { stats } = await pool.mandelbrot({
          ...view,
          schedule,
          chunk: schedule === 'static' ? undefined : chunk,
          workers,
          trace: true,
          out,
        });
        measured.push({
          schedule,
          workers,
          imbalance: stats.imbalance,
          wallMs: stats.wallMs,
          perWorker: stats.perWorker,
          trace: stats.trace ?? [],
        });
      }
    }
  } finally {
    pool.free(out);
  }
  return { view, pixels: single.data, rows, fit: fitLine(rows), chunk, predicted, measured };
}

function validateStudy(pool: unknown, view: unknown, options: unknown): ValidatedStudy {
  if (!(pool instanceof Pool)) throw typeError('pool', 'a Pool from createPool()', pool);
  const checked = validateStudyView(view);
  const bag = optionsObject(options, 'options');
  knownKeys(bag, 'options', OPTION_NAMES);
  const chunk = bag.chunk === undefined ? 1 : integerIn(bag.chunk, 'options.chunk', 1, 2 ** 31 - 1);
  if (bag.predictFor !== undefined && !Array.isArray(bag.predictFor))
    throw typeError('options.predictFor', 'an array of worker counts', bag.predictFor);
  const predictFor =
    bag.predictFor === undefined
      ? [2, 4, 8, 16, 32, 64]
      : Array.from(bag.predictFor as unknown[], (workers, i) =>
          integerIn(workers, `options.predictFor[${i}]`, 1, MAX_PREDICTED_WORKERS),
        );
  return { view: checked, chunk, predictFor };
}

/** A study's view: a Mandelbrot view with at least one row, and pixels in them. */
export function validateStudyView(view: unknown): StudyView {
  if (view === undefined)
    throw typeError('view', 'an object with width, height, xmin, xmax, ymin, ymax and maxIter', view);
  const viewBag = optionsObject(view, 'view');
  knownKeys(viewBag, 'view', VIEW_NAMES);
  const checked = validateView(viewBag, 'view');
  // A study fits a line through the rows' times (and draws them): it needs rows, and pixels in them.
  if (checked.width === 0) throw rangeError('view.width', 'at least 1 for a study', 0);
  if (checked.height === 0) throw rangeError('view.height', 'at least 1 for a study', 0);
  return checked;
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
  return {
    msPerIteration: slope,
    interceptMs: meanY - slope * meanX,
    r2: sxx > 0 && syy > 0 ? (sxy * sxy) / (sxx * syy) : 1,
  };
}
