// matmul: C = A·B for row-major f64 or f32 matrices. Large products run in two parallel
// phases on the packed, register-tiled kernels (assembly/matmul.ts): pack B into column
// slivers, then compute tiles of C, each packing its own rows of A. Products with a dimension
// below THIN run one row of C per index, where packing would cost more than it saves.
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
  type RunOptions,
  type ValidatedRunOptions,
} from '../schedule/parallel-for.js';
import type { RunStats } from '../schedule/telemetry.js';
import { deliver, overlaps, place, type Placed } from './placed.js';
import { integerIn, knownKeys, optionsObject } from '../validate.js';

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
}

export interface MatmulOptions<D extends Float64Array | Float32Array = Float64Array | Float32Array> extends RunOptions {
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

type Data = Float64Array | Float32Array;

interface ValidatedMatmul {
  a: Matrix;
  b: Matrix;
  out: Data | undefined;
  bytesPerElement: 4 | 8;
  run: ValidatedRunOptions;
  limits: OperationLimits;
}

function validateMatmul(a: unknown, b: unknown, options: unknown, limits: OperationLimits): ValidatedMatmul {
  const { left, right } = validateOperands(a, b);
  const bag = optionsObject(options, 'options');
  knownKeys(bag, 'options', [...RUN_OPTION_NAMES, 'out']);
  const run = validateRunOptions(bag, 'options', limits.poolSize, 'dynamic');
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
  return { a: left, b: right, out, bytesPerElement, run, limits };
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

/** Bytes of A, B, C, packed B and the workers' packed-A scratch. */
function regionSizes(m: number, n: number, k: number, bytes: number, workers: number, layout: Layout): number[] {
  const nr = layout.MATMUL_NR_BYTES / bytes;
  const packed = isThin(m, n, k) ? [0, 0] : [k * Math.ceil(n / nr) * nr, workers * layout.MATMUL_MC * layout.MATMUL_KC];
  return [m * k, k * n, m * n, ...packed].map((elements) => SharedArena.regionBytes(elements * bytes));
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
  { a, b, out: requested, bytesPerElement, run, limits }: ValidatedMatmul,
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
  const tileColumns = Math.ceil(n / layout.MATMUL_NC);
  const args = {
    MATMUL_A: aAt,
    MATMUL_B: bAt,
    MATMUL_C: cAt,
    MATMUL_PACKED_B: packedAt,
    MATMUL_SCRATCH: scratchAt,
    MATMUL_M: m,
    MATMUL_N: n,
    MATMUL_K: k,
    MATMUL_TILE_COLUMNS: tileColumns,
  };

  let packStats: RunStats | undefined;
  let stats: RunStats;
  if (isThin(m, n, k)) {
    const call = { kernel: f64 ? layout.KERNEL_MATMUL_ROWS_F64 : layout.KERNEL_MATMUL_ROWS_F32, n: m, i32: args };
    const small = 2 * m * n * k <= ON_CALLER_FLOPS && !run.trace;
    stats = small ? runOnCaller(turn, call, run) : await parallelFor(turn, call, run);
  } else {
    const slivers = Math.ceil(n / (layout.MATMUL_NR_BYTES / bytesPerElement));
    const packB = f64 ? layout.KERNEL_MATMUL_PACK_B_F64 : layout.KERNEL_MATMUL_PACK_B_F32;
    packStats = await parallelFor(turn, { kernel: packB, n: slivers, i32: args }, auxiliaryRun(run, 'static'));
    const tiles = Math.ceil(m / layout.MATMUL_MC) * tileColumns;
    const kernel = f64 ? layout.KERNEL_MATMUL_TILES_F64 : layout.KERNEL_MATMUL_TILES_F32;
    stats = await parallelFor(turn, { kernel, n: tiles, i32: args }, { ...run, chunk: run.chunk ?? 1 });
  }
  return { rows: m, cols: n, data: deliver(view(cAt, m * n), out), stats, packStats };
}
