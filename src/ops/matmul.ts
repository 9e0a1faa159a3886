// matmul: C = A·B for row-major f64 or f32 matrices. Large products run on the packed,
// register-tiled kernels (assembly/kernels/matmul.ts), one column panel of B at a time, in two
// parallel phases per panel: pack the panel into column slivers, then compute the tiles of C
// under it, each packing its own rows of A. Products with a dimension below THIN run one row
// of C per index, where packing would cost more than it saves.
import { rangeError, typeError } from '../errors.js';
import { operation, type Executor, type OperationLimits, type Turn } from '../engine/executor.js';
import type { BuiltinConstants } from './builtin-constants.js';
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
import { mergePhases, progressAcrossPhases, type PhaseStats } from './phases.js';
import { overlaps, place, touchPages, type Placed } from './placed.js';
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
  /** Telemetry of packing B's panels, on the packed path; undefined on the thin path. */
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
// Thin products whose A, B and C together take at most this many bytes run on the calling
// thread too. They read each element of their large input once, and one core streams it as
// fast as two on the 2-vCPU VM measured (the second adds no bandwidth), while waking the
// workers and hearing back from them cost 0.1-0.3 ms beside 0.25-0.45 ms of work. Measured
// with the data in the pool's memory, 2 workers against the caller, % of a `set` copy in the
// same process, three rounds at load 4.2-4.3: 1×1024 by 1024×1024 (8 MiB) 78-80 % against
// 85-112 %; 1024×1024 by 1024×1 91-105 % against 144-166 %. The caller still won at 32 MiB
// (61-82 % against 97-111 %), but it is blocked meanwhile: past this, the workers take it.
const THIN_ON_CALLER_BYTES = 12 * 2 ** 20;
const MAX_DIMENSION = 2 ** 31 - 1;
// The packed panel of B: as many tile columns as fit these bytes (at least one). Packing all
// of B at once cost 32 MiB beside 96 MiB of data at n = 2048; a panel costs at most this
// (k × NC elements where one tile column is more), and each panel costs two dispatches.
const PANEL_BYTES = 4 * 2 ** 20;
// Where A or C is an ordinary array, its copy passes through the shared memory in blocks of
// rows of at most this (A's and C's rows together): at n = 2048 in f64, A and C copied whole
// were 64 MiB beside 96 MiB of data. B is still packed once; A's block is copied in again for
// each panel of B (8 times at n = 2048), which costs the calling thread less than packing B
// once per block cost the workers (16 × 32 MiB at n = 2048).
const ROW_BLOCK_BYTES = 4 * 2 ** 20;

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
  const copied = copiedArrays(locateArrays(left.data, right.data, out, limits));
  const bytesPerElement = left.data.BYTES_PER_ELEMENT as 4 | 8;
  // The room asked for is what the run places: copies of ordinary arrays (A and C in blocks
  // of rows) and the packing buffers.
  const plan = arenaPlan(left.rows, right.cols, left.cols, bytesPerElement, run.workers, limits.builtins, copied);
  const bytes = plan.a + plan.b + plan.c + plan.packed + plan.scratch;
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

/** Where A, B and C live; an `out` may not overlap an input: the kernels, or the copies of A's
 * rows made again for each panel of B, would read what C's first columns wrote over it.
 * Called when the call is made and again when it runs: an array freed meanwhile is refused
 * before any work. */
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

