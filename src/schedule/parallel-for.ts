// parallelFor: run one kernel over the index space [0, n) on the pool's workers with a
// schedule, and report what each worker did. Every operation is built on it.
import { AbortError, KernelError } from '../errors.js';
import { encodeArguments, writeArguments, type ArgumentSlot, type ArrayOwner } from '../engine/arguments.js';
import type { SharedArena } from '../memory/arena.js';
import type { ControlBlock } from '../memory/control-block.js';
import type { BuiltinConstants } from '../ops/builtin-constants.js';
import type { ValueType } from '../engine/wasm-binary.js';
import { abortSignal, booleanArg, callback, integerIn, oneOf, optionsObject } from '../validate.js';
import { maxChunks, prepareSchedule, SCHEDULES, scheduleId, type Schedule } from './schedules.js';
import { collectStats, readTrace, type RunStats } from './telemetry.js';

/** How a run is scheduled; every operation accepts these. */
export interface RunOptions {
  /** Who computes which chunk.
   * @default 'dynamic' (every built-in operation, from measurements) */
  schedule?: Schedule;
  /** Items per claim (per step for `static`).
   * @default chosen per operation and size: 1 row (mandelbrot), 1 tile of C (matmul), 1 segment of up to 1 MiB (wordCount) */
  chunk?: number;
  /** Cancels the run: it rejects with AbortError within about one chunk's time.
   * @default undefined (not cancellable) */
  signal?: AbortSignal;
  /** Record every chunk (worker, range, start, end) in `stats.trace`.
   * @default false */
  trace?: boolean;
  /** Run on the first `workers` workers of the pool only, from 1 to the pool's size.
   * @default pool.size */
  workers?: number;
  /** Called every `progressMs` during a run, and once at its end, with the indices done so
   * far, the total, and the indices each worker has done, by rank (all read from the counters
   * the workers update in shared memory after every chunk). If it throws, the run rejects
   * with its error once the workers are done.
   * @default undefined (no reports) */
  onProgress?: ProgressCallback;
  /** Milliseconds between two `onProgress` reports, from 1 to 60000: 16 follows a screen's
   * frames.
   * @default 100 */
  progressMs?: number;
}

/** A run's progress: indices done, the total, and each worker's indices done, by rank. */
export type ProgressCallback = (done: number, total: number, perWorker: readonly number[]) => void;

export const RUN_OPTION_NAMES = [
  'schedule',
  'chunk',
  'signal',
  'trace',
  'workers',
  'onProgress',
  'progressMs',
] as const;

export interface ValidatedRunOptions {
  schedule: Schedule;
  chunk: number | undefined;
  signal: AbortSignal | undefined;
  trace: boolean;
  workers: number;
  onProgress: ProgressCallback | undefined;
  /** Absent where no caller can ask for reports (auxiliary phases, a cluster node's runs). */
  progressMs?: number;
}

const MAX_INDEX = 2 ** 31 - 1;
const PROGRESS_MS = 100;
const MAX_PROGRESS_MS = 60_000;
const MAX_TRACE_RECORDS = 1 << 20;

export function validateRunOptions(
  options: Record<string, unknown>,
  argument: string,
  poolSize: number,
  defaultSchedule: Schedule,
): ValidatedRunOptions {
  return {
    schedule:
      options.schedule === undefined ? defaultSchedule : oneOf(options.schedule, `${argument}.schedule`, SCHEDULES),
    chunk: options.chunk === undefined ? undefined : integerIn(options.chunk, `${argument}.chunk`, 1, MAX_INDEX),
    signal: abortSignal(options.signal, `${argument}.signal`),
    trace: options.trace === undefined ? false : booleanArg(options.trace, `${argument}.trace`),
    workers: options.workers === undefined ? poolSize : integerIn(options.workers, `${argument}.workers`, 1, poolSize),
    onProgress:
      options.onProgress === undefined
        ? undefined
        : callback<ProgressCallback>(options.onProgress, `${argument}.onProgress`),
    progressMs:
      options.progressMs === undefined
        ? PROGRESS_MS
        : integerIn(options.progressMs, `${argument}.progressMs`, 1, MAX_PROGRESS_MS),
  };
}

/** Validates a bag of RunOptions on its own (for callers with no other options). */
export function validateRunOptionsBag(
  value: unknown,
  argument: string,
  poolSize: number,
  defaultSchedule: Schedule,
): ValidatedRunOptions {
  return validateRunOptions(optionsObject(value, argument), argument, poolSize, defaultSchedule);
}

