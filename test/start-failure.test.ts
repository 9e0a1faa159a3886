import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodePlatform, startPool } from 'parwasm/internal';

describe('a worker that fails while starting', () => {
  it('makes createPool reject, without a respawn loop', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'parwasm-')), 'starts.log');
    process.env.PARWASM_START_LOG = log;
    const entry = new URL('./fixtures/failing-worker.mjs', import.meta.url);
    const error = await startPool({ workers: 3 }, { ...nodePlatform, workerEntry: entry }).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({ name: 'WorkerCrashError', exitCode: 1 });
    expect((error as Error).message).toMatch(/failed to start: worker \d cannot start/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The first failure stops the others, so some may never have begun; none began twice.
    const starts = readFileSync(log, 'utf8').trim().split('\n');
    expect(starts.length).toBeGreaterThanOrEqual(1);
    expect(new Set(starts).size).toBe(starts.length);
    expect(starts.every((rank) => ['0', '1', '2'].includes(rank))).toBe(true);
  });
});
