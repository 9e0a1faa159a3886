// mandelbrot: escape counts of a width × height view, one row per index of the space.
// Rows rather than tiles: a row is already thousands of pixels (claims are free next to it),
// is contiguous in the output, and rows of one image differ in cost by orders of magnitude,
// which is exactly what the schedules are there to even out.
import { rangeError, typeError } from '../errors.js';
import { SharedArena } from '../memory/arena.js';
import { operation, type Executor, type OperationLimits, type Turn } from '../engine/executor.js';
import {
  parallelFor,
  RUN_OPTION_NAMES,
  validateRunOptions,
  type RunOptions,
  type ValidatedRunOptions,
} from '../schedule/parallel-for.js';
import type { RunStats } from '../schedule/telemetry.js';
import { mergePhases, progressAcrossPhases, type PhaseStats } from './phases.js';
import { place, touchPages, type ArrayLocator } from './placed.js';
import { finiteNumber, integerIn, knownKeys, oneOf, optionsObject } from '../validate.js';

/** A view of the complex plane, sampled on a width × height grid; row 0 is at `ymax`. */
export interface MandelbrotView {
  /** Pixels per row, a non-negative integer. */
  width: number;
  /** Rows, a non-negative integer. */
  height: number;
  /** Real part at the left edge; finite, less than `xmax`. */
  xmin: number;
  xmax: number;
  /** Imaginary part at the bottom edge; finite, less than `ymax`. */
  ymin: number;
  ymax: number;
  /** Iteration limit, a non-negative integer; a pixel that never escapes has this value. */
  maxIter: number;
}

export interface MandelbrotOptions extends MandelbrotView, RunOptions {
  /** `simd` (f64x2, eight pixels in flight) or `scalar`. Both give the same integers.
   * @default 'simd' */
  kernel?: 'simd' | 'scalar';
  /** Where the image goes: a `Uint32Array` of `width × height`, which becomes the result's
   * `data`. One from `pool.alloc` is written in place, with no copy; an ordinary one gets the
   * image copied into it. Default: a new ordinary array. */
  out?: Uint32Array;
}

export interface MandelbrotResult {
  width: number;
  height: number;
  /** Escape count per pixel, row-major: pixel (px, py) is `data[py * width + px]`. */
  data: Uint32Array;
  stats: RunStats;
}

export const VIEW_NAMES = ['width', 'height', 'xmin', 'xmax', 'ymin', 'ymax', 'maxIter'] as const;
const OPTION_NAMES = [...VIEW_NAMES, 'kernel', 'out', ...RUN_OPTION_NAMES];
const MAX_SIDE = 2 ** 31 - 1;
// An image not written in place passes through the shared memory in bands of rows of at most
// this (one row at least; less where maxMemory leaves less room), so maxMemory bounds a row,
// not the image. Each band is one more run: waking the workers, and the wait for the
// band's last rows; at 2048², maxIter 1000 (4 bands of ~140 ms on 2 workers) under 1 %.
const BAND_BYTES = 4 * 2 ** 20;

export interface ValidatedMandelbrot extends MandelbrotView {
  kernel: 'simd' | 'scalar';
  /** `options.out`, and what locates it again when the call runs (absent in a cluster). */
  out?: { array: Uint32Array; limits: ArrayLocator };
  run: ValidatedRunOptions;
}

/** A cluster client checks views with no pool of its own: no layout, no trace buffer, and no
 * pool memory for arrays to live in. */
type MandelbrotLimits = Pick<OperationLimits, 'poolSize' | 'capacity'> &
  Partial<Pick<OperationLimits, 'layout'>> &
  ArrayLocator;

export function validateMandelbrot(value: unknown, limits: MandelbrotLimits): ValidatedMandelbrot {
  if (value === undefined)
    throw typeError('options', 'an object with width, height, xmin, xmax, ymin, ymax and maxIter', value);
  const options = optionsObject(value, 'options');
  knownKeys(options, 'options', OPTION_NAMES);
  const view = validateView(options, 'options');
  const { width, height } = view;
  const out =
    options.out === undefined ? undefined : place(limits, outArray(options.out, width * height), 'options.out');
  // One row of the image at least, unless it is written in place, and with `trace` a record per row at most.
  const traceBytes = options.trace === true ? traceRoom(height, limits.layout?.TRACE_RECORD_BYTES ?? 0) : 0;
  const rowBytes = out?.at === undefined && height > 0 ? width * 4 : 0;
  if (rowBytes + traceBytes > limits.capacity) {
    throw rangeError(
      'options.width',
      `such that one row of pixels (width × 4 bytes)${options.trace === true ? ' and the trace fit' : ' fits'} the pool's maxMemory (${limits.capacity} bytes free)`,
      `${width} × ${height}`,
    );
  }
  return {
    ...view,
    kernel:
      options.kernel === undefined ? 'simd' : oneOf(options.kernel, 'options.kernel', ['simd', 'scalar'] as const),
    ...(out && { out: { array: out.array, limits } }),
    run: validateRunOptions(options, 'options', limits.poolSize, 'dynamic'),
  };
}

