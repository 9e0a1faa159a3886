// Ordinary arrays pass through the shared memory in parts (issue 16's memory targets): a
// Mandelbrot image not written in place goes through in bands of rows, and matmul's A and C,
// where they are copied, in blocks of rows. The parts must be invisible in the result (the
// same integers and bits as the one-shot path, on awkward shapes) and in the telemetry (one
// run's worth), and visible only in how far the shared memory grew.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, SCHEDULES, type MandelbrotView, type Pool, type RunStats } from 'parwasm';
import { withTurn } from 'parwasm/internal';
import { mandelbrotJs } from '../src/baselines/mandelbrot.js';
import { matmulReference, relativeFrobeniusError } from '../src/baselines/matmul.js';

const MiB = 1 << 20;
const BAND_BYTES = 4 * MiB; // src/ops/mandelbrot.ts
const ROW_BLOCK_BYTES = 4 * MiB; // src/ops/matmul.ts
const MC = 64; // tile rows (assembly/kernels/matmul.ts)
const NC = 256; // tile columns

/** Bytes of the pool's shared memory now: it grows and never shrinks, so it shows the most
 * an operation held at once. */
const memoryBytes = (pool: Pool) => withTurn(pool, (turn) => Promise.resolve(turn.arena.memory.buffer.byteLength));

/** Every index of [0, n) computed exactly once, by the trace's records. */
function coveredOnce(stats: RunStats, n: number): boolean {
  const records = [...stats.trace!].sort((x, y) => x.lo - y.lo);
  return records.every((record, i) => record.lo === (i === 0 ? 0 : records[i - 1]!.hi)) && records.at(-1)?.hi === n;
}

describe('a Mandelbrot image not written in place', () => {
  const view = (width: number, height: number, maxIter: number): MandelbrotView => ({
    width,
    height,
    xmin: -2,
    xmax: 0.5,
    ymin: -1.25,
    ymax: 1.25,
    maxIter,
  });

  it.each([
    ['1031 × 2069, three bands, the last of 35 rows', view(1031, 2069, 60)],
    ['1 × 2 100 003, tall and skinny', view(1, 2_100_003, 20)],
    ['1 048 577 × 3, a row wider than a band', view(1_048_577, 3, 20)],
  ])('passes in bands of rows: %s', async (_, shape) => {
    await using pool = await createPool({ workers: 2 });
    const bytes = shape.width * shape.height * 4;
    const rowBytes = shape.width * 4;
    const band = Math.max(1, Math.floor(BAND_BYTES / rowBytes)) * rowBytes;
    expect(bytes).toBeGreaterThan(band + 2 * MiB); // well over a band, or the test shows nothing
    const progress: [number, number][] = [];
    const { data, stats } = await pool.mandelbrot({
      ...shape,
      onProgress: (done, total) => progress.push([done, total]),
    });
    // The shared memory held a band, not the image (fresh pool: it started at 256 KiB).
    expect(await memoryBytes(pool)).toBeLessThan(band + 2 * MiB);
    const expected = mandelbrotJs(shape);
    expect(data.length).toBe(expected.length);
    expect(data.findIndex((value, i) => value !== expected[i])).toBe(-1); // toEqual is slow on millions
    // The one-shot path, in place into a pool array, gives the same integers.
    const out = pool.alloc(Uint32Array, shape.width * shape.height);
    await pool.mandelbrot({ ...shape, out });
    expect(out.findIndex((value, i) => value !== data[i])).toBe(-1);
    // The telemetry of one run over all rows: every row once, progress rising to the total.
    expect(stats.n).toBe(shape.height);
    expect(stats.perWorker.reduce((sum, worker) => sum + worker.items, 0)).toBe(shape.height);
    expect(progress.at(-1)).toEqual([shape.height, shape.height]);
    expect(
      progress.every(([done, total], i) => total === shape.height && (i === 0 || done >= progress[i - 1]![0])),
    ).toBe(true);
  });

  it('gives the same integers on every schedule when each band takes every third row', async () => {
    // 1031 × 2069 in three bands: without a trace, band b holds rows b, b + 3, b + 6, …
    await using pool = await createPool({ workers: 3 });
    const shape = view(1031, 2069, 40);
    const expected = mandelbrotJs(shape);
    for (const schedule of SCHEDULES) {
      const { data, stats } = await pool.mandelbrot({ ...shape, schedule, kernel: 'scalar' });
      expect(
        data.findIndex((value, i) => value !== expected[i]),
        schedule,
      ).toBe(-1);
      expect(
        stats.perWorker.reduce((sum, worker) => sum + worker.items, 0),
        schedule,
      ).toBe(shape.height);
    }
  });

  it("renders an image larger than the pool's maxMemory, in bands cut to the room there is", async () => {
    // 4 MiB in all: less room than one 4 MiB band, so the bands shrink to what fits.
    await using pool = await createPool({ workers: 2, maxMemory: 4 * MiB });
    const shape = view(2311, 2003, 30); // 18.5 MB of pixels
    const { data, stats } = await pool.mandelbrot({ ...shape, trace: true });
    expect(await memoryBytes(pool)).toBeLessThanOrEqual(4 * MiB);
    const expected = mandelbrotJs(shape);
    expect(data.length).toBe(expected.length);
    expect(data.findIndex((value, i) => value !== expected[i])).toBe(-1);
    expect(coveredOnce(stats, shape.height)).toBe(true);
    // In place, the image itself must fit: refused, and the pool goes on.
    expect(() => pool.alloc(Uint32Array, shape.width * shape.height)).toThrow(RangeError);
    expect((await pool.mandelbrot(view(5, 7, 30))).data).toEqual(mandelbrotJs(view(5, 7, 30)));
  });

  it('traces every row once across the bands, and fills an ordinary out band by band', async () => {
    await using pool = await createPool({ workers: 3 });
    const shape = view(1031, 1069, 60);
    const out = new Uint32Array(1031 * 1069);
    const expected = mandelbrotJs(shape);
    for (const schedule of ['static', 'dynamic', 'guided', 'stealing'] as const) {
      out.fill(7);
      const { data, stats } = await pool.mandelbrot({ ...shape, out, schedule, trace: true });
      expect(data).toBe(out);
      expect(out.findIndex((value, i) => value !== expected[i])).toBe(-1);
      expect(coveredOnce(stats, shape.height)).toBe(true);
    }
  });
});

