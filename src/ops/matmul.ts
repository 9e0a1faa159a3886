// matmul: C = A·B for row-major f64 or f32 matrices. Large products run on the packed,
// register-tiled kernels (assembly/kernels/matmul.ts), one column panel of B at a time, in two
// parallel phases per panel: pack the panel into column slivers, then compute the tiles of C
// under it, each packing its own rows of A. Products with a dimension below THIN run one row
// of C per index, where packing would cost more than it saves.
import { rangeError, typeError } from '../errors.js';
import { operation, type Executor, type OperationLimits, type Turn } from '../engine/executor.js';
import type { Layout } from '../memory/layout.js';
import { SharedArena } from '../memory/arena.js';
import {
  auxiliaryRun,
  parallelFor,
  runOnCaller,
  RUN_OPTION_NAMES,
  validateRunOptions,
  type ProgressCallback,
  type RunOptions,
  type ValidatedRunOptions,
} from '../schedule/parallel-for.js';
import type { RunStats } from '../schedule/telemetry.js';
import { deliver, overlaps, place, type Placed } from './placed.js';
import { booleanArg, integerIn, knownKeys, optionsObject } from '../validate.js';

/** A dense row-major matrix: element (i, j) is `data[i * cols + j]`. A `data` from
 * `pool.alloc` is read in place; an ordinary one is copied into the pool's memory. */
export interface Matrix<D extends Float64Array | Float32Array = Float64Array | Float32Array> {
  rows: number;
  cols: number;
  data: D;
}

export interface MatmulResult<D extends Float64Array | Float32Array = Float64Array | Float32Array> extends Matrix<D> {
  /** Telemetry of the multiplication phase. */
  stats: RunStats;
  /** Telemetry of packing B, on the packed path; undefined on the thin path. */
  packStats: RunStats | undefined;
  /** True when fused multiply-add kernels computed C (`fma: true` where the runtime has
   * relaxed SIMD). */
  fma: boolean;
}

export interface MatmulOptions<D extends Float64Array | Float32Array = Float64Array | Float32Array> extends RunOptions {
  /** Fused multiply-add kernels (relaxed SIMD's madd) where the runtime validates them;
   * elsewhere the unfused kernels run and `result.fma` is false. Fused results differ from
   * unfused ones in the last bits (still the same for every schedule and worker count).
   * Default: false. */
  fma?: boolean;
  /** Where C goes: an array of the inputs' type and length `a.rows × b.cols`, which becomes
   * the result's `data`. One from `pool.alloc` is written in place, with no copy; an ordinary
   * one gets C copied into it. It must not overlap `a.data` or `b.data`. Default: a new
   * ordinary array. */
  out?: D;
}

export const THIN = 16; // below this in m, n or k, packing does not pay for itself
// Products of fewer flops run on the calling thread: ~60 µs of work or less, against ~30 µs
// to wake the workers plus the wait for both to be scheduled. Measured on 4096×3 by 3×5
// (123 kflop): 290 µs through the workers, slower than plain JS (127 µs).
const ON_CALLER_FLOPS = 2 ** 18;
const MAX_DIMENSION = 2 ** 31 - 1;
// The packed panel of B: as many tile columns as fit these bytes (at least one). Packing all
// of B at once cost 32 MiB beside 96 MiB of data at n = 2048; a panel costs at most this
// (k × NC elements where one tile column is more), and each panel costs two dispatches.
const PANEL_BYTES = 4 * 2 ** 20;

type Data = Float64Array | Float32Array;

interface ValidatedMatmul {
  a: Matrix;
  b: Matrix;
  out: Data | undefined;
  bytesPerElement: 4 | 8;
  fma: boolean;
  run: ValidatedRunOptions;
  limits: OperationLimits;
}

function validateMatmul(a: unknown, b: unknown, options: unknown, limits: OperationLimits): ValidatedMatmul {
  const { left, right } = validateOperands(a, b);
  const bag = optionsObject(options, 'options');
  knownKeys(bag, 'options', [...RUN_OPTION_NAMES, 'fma', 'out']);
  const run = validateRunOptions(bag, 'options', limits.poolSize, 'dynamic');
  const fma = bag.fma === undefined ? false : booleanArg(bag.fma, 'options.fma');
  const out = bag.out === undefined ? undefined : outArray(bag.out, left, right);
  const placed = locateArrays(left.data, right.data, out, limits);
  const bytesPerElement = left.data.BYTES_PER_ELEMENT as 4 | 8;
  // A, B and C take room in the arena only where they are copied.
  const bytes = regionSizes(left.rows, right.cols, left.cols, bytesPerElement, run.workers, limits.layout)
    .filter((_, i) => placed[i]?.at === undefined)
    .reduce((sum, size) => sum + size, 0);
  if (bytes > limits.capacity) {
    throw rangeError(
      'a',
      `small enough that A, B, C and the packing buffers fit the pool's maxMemory (${limits.capacity} bytes free)`,
      `a product needing ${bytes} bytes`,
    );
  }
  return { a: left, b: right, out, bytesPerElement, fma, run, limits };
}