function outArray(value: unknown, pixels: number): Uint32Array {
  if (!(value instanceof Uint32Array)) throw typeError('options.out', 'a Uint32Array', value);
  if (value.length !== pixels)
    throw rangeError('options.out', `of length options.width × options.height = ${pixels}`, `length ${value.length}`);
  return value;
}

/** Checks the view fields of `options` (named `${argument}.width`, …); the caller checks
 * that there are no other keys. */
export function validateView(options: Record<string, unknown>, argument: string): MandelbrotView {
  const width = integerIn(options.width, `${argument}.width`, 0, MAX_SIDE);
  const height = integerIn(options.height, `${argument}.height`, 0, MAX_SIDE);
  const xmin = finiteNumber(options.xmin, `${argument}.xmin`);
  const xmax = finiteNumber(options.xmax, `${argument}.xmax`);
  const ymin = finiteNumber(options.ymin, `${argument}.ymin`);
  const ymax = finiteNumber(options.ymax, `${argument}.ymax`);
  if (!(xmin < xmax)) throw rangeError(`${argument}.xmax`, `greater than ${argument}.xmin (${xmin})`, xmax);
  if (!(ymin < ymax)) throw rangeError(`${argument}.ymax`, `greater than ${argument}.ymin (${ymin})`, ymax);
  const maxIter = integerIn(options.maxIter, `${argument}.maxIter`, 0, 2 ** 31 - 1);
  return { width, height, xmin, xmax, ymin, ymax, maxIter };
}

/** Escape counts of the Mandelbrot set over a view, one row per index of the space.
 * Default schedule `dynamic`, chunk 1 row. */
export function mandelbrot(executor: Executor, options: MandelbrotOptions): Promise<MandelbrotResult> {
  return operation(executor, (limits) => validateMandelbrot(options, limits), runMandelbrot);
}

function runMandelbrot(turn: Turn, view: ValidatedMandelbrot): Promise<MandelbrotResult> {
  return mandelbrotRows(turn, view, 0, view.height);
}

/** Rows [lo, hi) of the view: the whole image, or the band a cluster node computes. The
 * result holds just those rows. An `out` from pool.alloc is written in place in one run. Any
 * other result is computed in bands of at most BAND_BYTES, one run each, each band copied
 * out before the next runs: the shared memory then holds one band, not a whole second image
 * (4096² pixels: 64 MiB + 4 MiB above the pool instead of 2 × 64 MiB). */
export async function mandelbrotRows(
  turn: Turn,
  view: ValidatedMandelbrot,
  lo: number,
  hi: number,
): Promise<MandelbrotResult> {
  const { width } = view;
  const height = hi - lo;
  // Located again: an array freed since the call was made is refused before any work.
  const out = view.out && place(view.out.limits, view.out.array, 'options.out');
  if (out?.at !== undefined) {
    const rows = { at: out.at - lo * width * 4, lo, hi, stride: 1, phase: 0 };
    const stats = await computeRows(turn, view, rows, view.run.onProgress);
    return { width, height, data: out.array, stats };
  }
  const data = out?.array ?? newImage(width, height);
  const room = turn.arena.capacity - (view.run.trace ? traceRoom(height, turn.control.layout.TRACE_RECORD_BYTES) : 0);
  // Rows of no pixels are no work: one run of none.
  const bands = data.length === 0 ? 1 : Math.ceil(height / bandRows(width, height, room));
  const interleaved = bands > 1 && !view.run.trace && width >= MIN_INTERLEAVED_WIDTH;
  const bandBytes = Math.ceil(height / bands) * width * 4;
  const band = turn.arena.alloc(bandBytes);
  const rowsOfWork = data.length === 0 ? 0 : height; // the index space, as computeRows runs it
  const progress = progressAcrossPhases(view.run.onProgress, rowsOfWork, view.run.workers);
  const phases: PhaseStats[] = [];
  const start = performance.now();
  let done = 0;
  for (let b = 0; b < bands; b++) {
    const rows = interleaved ? interleavedBand(band, b, bands, lo, hi) : contiguousBand(band, b, bands, lo, hi, width);
    const phaseStart = performance.now() - start;
    const running = computeRows(turn, view, rows, progress.forRun(done));
    const placed = pieces(rows, width, lo);
    // A new result's pages are fresh (the first write to each costs ~11 µs here): they are
    // touched while the workers compute the band, not after (the workers are woken before
    // computeRows returns).
    if (out === undefined) for (const [, to, length] of placed) touchPages(data.subarray(to, to + length));
    const stats = await running;
    progress.ended(stats);
    phases.push({ stats, phaseStart });
    done += rows.hi - rows.lo;
    const computed = turn.arena.u32(band, bandBytes / 4);
    for (const [from, to, length] of placed) data.set(computed.subarray(from, from + length), to);
  }
  return { width, height, data, stats: mergePhases(phases) };
}

