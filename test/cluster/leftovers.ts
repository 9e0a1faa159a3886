// What an operation may leave in Redis when it ends: nothing of its own. A queue keeps its
// BullMQ bookkeeping — its events stream, meta, id counter, marker, the stalled-check lock and
// the set of jobs to check for stalls (which the next check clears) — but no job, and no
// list of waiting or active jobs.
import { expect } from 'vitest';
import type { TestRedis } from './harness.js';

const QUEUE_BOOKKEEPING = /^parwasm:q:[^:]+:(events|meta|id|marker|stalled-check|stalled)$/;

export async function expectNothingLeft(redis: TestRedis): Promise<void> {
  expect(await redis.keys('parwasm:op:*')).toEqual([]);
  expect((await redis.keys('parwasm:q:*')).filter((key) => !QUEUE_BOOKKEEPING.test(key))).toEqual([]);
}