function outArray(value: unknown, a: Matrix, b: Matrix): Data {
  const type = a.data.constructor as typeof Float64Array | typeof Float32Array;
  if (!(value instanceof type)) throw typeError('options.out', `a ${type.name}, the type of a.data`, value);
  if (value.length !== a.rows * b.cols) {
    throw rangeError('options.out', `of length a.rows × b.cols = ${a.rows * b.cols}`, `length ${value.length}`);
  }
  return value;
}

/** Where A, B and C live; an `out` in the pool's memory may not overlap an input there, which
 * the kernels would read after writing. Called when the call is made and again when it runs:
 * an array freed meanwhile is refused before any work. */
function locateArrays(
  a: Data,
  b: Data,
  out: Data | undefined,
  limits: OperationLimits,
): [Placed<Data>, Placed<Data>, Placed<Data> | undefined] {
  const inputs = [place(limits, a, 'a.data'), place(limits, b, 'b.data')] as const;
  const c = out === undefined ? undefined : place(limits, out, 'options.out');
  const overlapped = c && inputs.find((input) => overlaps(c, input));
  if (overlapped)
    throw rangeError('options.out', `an array that does not overlap ${overlapped.path}`, 'an overlapping array');
  return [...inputs, c];
}

/** Checks the two matrices of a product: shapes, lengths, one dtype. */
export function validateOperands(a: unknown, b: unknown): { left: Matrix; right: Matrix } {
  const left = matrix(a, 'a');
  const right = matrix(b, 'b');
  if (left.data.constructor !== right.data.constructor) {
    throw typeError('b.data', `of the same type as a.data (${left.data.constructor.name})`, right.data);
  }
  if (left.cols !== right.rows) throw rangeError('b.rows', `equal to a.cols (${left.cols})`, right.rows);
  return { left, right };
}

function matrix(value: unknown, name: string): Matrix {
  if (value === null || typeof value !== 'object') throw typeError(name, 'a matrix { rows, cols, data }', value);
  const { rows, cols, data } = value as Record<string, unknown>;
  integerIn(rows, `${name}.rows`, 0, MAX_DIMENSION);
  integerIn(cols, `${name}.cols`, 0, MAX_DIMENSION);
  if (!(data instanceof Float64Array || data instanceof Float32Array)) {
    throw typeError(`${name}.data`, 'a Float64Array or a Float32Array', data);
  }
  if (data.length !== (rows as number) * (cols as number)) {
    throw rangeError(
      `${name}.data`,
      `of length ${name}.rows × ${name}.cols = ${(rows as number) * (cols as number)}`,
      `length ${data.length}`,
    );
  }
  return { rows: rows as number, cols: cols as number, data };
}

/** Bytes of A, B, C, the packed panel of B and the workers' packed-A scratch. */
function regionSizes(m: number, n: number, k: number, bytes: number, workers: number, layout: Layout): number[] {
  const panel = panelPlan(n, k, bytes, layout);
  const packed = isThin(m, n, k) ? [0, 0] : [k * panel.width, workers * layout.MATMUL_MC * layout.MATMUL_KC];
  return [m * k, k * n, m * n, ...packed].map((elements) => SharedArena.regionBytes(elements * bytes));
}

/** The column panels of B: `columns` columns each (whole tile columns; the last panel
 * narrower), packed into a region of k × `width` elements, NR-sliver slots included. */
function panelPlan(n: number, k: number, bytes: number, layout: Layout) {
  const nr = layout.MATMUL_NR_BYTES / bytes;
  const tileColumnBytes = k * layout.MATMUL_NC * bytes;
  const tileColumns = Math.min(Math.ceil(n / layout.MATMUL_NC), Math.max(1, Math.floor(PANEL_BYTES / tileColumnBytes)));
  const columns = tileColumns * layout.MATMUL_NC;
  return { nr, columns, width: Math.min(columns, Math.ceil(n / nr) * nr) };
}

