// The layout of the control block: the first CONTROL_BYTES of the shared memory, reserved
// below --memoryBase so that no data segment of this module is ever placed there. It is the
// one place where the host (TypeScript) and the kernels agree on addresses: the host reads
// these exported constants from the module instead of keeping a copy of them. Together with
// the kernel adapters the host generates (src/engine/adapter.ts), it is the runtime's ABI.

// Bumped whenever a field below moves or changes meaning; the host refuses another version.
export const ABI_VERSION: i32 = 2;
//
// Every field that one thread writes while others read sits on a 64-byte line of its own,
// so workers do not slow each other down through false sharing.

export const CONTROL_BYTES: i32 = 131072;
export const LINE: i32 = 64;
export const MAX_WORKERS: i32 = 512;

// Doorbell: the pool bumps JOB_SEQ and notifies; workers park on it with Atomics.wait.
export const JOB_SEQ: i32 = 0;
export const COMMAND: i32 = 4; // COMMAND_RUN, COMMAND_STOP or COMMAND_MESSAGE
export const COMMAND_RUN: i32 = 0;
export const COMMAND_STOP: i32 = 1;
// Take one message from the pool's port (loading or unloading a library) instead of a job.
export const COMMAND_MESSAGE: i32 = 2;
// Completion: each worker decrements PENDING; the last one notifies the pool.
export const PENDING: i32 = 64;
// Cancellation: set by the pool, read by every worker between chunks.
export const ABORT: i32 = 128;

// Job descriptor: written by the pool before the doorbell, read-only during the job.
export const JOB_KERNEL: i32 = 192;
export const JOB_N: i32 = 196;
export const JOB_SCHEDULE: i32 = 200;
export const JOB_CHUNK: i32 = 204;
export const JOB_WORKERS: i32 = 208;
export const JOB_TRACE_PTR: i32 = 212;
export const JOB_TRACE_CAPACITY: i32 = 216;
// First index of the space: a job computes [JOB_LO, JOB_LO + JOB_N), so that a node of a
// cluster can be handed a sub-range. Schedules split [0, JOB_N); kernels see absolute indices.
export const JOB_LO: i32 = 220;
export const ARGS_I32: i32 = 256; // 16 x i32: byte offsets of regions, sizes, flags
export const ARGS_F64: i32 = 320; // 8 x f64: real-valued parameters
export const ARG_COUNT_I32: i32 = 16;
export const ARG_COUNT_F64: i32 = 8;

// Arguments of a kernel of a loaded library (a table kernel, below): ARG_SLOTS slots of 8
// bytes, slot j at ARGS + 8 j, each holding its argument as the kernel's own signature types
// it (i32, i64, f32 or f64, little-endian from the slot's first byte). The generated adapter
// of a wasm kernel loads them from here; a JavaScript kernel's worker decodes them with the
// tag of each slot (one byte per slot at ARG_TAGS, see src/engine/arguments.ts).
export const ARGS: i32 = 512;
export const ARG_SLOTS: i32 = 32;
export const ARG_SLOT_BYTES: i32 = 8;
export const ARG_TAGS: i32 = 768;

// Shared claim counters of `dynamic` and `guided`: the next unclaimed index (i64, so that
// overshooting a large n by workers * chunk cannot wrap around).
export const NEXT_INDEX: i32 = 384;
// Number of trace records claimed so far.
export const TRACE_COUNT: i32 = 448;

// `stealing`: one packed range per worker, lo in the low 32 bits and hi in the high 32 bits,
// so a thief can shrink another worker's range with a single 64-bit compare-exchange.
export const STEAL_RANGES: i32 = 1024;

// Telemetry: one slot per worker, written only by that worker.
export const TELEMETRY: i32 = STEAL_RANGES + MAX_WORKERS * LINE;
export const T_BUSY_MS: i32 = 0; // f64
export const T_CHUNKS: i32 = 8;
export const T_ITEMS: i32 = 12;
export const T_STEAL_ATTEMPTS: i32 = 16;
export const T_STEALS: i32 = 20;
export const T_THREAD_ID: i32 = 24;
// The JOB_SEQ of the last job this worker finished: after a crash the pool waits on it to
// know that every surviving worker has left the aborted job.
export const T_DONE_SEQ: i32 = 28;
// The generation of the worker that holds this rank, written by the pool (the one word of
// the slot it writes) before it starts a worker there. A worker that finds another
// generation after a wake was replaced and leaves: a browser's terminate() does not stop a
// thread parked in Atomics.wait.
export const T_GENERATION: i32 = 32;

// A kernel of a loaded library that trapped or threw: the first worker to fail stores its
// rank + 1 in ERROR_RANK (compare-exchange from 0), then the range it was computing and its
// error message (UTF-8, cut to ERROR_TEXT_BYTES), and raises ABORT so the others stop.
export const ERROR: i32 = TELEMETRY + MAX_WORKERS * LINE;
export const ERROR_RANK: i32 = ERROR;
export const ERROR_LO: i32 = ERROR + 4;
export const ERROR_HI: i32 = ERROR + 8;
export const ERROR_TEXT_LENGTH: i32 = ERROR + 12;
export const ERROR_TEXT: i32 = ERROR + LINE;
export const ERROR_TEXT_BYTES: i32 = 1024;

// Kernel ids from FIRST_TABLE_KERNEL up name a slot of each worker's function table, which
// holds that worker's adapter of a library kernel: `run(lo, hi)` (src/engine/adapter.ts).
// Ids below it are parwasm's own kernels, called directly (assembly/kernels/table.ts).
export const FIRST_TABLE_KERNEL: i32 = 64;

// One trace record per chunk: rank, lo, hi (i32), then t0 and t1 (f64, ms on the pool's clock).
export const TRACE_RECORD_BYTES: i32 = 32;

// Schedule ids, in the order of the schedule names in src/schedule/schedules.ts.
export const SCHEDULE_STATIC: i32 = 0;
export const SCHEDULE_CYCLIC: i32 = 1;
export const SCHEDULE_DYNAMIC: i32 = 2;
export const SCHEDULE_GUIDED: i32 = 3;
export const SCHEDULE_STEALING: i32 = 4;

// First byte above this module's static data: where the host's region allocator starts.
export const HEAP_BASE: usize = __heap_base;
