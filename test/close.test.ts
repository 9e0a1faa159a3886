import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createPool, PoolClosedError } from 'parwasm';
import { markRun } from 'parwasm/internal';
import { settlesWithin } from './helpers.js';

const distIndex = fileURLToPath(new URL('../dist/index.js', import.meta.url));

// A child that has not exited by then is killed: it was kept alive by a dangling handle.
const EXIT_DEADLINE_MS = 20_000;
const STEP_MS = 10_000;

/** Runs an ES module in a child Node process and reports how it ended: `signal` is SIGTERM
 * when it had not exited on its own within EXIT_DEADLINE_MS. */
function runChild(source: string) {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', source], {
    encoding: 'utf8',
    timeout: EXIT_DEADLINE_MS,
  });
  return { status: child.status, signal: child.signal, stdout: child.stdout, stderr: child.stderr };
}

describe('close', () => {
  it('makes every later call reject with PoolClosedError', async () => {
    const pool = await createPool({ workers: 2 });
    await pool.close();
    await expect(pool.hello()).rejects.toBeInstanceOf(PoolClosedError);
    await expect(pool.close()).resolves.toBeUndefined();
  });

  it('rejects queued calls with PoolClosedError and lets the running one settle', async () => {
    const pool = await createPool({ workers: 2 });
    const running = markRun(pool, 200_000);
    const queued = [pool.hello(), markRun(pool, 10)].map((call) => call.catch((error: unknown) => error));
    const closing = pool.close();
    expect((await settlesWithin(running, STEP_MS, 'the running call')).counts.every((count) => count === 1)).toBe(true);
    for (const call of queued)
      expect(await settlesWithin(call, STEP_MS, 'a queued call')).toBeInstanceOf(PoolClosedError);
    await settlesWithin(closing, STEP_MS, 'close()');
  });

  it('lets the process exit on its own', () => {
    const child = runChild(`
      import { createPool } from ${JSON.stringify(distIndex)};
      const pool = await createPool({ workers: 3 });
      console.log((await pool.hello()).length);
      await pool.close();`);
    expect(child.signal, 'the child did not exit on its own').toBe(null);
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe('3');
  });

  it('ends an `await using` scope by closing the pool', async () => {
    let escaped: Awaited<ReturnType<typeof createPool>> | undefined;
    {
      await using pool = await createPool({ workers: 2 });
      escaped = pool;
    }
    await expect(escaped.hello()).rejects.toBeInstanceOf(PoolClosedError);
  });

  it('does not keep the process alive when the pool is left open and idle', () => {
    const child = runChild(`
      import { createPool } from ${JSON.stringify(distIndex)};
      const pool = await createPool({ workers: 2 });
      console.log((await pool.hello()).length);`);
    expect(child.signal, 'the child did not exit on its own').toBe(null);
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe('2');
  });
});
