// Per-instance state. Globals are private to each worker's instance (only the memory is
// shared), which makes them the right home for "who am I".
import { MAX_WORKERS, TELEMETRY, LINE, T_THREAD_ID } from "./layout";

export let rank: i32 = 0;
export let threadId: i32 = 0;

export function setWorker(workerRank: i32, workerThreadId: i32): void {
  if (workerRank < 0 || workerRank >= MAX_WORKERS) unreachable();
  rank = workerRank;
  threadId = workerThreadId;
  store<i32>(telemetrySlot() + T_THREAD_ID, workerThreadId);
}

// @ts-ignore: decorator
@inline export function telemetrySlot(): usize {
  return <usize>(TELEMETRY + rank * LINE);
}
