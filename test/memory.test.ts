import { describe, expect, it } from 'vitest';
import { createPool } from 'parwasm';
import { markRun } from 'parwasm/internal';

describe('the shared memory', () => {
  it('grows for an operation and every view sees the grown memory', async () => {
    await using pool = await createPool({ workers: 2, maxMemory: 64 << 20 });
    const n = 3_000_000; // 24 MB of counts and owners: far above the initial 256 KiB
    const { counts, owners } = await markRun(pool, n, { schedule: 'stealing' });
    expect(counts.every((count) => count === 1)).toBe(true);
    // Every owner is one of the 2 workers, also at the far end of the grown memory.
    expect(owners.every((owner) => owner === 0 || owner === 1)).toBe(true);
  });

  it('refuses an operation that would pass maxMemory with a RangeError, and stays usable', async () => {
    await using pool = await createPool({ workers: 2, maxMemory: 1 << 20 });
    const error = await markRun(pool, 1_000_000).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RangeError);
    expect(error).toMatchObject({ name: 'ValidationError' });
    const { counts } = await markRun(pool, 1000);
    expect(counts.every((count) => count === 1)).toBe(true);
  });
});