/** Rows the kernel computes: index i in [lo, hi) is the view's row i × stride + phase, and is
 * written `width` pixels a row from `at` (i × width × 4 bytes in). */
interface RowRun {
  at: number;
  lo: number;
  hi: number;
  stride: number;
  phase: number;
}

// Below this width, a band's rows are consecutive: copying a band out row by row would cost
// more than computing such short rows.
const MIN_INTERLEAVED_WIDTH = 64;

/** Band `b` of `bands` over rows [lo, hi): every `bands`-th row, from row lo + b. Each band is
 * then a sample of the whole image, so a static or guided split of a band is as even as a
 * split of the image: with consecutive rows, static gave its first worker the top half of
 * each band, and a 2048² image took 715 ms against 539 in place. */
function interleavedBand(at: number, b: number, bands: number, lo: number, hi: number): RowRun {
  return { at, lo: 0, hi: Math.ceil((hi - lo - b) / bands), stride: bands, phase: lo + b };
}

/** Band `b` of `bands` over rows [lo, hi) as consecutive rows, indexed by the row itself (so
 * that trace records name rows). */
function contiguousBand(at: number, b: number, bands: number, lo: number, hi: number, width: number): RowRun {
  const rowsPerBand = Math.ceil((hi - lo) / bands);
  const first = Math.min(hi, lo + b * rowsPerBand);
  return { at: at - first * width * 4, lo: first, hi: Math.min(hi, first + rowsPerBand), stride: 1, phase: 0 };
}

/** Where a run's rows go in a result whose first row is the view's row `lo`: per piece, the
 * pixel it starts at in the run's output, where it goes in the result, and its pixels. One
 * piece for consecutive rows, one per row otherwise. */
function pieces(rows: RowRun, width: number, lo: number): [from: number, to: number, length: number][] {
  if (rows.stride === 1) return [[0, (rows.lo + rows.phase - lo) * width, (rows.hi - rows.lo) * width]];
  return Array.from({ length: rows.hi - rows.lo }, (_, k) => [
    k * width,
    ((rows.lo + k) * rows.stride + rows.phase - lo) * width,
    width,
  ]);
}

/** Rows in one band of an image not written in place: as many as fit BAND_BYTES and the
 * `room` the pool's memory has, one at least. */
function bandRows(width: number, height: number, room: number): number {
  return Math.min(height, Math.max(1, Math.floor(Math.min(BAND_BYTES, room) / (width * 4))));
}

/** What a trace of `rows` runs takes at most: a record per row. */
function traceRoom(rows: number, recordBytes: number): number {
  return SharedArena.regionBytes(rows * recordBytes);
}

/** The caller's new image. It lives outside the pool's memory, so maxMemory does not bound
 * it; what the JavaScript engine refuses is reported as the size it is. */
function newImage(width: number, height: number): Uint32Array {
  try {
    return new Uint32Array(width * height);
  } catch {
    throw rangeError(
      'options.width',
      'such that a width × height image of 4-byte pixels can be allocated (or an options.out from pool.alloc)',
      `${width} × ${height}`,
    );
  }
}

/** One run computing `rows` of the view into the shared memory. */
function computeRows(
  turn: Turn,
  view: ValidatedMandelbrot,
  rows: RowRun,
  onProgress: ValidatedRunOptions['onProgress'],
): Promise<RunStats> {
  const { width } = view;
  const kernel = turn.builtins.kernel(view.kernel === 'simd' ? 'mandelbrotSimd' : 'mandelbrotScalar');
  const dx = (view.xmax - view.xmin) / width;
  const dy = (view.ymax - view.ymin) / view.height;
  return parallelFor(
    turn,
    {
      kernel,
      lo: rows.lo,
      n: width * (rows.hi - rows.lo) === 0 ? 0 : rows.hi - rows.lo, // rows of no pixels are no work (and -0 rows are 0)
      // The kernel writes index i at at + i × width × 4. (`at` may be below zero as an i32,
      // where indices start past 0: the kernel's u32 arithmetic wraps.)
      args: [rows.at | 0, width, view.maxIter, view.xmin, view.ymax, dx, dy, rows.stride, rows.phase],
    },
    { ...view.run, chunk: view.run.chunk ?? 1, onProgress },
  );
}
