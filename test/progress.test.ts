import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from 'parwasm';
import { spinRun } from 'parwasm/internal';

let pool: Pool;
beforeAll(async () => {
  pool = await createPool({ workers: 2 });
});
afterAll(() => pool.close());

describe('onProgress', () => {
  it('reports the items done, rising, ending at the total', async () => {
    const reports: [number, number][] = [];
    const cost = new Uint32Array(400).fill(1_000_000); // ~0.2-0.4 s on 2 workers
    await spinRun(pool, cost, { onProgress: (done: number, total: number) => reports.push([done, total]) });
    expect(reports.length).toBeGreaterThan(1);
    expect(reports.at(-1)).toEqual([400, 400]);
    for (let i = 1; i < reports.length; i++) expect(reports[i]![0]).toBeGreaterThanOrEqual(reports[i - 1]![0]);
    expect(reports.every(([, total]) => total === 400)).toBe(true);
    expect(reports.slice(0, -1).some(([done]) => done > 0 && done < 400)).toBe(true);
  });

  it('rethrows an error of the callback after the run, and the pool stays usable', async () => {
    const cost = new Uint32Array(300).fill(1_000_000);
    const failing = () => {
      throw new Error('callback failed');
    };
    await expect(spinRun(pool, cost, { onProgress: failing })).rejects.toThrow('callback failed');
    expect(
      (await pool.mandelbrot({ width: 8, height: 8, xmin: -2, xmax: 1, ymin: -1, ymax: 1, maxIter: 5 })).data,
    ).toHaveLength(64);
  });

  it('must be a function', async () => {
    await expect(
      pool.mandelbrot({
        width: 8,
        height: 8,
        xmin: -2,
        xmax: 1,
        ymin: -1,
        ymax: 1,
        maxIter: 5,
        onProgress: 3 as never,
      }),
    ).rejects.toThrow('options.onProgress must be a function (got 3)');
  });
});