/** The options of an operation's auxiliary phase (packing, clearing, reading, merging): the
 * caller's workers and signal, the given schedule with its default chunk, no trace and no
 * progress reports (those describe the operation's main phase). */
export function auxiliaryRun(run: ValidatedRunOptions, schedule: Schedule): ValidatedRunOptions {
  return { ...run, schedule, chunk: undefined, trace: false, onProgress: undefined };
}

/** A library's kernel as a job runs it (a LibraryKernel, src/engine/library.ts). */
export interface JobKernel {
  readonly name: string;
  /** Its adapter's slot in every worker's function table. */
  readonly slot: number;
  /** Its parameters after the index ones; undefined for a JavaScript kernel. */
  readonly args: readonly ValueType[] | undefined;
  /** What its array arguments must belong to. */
  readonly library: ArrayOwner;
}

/** parwasm's own kernels, as an operation holding its turn sees them (src/ops/builtins.ts). */
export interface BuiltinKernels {
  readonly constants: BuiltinConstants;
  /** The kernel `name` (an export of assembly/kernels/index.ts). */
  kernel(name: string): JobKernel;
  /** Runs `kernel` over [lo, hi) on the calling thread, blocking it. */
  runOnCaller(kernel: JobKernel, lo: number, hi: number, args: readonly ArgumentSlot[]): void;
}

/** A kernel and its arguments, as the job descriptor carries them. */
export interface KernelCall {
  /** A library's kernel: a user's, or one of parwasm's own (`turn.builtins.kernel(name)`). */
  kernel: JobKernel;
  /** Size of the index space. */
  n: number;
  /** First index of the space: the kernel computes [lo, lo + n). Default: 0. */
  lo?: number;
  /** The kernel's arguments after its index ones, as `pool.parallelFor` takes them (byte
   * offsets of regions are i32 numbers). Default: none. */
  args?: readonly unknown[];
}

/** The shared state a run needs; the pool gives it to the operation that holds the turn. */
export interface RunContext {
  control: ControlBlock;
  /** Wakes the workers to run the job in the descriptor; resolves when all have finished. */
  doorbell: { ring(workers: number): Promise<void> };
  arena: SharedArena;
  poolSize: number;
  /** parwasm's own kernels, loaded on the same memory. */
  builtins: BuiltinKernels;
}

/** The chunk a schedule uses when the caller names none: static computes its block in one
 * step; the others aim for 64 claims per worker. bench/suites/schedules.ts measured a claim at
 * 10-40 ns uncontended and up to ~170 ns on dynamic's shared counter with 4 workers, so 64
 * claims cost microseconds, while the last chunk a worker finishes — the balance a run can
 * miss by — is 1/64 of its share. On items of ~200 ns with 90% of the cost in one tenth of
 * the space, 2 workers: imbalance 1.002 (dynamic and stealing) at n / 64w against 1.028
 * (dynamic) at n / 16w, with no loss of wall time. */
export function defaultChunk(schedule: Schedule, n: number, workers: number): number {
  if (schedule === 'static') return Math.max(1, Math.ceil(n / workers));
  return Math.max(1, Math.ceil(n / (workers * 64)));
}

