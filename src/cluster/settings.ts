// How fast a lost job is redone. A node renews the lock of the job it computes every
// LOCK_DURATION_MS / 2 (from its main thread, which the computation never blocks: that runs
// on the pool's worker threads). When a node dies, its lock expires 2-4 s later; each live
// node checks for stalled jobs every STALLED_INTERVAL_MS and puts a job whose lock has
// expired back in its queue, where the next free node takes it. So a lost job starts again
// 2-6 s after its node died. BullMQ's defaults (30 s each) would make that a minute.
export const LOCK_DURATION_MS = 4000;
export const STALLED_INTERVAL_MS = 2000;
/** A job whose node died this many times fails the operation instead of running again. */
export const MAX_STALLED_COUNT = 5;
