import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPool, SCHEDULES, ValidationError, type Pool } from 'parwasm';
import {
  matmulReference,
  poolIndex,
  poolsOfSizes,
  randomMatrix as random,
  relativeFrobeniusError,
  type Dtype,
} from './helpers.js';

const pools = poolsOfSizes([1, 2, 3, 5]);

const TOLERANCE: Record<Dtype, number> = { f64: 1e-12, f32: 1e-5 };

// Block sizes of assembly/kernels/matmul.ts: MR 4, NR 4 (f64) or 8 (f32), KC 256, MC 64, NC
// 256; the thin-path threshold 16, its column blocks of 512 and its dot product for n = 1.
const SHAPES: [number, number, number][] = [
  [0, 5, 7],
  [5, 0, 7],
  [5, 7, 0],
  [0, 0, 0],
  [1, 1, 1],
  [1, 300, 200],
  [200, 300, 1],
  [97, 89, 101],
  [4096, 3, 5],
  [3, 4096, 5],
  [15, 16, 17],
  [16, 16, 16],
  [17, 15, 16],
  [63, 255, 255],
  [65, 257, 257],
  [64, 256, 256],
  [3, 5, 7],
  [4, 4, 8],
  [129, 513, 259],
  [17, 40, 33],
  [1, 300, 1100],
  [2, 7, 1025],
  [33, 301, 1],
  [40, 1, 1],
];

async function expectProduct(
  pool: Pool,
  [m, k, n]: [number, number, number],
  dtype: Dtype,
  options: Record<string, unknown>,
  seed: number,
) {
  const a = random(m, k, dtype, seed);
  const b = random(k, n, dtype, seed + 1);
  const c = await pool.matmul(a, b, options);
  expect(c.rows).toBe(m);
  expect(c.cols).toBe(n);
  expect(c.data.constructor).toBe(a.data.constructor);
  expect(c.data).toHaveLength(m * n);
  const error = relativeFrobeniusError(c.data, matmulReference(a, b));
  if (!(error <= TOLERANCE[dtype])) expect.fail(`${m}×${k} by ${k}×${n} ${dtype}: relative error ${error}`);
}

