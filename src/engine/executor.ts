// The Executor: what runs a kernel over an index range with a schedule, allocates the
// regions its data lives in, and reports telemetry. The local pool is one (worker threads on
// one shared memory); a cluster of machines will be another. Operations (src/ops/) are free
// functions over an Executor: they never know which one runs them.
import type { Layout } from '../memory/layout.js';
import type { BuiltinConstants } from '../ops/builtin-constants.js';
import type { RunContext } from '../schedule/parallel-for.js';
import type {
  Kernel,
  KernelLibrary,
  LibrarySource,
  LoadOptions,
  ParallelForOptions,
  ParallelForResult,
} from './types.js';

/** What an operation holding its turn may use: the executor's memory and workers, all to itself.
 * `parallelFor(context, { kernel, lo, n, ... })` runs a kernel over [lo, lo + n) in it. */
export interface Turn extends RunContext {
  readonly workers: readonly { readonly rank: number; readonly hostname: string }[];
}

export interface Executor {
  /** Workers that compute chunks. */
  readonly size: number;
  /** Loads a library of kernels on every worker. */
  load(source: LibrarySource, options?: LoadOptions): Promise<KernelLibrary>;
  /** Runs a library kernel over [0, n) with a schedule. */
  parallelFor(n: number, kernel: Kernel, options?: ParallelForOptions): Promise<ParallelForResult>;
  /** @internal What parwasm's own operations are sized and checked against. */
  readonly limits: OperationLimits;
  /** @internal Queues `task` to run with the executor to itself, after every earlier call. */
  enqueue<T>(task: (turn: Turn) => Promise<T>, signal?: AbortSignal): Promise<T>;
}

/** What an operation validates its input against, before any work. */
export interface OperationLimits {
  /** Workers of the executor. */
  readonly poolSize: number;
  /** Bytes an operation may allocate in all. */
  readonly capacity: number;
  /** The runtime's layout (control block, trace records). */
  readonly layout: Layout;
  /** The constants parwasm's own kernels decide (block and entry sizes). */
  readonly builtins: BuiltinConstants;
  /** Where an array the caller passed lives: its byte offset when it is a live array of the
   * executor's memory (`pool.alloc`), undefined for an ordinary array that must be copied;
   * a ValidationError naming `path` for a freed array or one of another memory of parwasm's. */
  locate(array: ArrayBufferView, path: string): number | undefined;
}

/** Validates synchronously (so bad input is refused before anything is queued), then queues
 * the operation on the executor. */
export function operation<V extends { run: { signal: AbortSignal | undefined } }, R>(
  executor: Executor,
  validate: (limits: OperationLimits) => V,
  run: (turn: Turn, validated: V) => Promise<R>,
): Promise<R> {
  let validated: V;
  try {
    validated = validate(executor.limits);
  } catch (error) {
    return Promise.reject(error);
  }
  return executor.enqueue((turn) => run(turn, validated), validated.run.signal);
}
