import { threadId } from 'node:worker_threads';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createPool } from 'parwasm';

describe('hello', () => {
  it.each([1, 2, 3, 8])('answers once from every rank of %i workers', async (workers) => {
    await using pool = await createPool({ workers });
    expect(pool.size).toBe(workers);
    const replies = await pool.hello();
    expect(replies.map((reply) => reply.rank)).toEqual([...Array(workers).keys()]);
    for (const reply of replies) {
      expect(reply.size).toBe(workers);
      expect(reply.hostname).toBe(hostname());
      expect(reply.threadId).not.toBe(threadId);
    }
    expect(new Set(replies.map((reply) => reply.threadId)).size).toBe(workers);
  });

  it('defaults to one worker per available core', async () => {
    const { availableParallelism } = await import('node:os');
    await using pool = await createPool();
    expect(pool.size).toBe(availableParallelism());
  });
});