describe('matmul', () => {
  it.each(SHAPES)('multiplies %i×%i by its %i-column partner in f64 and f32, on every schedule', async (m, k, n) => {
    for (const dtype of ['f64', 'f32'] as const) {
      for (const schedule of SCHEDULES)
        await expectProduct(pools[2]!, [m, k, n], dtype, { schedule }, m * 31 + k * 7 + n);
    }
  });

  it('agrees with the reference on random shapes, schedules, chunks and worker counts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(fc.integer({ min: 0, max: 160 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 160 })),
        fc.constantFrom<Dtype>('f64', 'f32'),
        fc.constantFrom(...SCHEDULES),
        poolIndex(pools),
        fc.integer({ min: 1, max: 5 }),
        fc.nat(),
        async (shape, dtype, schedule, poolIndex, chunk, seed) => {
          await expectProduct(pools[poolIndex]!, shape, dtype, { schedule, chunk }, seed);
        },
      ),
      { numRuns: 80 },
    );
  });

  // B is packed one column panel at a time, as many tile columns (NC = 256) as fit 4 MiB:
  // at k = 4200 one tile column is 8.2 MiB in f64 (4.1 in f32), so 600 columns take three
  // panels, the last one narrower.
  it('multiplies across several panels of B, with the telemetry of one run over all tiles', async () => {
    for (const dtype of ['f64', 'f32'] as const) {
      await expectProduct(pools[1]!, [21, 4200, 600], dtype, { schedule: 'stealing' }, 5);
      const a = random(70, 4200, dtype, 1);
      const b = random(4200, 600, dtype, 2);
      const progress: number[][] = [];
      const { stats, packStats } = await pools[1]!.matmul(a, b, {
        trace: true,
        onProgress: (done: number, total: number) => progress.push([done, total]),
      });
      const tiles = 2 * 3; // 2 tile rows (MC = 64) × 3 tile columns
      expect(stats.n).toBe(tiles);
      expect(stats.trace!.map(({ lo, hi }) => [lo, hi]).sort((x, y) => x[0]! - y[0]!)).toEqual(
        Array.from({ length: tiles }, (_, tile) => [tile, tile + 1]),
      );
      expect(progress.at(-1)).toEqual([tiles, tiles]);
      expect(progress.every(([done], i) => i === 0 || done! >= progress[i - 1]![0]!)).toBe(true);
      expect(packStats!.n).toBe(600 / (dtype === 'f64' ? 4 : 8)); // slivers of NR columns
    }
  });

  it.each([
    [150, 300, 170],
    [1, 300, 1100],
    [300, 201, 7],
  ])('gives the same bits whatever the schedule and worker count: %i×%i by %i columns', async (m, k, n) => {
    const a = random(m, k, 'f64', 7);
    const b = random(k, n, 'f64', 8);
    const first = await pools[0]!.matmul(a, b, { schedule: 'static', trace: true }); // trace: on the workers
    for (const pool of pools) {
      for (const schedule of SCHEDULES) expect((await pool.matmul(a, b, { schedule })).data).toEqual(first.data);
    }
  });

  // A memory-bound product of up to 12 MiB (A, B and C) streams its large input as fast on
  // one core as on two, without the workers' wake-up: it runs on the calling thread.
  it.each([
    [1, 1024, 1024, true],
    [1024, 1024, 1, true],
    [1, 1300, 1300, false], // 13.5 MB
    [1300, 1300, 1, false],
  ])('runs a thin %i×%i by %i-column product of up to 12 MiB on the calling thread', async (m, k, n, onCaller) => {
    const a = random(m, k, 'f64', 11);
    const b = random(k, n, 'f64', 12);
    const { data, stats } = await pools[1]!.matmul(a, b);
    expect(stats.onCaller === true).toBe(onCaller);
    expect(relativeFrobeniusError(data, matmulReference(a, b))).toBeLessThan(1e-12);
  });

  const a = random(3, 4, 'f64', 1);
  const b = random(4, 2, 'f64', 2);
  it.each([
    [null, b, {}, TypeError, 'a must be a matrix'],
    [{ ...a, rows: -1 }, b, {}, RangeError, 'a.rows'],
    [{ ...a, cols: 1.5 }, b, {}, RangeError, 'a.cols'],
    [{ ...a, data: [1, 2] }, b, {}, TypeError, 'a.data must be a Float64Array or a Float32Array'],
    [{ ...a, data: new Float64Array(5) }, b, {}, RangeError, 'a.data must be of length a.rows × a.cols = 12'],
    [a, random(5, 2, 'f64', 3), {}, RangeError, 'b.rows must be equal to a.cols (4) (got 5)'],
    [a, random(4, 2, 'f32', 3), {}, TypeError, 'b.data must be of the same type as a.data (Float64Array)'],
    [a, b, { schedule: 'fast' }, RangeError, 'options.schedule'],
    [a, b, { chunk: -2 }, RangeError, 'options.chunk'],
    [a, b, { colour: 1 }, TypeError, 'options.colour'],
    [{ rows: 30000, cols: 30000, data: new Float64Array(0) }, b, {}, RangeError, 'a.data'],
  ])('refuses bad input before any work: %#', async (left, right, options, kind, message) => {
    const error = await pools[1]!
      .matmul(left as never, right as never, options as never)
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(kind);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain(message);
    expect(relativeFrobeniusError((await pools[1]!.matmul(a, b)).data, matmulReference(a, b))).toBeLessThan(1e-12);
  });

  it('refuses a product larger than maxMemory with a RangeError', async () => {
    await using small = await createPool({ workers: 1, maxMemory: 8 << 20 });
    const big = random(1024, 1024, 'f64', 1); // 8 MiB alone
    await expect(small.matmul(big, big)).rejects.toThrow(/maxMemory/);
    expect(relativeFrobeniusError((await small.matmul(a, b)).data, matmulReference(a, b))).toBeLessThan(1e-12);
  });

  // Ordinary A and C pass through the pool's memory in blocks of rows: a pool needs room for
  // B, one block of each and the packing buffers, not for whole copies of A and C.
  it('multiplies ordinary matrices larger than maxMemory when their blocks fit', async () => {
    await using small = await createPool({ workers: 2, maxMemory: 8 << 20 });
    const tall = random(4096, 128, 'f64', 3); // A 4 MiB, C 8 MiB, B 256 KiB: 12.25 MiB in all
    const wide = random(128, 256, 'f64', 4);
    const { data } = await small.matmul(tall, wide);
    expect(relativeFrobeniusError(data, matmulReference(tall, wide))).toBeLessThan(1e-12);
  });
});
