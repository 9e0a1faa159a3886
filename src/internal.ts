// Internals for parwasm's own tests and benchmarks: not part of the public API, not listed
// in package.json "exports", and free to change.
export { startPool } from './pool/pool.js';
export { nodePlatform } from './platform/node.js';
export type { Platform } from './platform/platform.js';
export type { Turn } from './engine/executor.js';
export { parallelFor, validateRunOptionsBag, defaultChunk } from './schedule/parallel-for.js';
export type { KernelCall } from './schedule/parallel-for.js';
export { staticBlock } from './schedule/schedules.js';
export { SharedArena } from './memory/arena.js';
export { markRun, spinRun, faultRun } from './ops/synthetic.js';

import type { Turn } from './engine/executor.js';
import type { Pool } from './pool/pool.js';

/** Runs `task` with the pool to itself, queued behind every earlier call. */
export function withTurn<T>(pool: Pool, task: (turn: Turn) => Promise<T>, signal?: AbortSignal): Promise<T> {
  return pool.enqueue(task, signal);
}

/** Terminates worker `rank` from outside, as an out-of-memory kill would. */
export async function terminateWorker(pool: Pool, rank: number): Promise<void> {
  const worker = pool.workerThread(rank);
  if (!worker) throw new Error(`worker ${rank} is not running`);
  await worker.terminate();
}