describe("matmul's A and C, where copied, in blocks of rows", () => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await createPool({ workers: 2 });
  });
  afterAll(() => pool.close());

  type Dtype = typeof Float64Array | typeof Float32Array;
  function random(rows: number, cols: number, type: Dtype, seed: number) {
    const data = new type(rows * cols);
    let state = seed;
    for (let i = 0; i < data.length; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      data[i] = state / 2 ** 31 - 1;
    }
    return { rows, cols, data };
  }
  const allocate = (type: Dtype, length: number): Float64Array | Float32Array =>
    type === Float64Array ? pool.alloc(Float64Array, length) : pool.alloc(Float32Array, length);
  /** The same matrix in the pool's memory. */
  const inPool = ({ rows, cols, data }: ReturnType<typeof random>) => {
    const copy = allocate(data instanceof Float64Array ? Float64Array : Float32Array, data.length);
    copy.set(data);
    return { rows, cols, data: copy };
  };

  it.each([
    // m, k, n, dtype, which of A and C are ordinary (copied)
    [2053, 17, 509, 'f64', 'A and C'],
    [3001, 16, 701, 'f32', 'A and C'],
    [4099, 64, 260, 'f64', 'C'],
    [4099, 260, 64, 'f64', 'A'],
  ] as const)('%i×%i by %i columns, %s, ordinary %s', async (m, k, n, dtype, copied) => {
    const type = dtype === 'f64' ? Float64Array : Float32Array;
    const bytes = type.BYTES_PER_ELEMENT;
    const rowBytes = ((copied.includes('A') ? k : 0) + (copied.includes('C') ? n : 0)) * bytes;
    expect(m * rowBytes).toBeGreaterThan(2 * ROW_BLOCK_BYTES); // blocked, or the test shows nothing
    const a = random(m, k, type, 3);
    const b = random(k, n, type, 4);
    // The one-shot path: everything in place.
    const [aShared, bShared] = [inPool(a), inPool(b)];
    const outShared = allocate(type, m * n);
    await pool.matmul(aShared, bShared, { out: outShared });
    expect(relativeFrobeniusError(outShared, matmulReference(a, b))).toBeLessThan(type === Float64Array ? 1e-12 : 1e-5);

    const progress: [number, number][] = [];
    const options = { trace: true, onProgress: (done: number, total: number) => progress.push([done, total]) };
    const blocked =
      copied === 'A and C'
        ? await pool.matmul(a, b, options)
        : copied === 'C'
          ? await pool.matmul(aShared, bShared, options)
          : await pool.matmul(a, bShared, { ...options, out: allocate(type, m * n) });
    // Same tiles, same kernels, same order of the sums: the same bits.
    expect(blocked.data.length).toBe(outShared.length);
    expect(blocked.data.findIndex((value, i) => !Object.is(value, outShared[i]))).toBe(-1); // toEqual: slow on millions
    const tiles = Math.ceil(m / MC) * Math.ceil(n / NC);
    expect(blocked.stats.n).toBe(tiles);
    expect(coveredOnce(blocked.stats, tiles)).toBe(true);
    expect(progress.at(-1)).toEqual([tiles, tiles]);
    // B's panels are packed once, whatever the blocks, in slivers of 32 bytes' worth of columns.
    expect(blocked.packStats!.n).toBe(Math.ceil(n / (32 / bytes)));
  });

  it('holds a block of A and C in the shared memory, not all of them', async () => {
    await using fresh = await createPool({ workers: 2 });
    const [m, k, n] = [2053, 17, 509];
    const a = random(m, k, Float64Array, 5);
    const b = random(k, n, Float64Array, 6);
    const { data } = await fresh.matmul(a, b);
    expect(relativeFrobeniusError(data, matmulReference(a, b))).toBeLessThan(1e-12);
    const whole = (m * k + m * n) * 8;
    // B (68 KiB), one block of A and C (4 MiB), the packed panel (68 KiB): under 5 MiB.
    expect(await memoryBytes(fresh)).toBeLessThan(whole - 3 * MiB);
  });
});