export async function parallelFor(
  context: RunContext,
  call: KernelCall,
  options: ValidatedRunOptions,
): Promise<RunStats> {
  const { control, doorbell, arena } = context;
  const { layout } = control;
  const { schedule, signal, workers } = options;
  const n = call.n;
  const chunk = options.chunk ?? defaultChunk(schedule, n, workers);
  if (signal?.aborted) throw new AbortError(signal.reason);

  const traceCapacity = options.trace ? Math.min(maxChunks(schedule, n, chunk, workers), MAX_TRACE_RECORDS) : 0;
  const traceOffset = options.trace ? arena.alloc(Math.max(1, traceCapacity) * layout.TRACE_RECORD_BYTES) : 0;

  writeArguments(control.memory, layout, encode(control, call));
  control.store(layout.JOB_KERNEL, call.kernel.slot);
  control.store(layout.JOB_N, n);
  control.store(layout.JOB_LO, call.lo ?? 0);
  control.store(layout.ERROR_RANK, 0);
  control.store(layout.JOB_SCHEDULE, scheduleId(control, schedule));
  control.store(layout.JOB_CHUNK, chunk);
  control.store(layout.JOB_WORKERS, workers);
  control.store(layout.JOB_TRACE_PTR, traceOffset);
  control.store(layout.JOB_TRACE_CAPACITY, traceCapacity);
  control.store(layout.TRACE_COUNT, 0);
  prepareSchedule(control, schedule, n, workers);
  control.store(layout.ABORT, 0);
  // A worker zeroes its counters when it starts the job; until then its slot still holds the
  // last run's items, which progress reports would show (and then see fall back to 0).
  for (let rank = 0; rank < workers; rank++) control.store(control.telemetrySlot(rank) + layout.T_ITEMS, 0);

  const abort = (): void => control.store(layout.ABORT, 1);
  signal?.addEventListener('abort', abort);
  const progress =
    options.onProgress && reportProgress(control, workers, n, options.progressMs ?? PROGRESS_MS, options.onProgress);
  const start = performance.now();
  try {
    await doorbell.ring(context.poolSize);
  } finally {
    signal?.removeEventListener('abort', abort);
    if (progress) clearInterval(progress.timer);
  }
  if (progress?.error) throw progress.error.thrown; // the caller's callback threw: its error, after the run
  options.onProgress?.(n, n, itemsByRank(control, workers));
  const wallMs = performance.now() - start;
  if (control.load(layout.ERROR_RANK) !== 0) throw kernelError(control, call.kernel.name);
  if (signal?.aborted) throw new AbortError(signal.reason);

  const stats = collectStats(control, { schedule, chunk, workers, n, wallMs });
  return options.trace ? { ...stats, ...readTrace(control, arena, traceOffset, traceCapacity, start) } : stats;
}

/** Runs a whole call of one of parwasm's own kernels on the calling thread, blocking it: for
 * work smaller than the ~30 µs it takes to wake the workers and hear back from them. */
export function runOnCaller(context: RunContext, call: KernelCall, options: ValidatedRunOptions): RunStats {
  const args = encode(context.control, call);
  const start = performance.now();
  context.builtins.runOnCaller(call.kernel, call.lo ?? 0, (call.lo ?? 0) + call.n, args);
  const wallMs = performance.now() - start;
  options.onProgress?.(call.n, call.n, [call.n]);
  const caller = { rank: 0, busyMs: wallMs, chunks: call.n > 0 ? 1 : 0, items: call.n, stealAttempts: 0, steals: 0 };
  return {
    schedule: 'static',
    chunk: Math.max(1, call.n),
    workers: 1,
    n: call.n,
    wallMs,
    imbalance: 1,
    efficiency: 1,
    perWorker: [caller],
    onCaller: true,
  };
}

/** The call's arguments checked against its kernel's signature, ready for the descriptor. */
function encode(control: ControlBlock, call: KernelCall): ArgumentSlot[] {
  const { kernel } = call;
  return encodeArguments(call.args, 'options.args', kernel.args, kernel.library, control.layout.ARG_SLOTS);
}

/** The failure a worker recorded in the control block. */
function kernelError(control: ControlBlock, name: string): KernelError {
  const { layout } = control;
  const length = control.load(layout.ERROR_TEXT_LENGTH);
  const text = new TextDecoder().decode(new Uint8Array(control.memory.buffer, layout.ERROR_TEXT, length).slice());
  return new KernelError(name, control.load(layout.ERROR_LO), control.load(layout.ERROR_HI), text);
}

/** Calls `onProgress` every `intervalMs` with the items the workers have done. If it throws,
 * it is not called again and its error is kept for the run to rethrow: an exception escaping
 * a timer would end the process. */
function reportProgress(
  control: ControlBlock,
  workers: number,
  n: number,
  intervalMs: number,
  onProgress: ProgressCallback,
) {
  const progress: { timer: ReturnType<typeof setInterval>; error?: { thrown: unknown } } = {
    timer: setInterval(() => {
      const perWorker = itemsByRank(control, workers);
      try {
        onProgress(
          perWorker.reduce((sum, items) => sum + items, 0),
          n,
          perWorker,
        );
      } catch (thrown) {
        progress.error = { thrown };
        clearInterval(progress.timer);
      }
    }, intervalMs),
  };
  return progress;
}

/** The items each of the first `workers` workers has done so far in this run, by rank: its
 * telemetry slot's counter, which it adds each chunk to as the chunk ends. */
function itemsByRank(control: ControlBlock, workers: number): number[] {
  return Array.from({ length: workers }, (_, rank) =>
    control.load(control.telemetrySlot(rank) + control.layout.T_ITEMS),
  );
}
