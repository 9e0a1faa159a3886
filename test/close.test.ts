import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createPool, PoolClosedError } from 'parwasm';
import { markRun } from 'parwasm/internal';

const distIndex = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** Runs an ES module in a child Node process and reports how it ended. */
function runChild(source: string) {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', source], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return {
    status: child.status,
    signal: child.signal,
    stdout: child.stdout,
    stderr: child.stderr,
    ms: performance.now() - started,
  };
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
    expect((await running).counts.every((count) => count === 1)).toBe(true);
    for (const call of queued) expect(await call).toBeInstanceOf(PoolClosedError);
    await closing;
  });

  it('lets the process exit on its own within seconds', () => {
    const child = runChild(`
      import { createPool } from ${JSON.stringify(distIndex)};
      const pool = await createPool({ workers: 3 });
      console.log((await pool.hello()).length);
      await pool.close();`);
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe('3');
    expect(child.ms).toBeLessThan(5000);
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
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe('2');
    expect(child.ms).toBeLessThan(5000);
  });
});