/** Writes one element of every 4 KiB page of a fresh array, which makes the system map them. */
function touchPages(data: Float64Array | Float32Array): void {
  const step = 4096 / data.BYTES_PER_ELEMENT;
  for (let i = 0; i < data.length; i += step) data[i] = 0;
}

/** The kernel ids for a dtype, fused or not. */
function kernels(layout: Layout, f64: boolean, fused: boolean) {
  if (f64) {
    return {
      packB: layout.KERNEL_MATMUL_PACK_B_F64,
      tiles: fused ? layout.KERNEL_MATMUL_TILES_FMA_F64 : layout.KERNEL_MATMUL_TILES_F64,
      rows: fused ? layout.KERNEL_MATMUL_ROWS_FMA_F64 : layout.KERNEL_MATMUL_ROWS_F64,
    };
  }
  return {
    packB: layout.KERNEL_MATMUL_PACK_B_F32,
    tiles: fused ? layout.KERNEL_MATMUL_TILES_FMA_F32 : layout.KERNEL_MATMUL_TILES_F32,
    rows: fused ? layout.KERNEL_MATMUL_ROWS_FMA_F32 : layout.KERNEL_MATMUL_ROWS_F32,
  };
}

function isThin(m: number, n: number, k: number): boolean {
  return Math.min(m, n, k) < THIN;
}

/** C = A·B for row-major matrices of one dtype (Float64Array or Float32Array); the result
 * keeps it. Default schedule `dynamic`, chunk 1 tile of C. */
export function matmul<D extends Float64Array | Float32Array>(
  executor: Executor,
  a: Matrix<D>,
  b: Matrix<D>,
  options?: MatmulOptions<D>,
): Promise<MatmulResult<D>> {
  return operation(
    executor,
    (limits) => validateMatmul(a, b, options, limits),
    (turn, validated) => runMatmul(turn, validated) as Promise<MatmulResult<D>>,
  );
}

async function runMatmul(
  turn: Turn,
  { a, b, out: requested, bytesPerElement, fma, run, limits }: ValidatedMatmul,
): Promise<MatmulResult> {
  const {
    arena,
    control: { layout },
  } = turn;
  const [m, k, n] = [a.rows, a.cols, b.cols];
  const [aBytes, bBytes, cBytes, packedBytes, scratchBytes] = regionSizes(
    m,
    n,
    k,
    bytesPerElement,
    run.workers,
    layout,
  );
  const [aIn, bIn, out] = locateArrays(a.data, b.data, requested, limits);
  const view = bytesPerElement === 8 ? arena.f64.bind(arena) : arena.f32.bind(arena);
  // An input from pool.alloc is read where it is; an ordinary one is copied in.
  const copyIn = ({ array, at }: Placed<Data>, bytes: number): number => {
    if (at !== undefined) return at;
    const offset = arena.alloc(bytes);
    view(offset, array.length).set(array);
    return offset;
  };
  const aAt = copyIn(aIn, aBytes!);
  const bAt = copyIn(bIn, bBytes!);
  const cAt = out?.at ?? arena.alloc(cBytes!);
  const [packedAt, scratchAt] = [packedBytes!, scratchBytes!].map((bytes) => arena.alloc(bytes)) as [number, number];
  const f64 = bytesPerElement === 8;
  const fused = fma && layout.MATMUL_FMA === 1;
  const args = {
    MATMUL_A: aAt,
    MATMUL_B: bAt,
    MATMUL_C: cAt,
    MATMUL_PACKED_B: packedAt,
    MATMUL_SCRATCH: scratchAt,
    MATMUL_M: m,
    MATMUL_N: n,
    MATMUL_K: k,
  };

  // Without `out`, the result goes into an ordinary array allocated now: its pages are fresh
  // (the first write to each costs ~11 µs on the VMs measured, 22-25 ms for 8 MiB), so they are
  // touched on this thread while the workers compute rather than after them.
  const data = out !== undefined ? undefined : f64 ? new Float64Array(m * n) : new Float32Array(m * n);
  const touchResult = () => data && touchPages(data);

  let packStats: RunStats | undefined;
  let stats: RunStats;
  if (isThin(m, n, k)) {
    const blocks = Math.max(1, Math.ceil(n / layout.MATMUL_COLUMN_BLOCK));
    const call = {
      kernel: kernels(layout, f64, fused).rows,
      n: m * blocks,
      i32: { ...args, MATMUL_COLUMN_BLOCKS: blocks },
    };
    if (2 * m * n * k <= ON_CALLER_FLOPS && !run.trace) {
      stats = runOnCaller(turn, call, run);
    } else {
      const running = parallelFor(turn, call, run); // the workers are woken before it returns
      touchResult();
      stats = await running;
    }
  } else {
    [stats, packStats] = await multiplyByPanels(turn, args, { m, n, k, f64, fused }, run, touchResult);
  }
  const c = view(cAt, m * n);
  const result = data ? (data.set(c), data) : deliver(c, out);
  return { rows: m, cols: n, data: result, stats, packStats, fma: fused };
}

