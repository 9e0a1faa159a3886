import { describe, expect, it } from 'vitest';
import { createPool } from 'parwasm';
import { markRun } from 'parwasm/internal';

describe('one operation at a time', () => {
  it('gives fifty concurrent callers correct results', async () => {
    await using pool = await createPool({ workers: 3 });
    const calls = Array.from({ length: 50 }, (_, i) => {
      if (i % 5 === 0) return pool.hello().then((replies) => replies.map((reply) => reply.rank).join());
      const n = 1 + ((i * 7919) % 5000);
      return markRun(pool, n, { schedule: i % 2 ? 'dynamic' : 'stealing', chunk: 1 + (i % 13) }).then(
        ({ counts }) => counts.length === n && counts.every((count) => count === 1),
      );
    });
    const results = await Promise.all(calls);
    results.forEach((result, i) => expect(result).toBe(i % 5 === 0 ? '0,1,2' : true));
  });

  it('runs queued calls in the order they were made', async () => {
    await using pool = await createPool({ workers: 2 });
    const finished: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => markRun(pool, 1000 * (10 - i)).then(() => finished.push(i))),
    );
    expect(finished).toEqual([...Array(10).keys()]);
  });
});