/** Which of A, B and C are ordinary arrays, copied through the arena (C also when no `out`). */
function copiedArrays([a, b, c]: ReturnType<typeof locateArrays>): { a: boolean; b: boolean; c: boolean } {
  return { a: a.at === undefined, b: b.at === undefined, c: c?.at === undefined };
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

/** What a run places in the arena, in bytes: B whole and blocks of `blockRows` rows of A and
 * of C, each only where it is copied (an array from pool.alloc is read in place), then the
 * packed panel of B and the workers' packed-A scratch (none on the thin path). */
function arenaPlan(
  m: number,
  n: number,
  k: number,
  bytes: number,
  workers: number,
  constants: BuiltinConstants,
  copied: { a: boolean; b: boolean; c: boolean },
) {
  const thin = isThin(m, n, k);
  const blockRows = thin ? m : rowsPerBlock(m, n, k, bytes, copied.a, copied.c, constants);
  const panel = panelPlan(n, k, bytes, constants);
  const size = (elements: number) => SharedArena.regionBytes(elements * bytes);
  return {
    blockRows,
    a: copied.a ? size(blockRows * k) : 0,
    b: copied.b ? size(k * n) : 0,
    c: copied.c ? size(blockRows * n) : 0,
    packed: size(thin ? 0 : k * panel.width),
    scratch: size(thin ? 0 : workers * constants.MATMUL_MC * constants.MATMUL_KC),
  };
}

/** The column panels of B: `columns` columns each (whole tile columns; the last panel
 * narrower), packed into a region of k × `width` elements, NR-sliver slots included. */
function panelPlan(n: number, k: number, bytes: number, constants: BuiltinConstants) {
  const { MATMUL_NR_BYTES, MATMUL_NC } = constants;
  const nr = MATMUL_NR_BYTES / bytes;
  const tileColumnBytes = k * MATMUL_NC * bytes;
  const tileColumns = Math.min(Math.ceil(n / MATMUL_NC), Math.max(1, Math.floor(PANEL_BYTES / tileColumnBytes)));
  const columns = tileColumns * MATMUL_NC;
  return { nr, columns, width: Math.min(columns, Math.ceil(n / nr) * nr) };
}

/** The kernels for a dtype, fused or not (exports of assembly/kernels/index.ts). */
function kernelNames(f64: boolean, fused: boolean) {
  const type = f64 ? 'F64' : 'F32';
  const flavour = fused ? 'Fma' : '';
  return { packB: `packB${type}`, tiles: `tiles${flavour}${type}`, rows: `rows${flavour}${type}` };
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
  const { arena, builtins } = turn;
  const { constants } = builtins;
  const [m, k, n] = [a.rows, a.cols, b.cols];
  const [aIn, bIn, out] = locateArrays(a.data, b.data, requested, limits);
  const bytes = bytesPerElement;
  const view = bytes === 8 ? arena.f64.bind(arena) : arena.f32.bind(arena);
  const f64 = bytes === 8;
  const fused = fma && constants.MATMUL_FMA === 1;
  const thin = isThin(m, n, k);
  // B is read whole by every row of C: it is placed whole. A and C, where they are copied,
  // pass through the shared memory in blocks of rows.
  const copied = copiedArrays([aIn, bIn, out]);
  const plan = arenaPlan(m, n, k, bytes, run.workers, constants, copied);
  const blockRows = plan.blockRows;
  let bAt = bIn.at;
  if (bAt === undefined) {
    bAt = arena.alloc(plan.b);
    view(bAt, b.data.length).set(b.data);
  }
  const aRegion = copied.a ? arena.alloc(plan.a) : undefined;
  const cRegion = copied.c ? arena.alloc(plan.c) : undefined;
  const [packedAt, scratchAt] = [arena.alloc(plan.packed), arena.alloc(plan.scratch)];

  // Without `out`, the result goes into an ordinary array allocated now: its pages are fresh
  // (the first write to each costs ~11 µs on the VMs measured, 22-25 ms for 8 MiB), so each
  // block's rows are touched on this thread while the workers compute them rather than after.
  const data = out !== undefined ? undefined : f64 ? new Float64Array(m * n) : new Float32Array(m * n);
  const result = data ?? out!.array;
  const phases: Phases = { tiles: [], packs: [], start: performance.now() };
  let aHolds = -1; // the first row of the block of A in aRegion
  const blockAt = (r0: number, rows: number): BlockRegions => {
    if (aRegion !== undefined && aHolds !== r0) {
      view(aRegion, rows * k).set(a.data.subarray(r0 * k, (r0 + rows) * k));
      aHolds = r0;
    }
    return { a: aRegion ?? aIn.at! + r0 * k * bytes, c: cRegion ?? out!.at! + r0 * n * bytes };
  };
  const blocks = { rows: blockRows, count: m <= blockRows ? 1 : Math.ceil(m / blockRows), at: blockAt };
  if (thin) {
    const columnBlocks = Math.max(1, Math.ceil(n / constants.MATMUL_COLUMN_BLOCK));
    const whole = blockAt(0, m);
    const call = {
      kernel: builtins.kernel(kernelNames(f64, fused).rows),
      n: m * columnBlocks,
      args: [whole.a, bAt, whole.c, n, k, columnBlocks],
    };
    const small = 2 * m * n * k <= ON_CALLER_FLOPS || (m * k + k * n + m * n) * bytes <= THIN_ON_CALLER_BYTES;
    if (small && !run.trace) {
      phases.tiles.push({ stats: runOnCaller(turn, call, run), phaseStart: 0 });
    } else {
      const running = parallelFor(turn, call, run); // the workers are woken before it returns
      if (data) touchPages(data);
      phases.tiles.push({ stats: await running, phaseStart: 0 });
    }
  } else {
    // With several blocks, each block's columns under a panel are copied out before the next
    // block takes the region; with one, C is copied out once at the end.
    const copyOut = (r0: number, rows: number, j0: number, columns: number) => {
      if (cRegion === undefined || blocks.count === 1) return;
      const c = view(cRegion, rows * n);
      for (let i = 0; i < rows; i++) result.set(c.subarray(i * n + j0, i * n + j0 + columns), (r0 + i) * n + j0);
    };
    const touch = (r0: number, rows: number) => data && touchPages(data.subarray(r0 * n, (r0 + rows) * n));
    const regions = { b: bAt, packed: packedAt, scratch: scratchAt };
    await multiplyByPanels(turn, regions, { m, n, k, f64, fused }, blocks, run, phases, { touch, copyOut });
  }
  if (cRegion !== undefined && blocks.count === 1) result.set(view(cRegion, m * n));
  const stats = mergePhases(phases.tiles);
  const packStats = thin ? undefined : mergePhases(phases.packs);
  return { rows: m, cols: n, data: result, stats, packStats, fma: fused };
}

/** Rows of A and C per block: all of them when neither is copied or their copies are small
 * (up to 2 × ROW_BLOCK_BYTES, as at n = 1024 in f64, where copying A again per panel costs
 * more time than the blocks save memory), else whole tile rows whose copies fit
 * ROW_BLOCK_BYTES. */
function rowsPerBlock(
  m: number,
  n: number,
  k: number,
  bytes: number,
  copyA: boolean,
  copyC: boolean,
  constants: BuiltinConstants,
): number {
  const rowBytes = ((copyA ? k : 0) + (copyC ? n : 0)) * bytes;
  if (m * rowBytes <= 2 * ROW_BLOCK_BYTES) return m;
  return Math.max(1, Math.floor(ROW_BLOCK_BYTES / rowBytes / constants.MATMUL_MC)) * constants.MATMUL_MC;
}

/** Where a block of rows of A and of C lies in the shared memory. */
interface BlockRegions {
  a: number;
  c: number;
}

/** The runs of an operation so far. */
interface Phases {
  tiles: PhaseStats[];
  packs: PhaseStats[];
  start: number;
}

/** The packed path: for each column panel of B, pack it (static, over its slivers), then
 * compute the tiles of C under it (the caller's schedule), block of rows after block of rows:
 * B is packed once whatever the blocks. Tiles are numbered panel by panel, row-major inside a
 * panel, and a block is whole tile rows, so each block's tiles are a contiguous range and the
 * merged telemetry covers [0, tiles) once, as one run over all tiles would. */
async function multiplyByPanels(
  turn: Turn,
  regions: Record<'b' | 'packed' | 'scratch', number>,
  { m, n, k, f64, fused }: { m: number; n: number; k: number; f64: boolean; fused: boolean },
  blocks: { rows: number; count: number; at: (r0: number, rows: number) => BlockRegions },
  run: ValidatedRunOptions,
  phases: Phases,
  {
    touch,
    copyOut,
  }: {
    /** Called while the tiles of the first panel of a block run (the workers are woken). */
    touch: (r0: number, rows: number) => void;
    /** Called when the tiles of a block under a panel are done. */
    copyOut: (r0: number, rows: number, j0: number, columns: number) => void;
  },
): Promise<void> {
  const { builtins } = turn;
  const { MATMUL_MC, MATMUL_NC } = builtins.constants;
  const { b, packed, scratch } = regions;
  const panel = panelPlan(n, k, f64 ? 8 : 4, builtins.constants);
  const rowTiles = Math.ceil(m / MATMUL_MC);
  const tiles = rowTiles * Math.ceil(n / MATMUL_NC);
  const names = kernelNames(f64, fused);
  const [packB, kernel] = [builtins.kernel(names.packB), builtins.kernel(names.tiles)];
  const progress = progressAcrossPhases(run.onProgress, tiles, run.workers);
  for (let j0 = 0, panelFirstTile = 0; j0 < n; j0 += panel.columns) {
    const columns = Math.min(panel.columns, n - j0);
    const tileColumns = Math.ceil(columns / MATMUL_NC);
    const width = Math.ceil(columns / panel.nr) * panel.nr; // of the packed panel
    const packArgs = [b, packed, n, k, j0, width];
    const slivers = { kernel: packB, lo: j0 / panel.nr, n: Math.ceil(columns / panel.nr), args: packArgs };
    phases.packs.push({ stats: await parallelFor(turn, slivers, auxiliaryRun(run, 'static')), phaseStart: 0 });
    for (let r0 = 0; r0 < m; r0 += blocks.rows) {
      const rows = Math.min(blocks.rows, m - r0);
      // Done before this run: the earlier panels' tiles and this panel's above the block.
      const firstTile = panelFirstTile + (r0 / MATMUL_MC) * tileColumns;
      const block = blocks.at(r0, rows);
      const args = [block.a, block.c, packed, scratch, rows, n, k, tileColumns, j0, width, firstTile];
      const onProgress = progress.forRun(firstTile);
      const phaseStart = performance.now() - phases.start;
      const call = { kernel, lo: firstTile, n: Math.ceil(rows / MATMUL_MC) * tileColumns, args };
      const running = parallelFor(turn, call, { ...run, chunk: run.chunk ?? 1, onProgress });
      if (j0 === 0) touch(r0, rows);
      const stats = await running;
      progress.ended(stats);
      phases.tiles.push({ stats, phaseStart });
      copyOut(r0, rows, j0, columns);
    }
    panelFirstTile += rowTiles * tileColumns;
  }
}