/** The packed path: for each column panel of B, pack it (static, over its slivers), then
 * compute the tiles of C under it (the caller's schedule). Tiles are numbered across panels,
 * so the merged telemetry covers [0, tiles) once, as one run over all tiles would. */
async function multiplyByPanels(
  turn: Turn,
  args: Record<string, number>,
  { m, n, k, f64, fused }: { m: number; n: number; k: number; f64: boolean; fused: boolean },
  run: ValidatedRunOptions,
  whileTilesRun: () => void,
): Promise<[RunStats, RunStats]> {
  const { layout } = turn.control;
  const panel = panelPlan(n, k, f64 ? 8 : 4, layout);
  const rowTiles = Math.ceil(m / layout.MATMUL_MC);
  const tiles = rowTiles * Math.ceil(n / layout.MATMUL_NC);
  const { packB, tiles: kernel } = kernels(layout, f64, fused);
  const packPhases: RunStats[] = [];
  const tilePhases: PhaseStats[] = [];
  const start = performance.now();
  const tilesBefore = new Array<number>(run.workers).fill(0); // each worker's tiles in earlier panels
  for (let j0 = 0, firstTile = 0; j0 < n; j0 += panel.columns) {
    const columns = Math.min(panel.columns, n - j0);
    const tileColumns = Math.ceil(columns / layout.MATMUL_NC);
    const i32 = {
      ...args,
      MATMUL_TILE_COLUMNS: tileColumns,
      MATMUL_PANEL_J0: j0,
      MATMUL_PANEL_WIDTH: Math.ceil(columns / panel.nr) * panel.nr,
      MATMUL_PANEL_FIRST_TILE: firstTile,
    };
    const slivers = { kernel: packB, lo: j0 / panel.nr, n: Math.ceil(columns / panel.nr), i32 };
    packPhases.push(await parallelFor(turn, slivers, auxiliaryRun(run, 'static')));
    const panelTiles = rowTiles * tileColumns;
    const doneBefore = firstTile;
    const onProgress: ProgressCallback | undefined =
      run.onProgress &&
      ((done, _total, perWorker) =>
        run.onProgress!(
          doneBefore + done,
          tiles,
          perWorker.map((items, rank) => tilesBefore[rank]! + items),
        ));
    const phaseStart = performance.now() - start;
    const call = { kernel, lo: firstTile, n: panelTiles, i32 };
    const running = parallelFor(turn, call, { ...run, chunk: run.chunk ?? 1, onProgress });
    if (firstTile === 0) whileTilesRun(); // the workers are woken before parallelFor returns
    const stats = await running;
    for (const { rank, items } of stats.perWorker) tilesBefore[rank]! += items;
    tilePhases.push({ stats, phaseStart });
    firstTile += panelTiles;
  }
  return [mergePhases(tilePhases), mergePhases(packPhases.map((stats) => ({ stats, phaseStart: 0 })))];
}

interface PhaseStats {
  stats: RunStats;
  /** Milliseconds from the first phase's start, for the trace's times. */
  phaseStart: number;
}

/** The telemetry of consecutive runs as one: counts and times summed, the trace joined. */
function mergePhases(phases: PhaseStats[]): RunStats {
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
  const busy = perWorker.map((worker) => worker.busyMs);
  const busyTotal = busy.reduce((total, ms) => total + ms, 0);
  const wallMs = sum((stats) => stats.wallMs);
  const merged: RunStats = {
    ...first,
    n: sum((stats) => stats.n),
    wallMs,
    imbalance: busyTotal > 0 ? Math.max(...busy) / (busyTotal / perWorker.length) : 1,
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
