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

  it("reports each worker's items, by rank, summing to the items done", async () => {
    const reports: { done: number; perWorker: number[] }[] = [];
    const cost = new Uint32Array(400).fill(1_000_000);
    const { stats } = await spinRun(pool, cost, {
      schedule: 'static',
      progressMs: 10,
      onProgress: (done: number, _total: number, perWorker: readonly number[]) =>
        reports.push({ done, perWorker: [...perWorker] }),
    });
    // ~0.2 s or more of work reported every 10 ms: many reports, whatever the machine's load.
    expect(reports.length).toBeGreaterThan(5);
    for (const { done, perWorker } of reports) {
      expect(perWorker).toHaveLength(2);
      expect(perWorker[0]! + perWorker[1]!).toBe(done);
      // static: rank 0 owns [0, 200), rank 1 [200, 400)
      expect(perWorker.every((items) => items >= 0 && items <= 200)).toBe(true);
    }
    for (let i = 1; i < reports.length; i++)
      for (const rank of [0, 1])
        expect(reports[i]!.perWorker[rank]).toBeGreaterThanOrEqual(reports[i - 1]!.perWorker[rank]!);
    expect(reports.at(-1)!.perWorker).toEqual([200, 200]);
    expect(reports.at(-1)!.perWorker).toEqual(stats.perWorker.map((worker) => worker.items));
  });

  it('reports only the workers the run uses', async () => {
    const lengths = new Set<number>();
    await spinRun(pool, new Uint32Array(50).fill(1_000_000), {
      workers: 1,
      progressMs: 5,
      onProgress: (_done: number, _total: number, perWorker: readonly number[]) => lengths.add(perWorker.length),
    });
    expect([...lengths]).toEqual([1]);
  });

  it("matmul reports each worker's tiles over all of its panels", async () => {
    // k = 2048 puts one 256-column tile column in each 4 MiB panel of B: n = 600 makes 3 panels.
    const [m, k, n] = [128, 2048, 600];
    const matrix = (rows: number, cols: number) => ({
      rows,
      cols,
      data: Float64Array.from({ length: rows * cols }, (_, i) => (i % 7) - 3),
    });
    const reports: { done: number; total: number; perWorker: number[] }[] = [];
    const { stats } = await pool.matmul(matrix(m, k), matrix(k, n), {
      progressMs: 1,
      onProgress: (done, total, perWorker) => reports.push({ done, total, perWorker: [...perWorker] }),
    });
    for (const { done, perWorker } of reports) expect(perWorker.reduce((sum, items) => sum + items, 0)).toBe(done);
    const last = reports.at(-1)!;
    expect(last.done).toBe(6); // 2 row tiles × 3 column tiles
    expect(last.done).toBe(last.total);
    expect(last.perWorker).toEqual(stats.perWorker.map((worker) => worker.items));
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

  it('takes its interval in whole milliseconds from 1 to 60000', async () => {
    const view = { width: 8, height: 8, xmin: -2, xmax: 1, ymin: -1, ymax: 1, maxIter: 5 };
    await expect(pool.mandelbrot({ ...view, progressMs: 0 })).rejects.toThrow(RangeError);
    await expect(pool.mandelbrot({ ...view, progressMs: '16' as never })).rejects.toThrow(
      'options.progressMs must be an integer from 1 to 60000 (got "16")',
    );
  });
});
