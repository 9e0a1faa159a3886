// parwasm/browser: the same pool in a web page, on Web Workers. The page must be cross-origin
// isolated (docs/browser.md). Everything of parwasm's public API that runs in a browser.
import { browserPlatform } from './platform/browser.js';
import type { PoolOptions } from './pool/options.js';
import { startPool, type Pool } from './pool/pool.js';

/** Starts a pool of Web Workers that share one WebAssembly.Memory. Resolves once every
 * worker has instantiated the kernels on it; rejects with an Error naming the headers to set
 * when the page is not cross-origin isolated. */
export function createPool(options?: PoolOptions): Promise<Pool> {
  return startPool(options, browserPlatform);
}

export type { Pool } from './pool/pool.js';
export type { Executor } from './engine/executor.js';
export { matmul } from './ops/matmul.js';
export { mandelbrot } from './ops/mandelbrot.js';
export { wordCount } from './ops/wordcount.js';
export type { PoolOptions } from './pool/options.js';
export type { HelloReply } from './ops/hello.js';
export type { MandelbrotOptions, MandelbrotResult, MandelbrotView } from './ops/mandelbrot.js';
export type { Matrix, MatmulOptions, MatmulResult } from './ops/matmul.js';
export type { WordCountInput, WordCountOptions, WordCountResult } from './ops/wordcount.js';
export type { ProgressCallback, RunOptions } from './schedule/parallel-for.js';
export type { RunStats, WorkerStats, ChunkRecord } from './schedule/telemetry.js';
export { SCHEDULES } from './schedule/schedules.js';
export type { Schedule } from './schedule/schedules.js';
export type {
  Kernel,
  KernelArray,
  KernelArrayConstructor,
  KernelLibrary,
  KernelOptions,
  LibrarySource,
  LoadOptions,
  ParallelForOptions,
  ParallelForResult,
} from './engine/types.js';
export type { WasmMemory, WasmModule } from './wasm-types.js';
export {
  AbortError,
  FileReadError,
  KernelError,
  PoolClosedError,
  ValidationError,
  WorkerCrashError,
} from './errors.js';
