// The public API of parwasm: an explicit list, nothing exported by accident. Pictures and
// charts live in 'parwasm/report', so that computing never loads the chart libraries.
export { createPool } from './pool/create-pool.js';
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
export { studyMandelbrot } from './report/study.js';
export type { MandelbrotStudy, StudyOptions, StudyView } from './report/study.js';
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
