// Zero-copy inputs and outputs (issue 16): arrays from pool.alloc live in the pool's shared
// memory, matmul reads them in place, and `out` receives results with no copy out. Ordinary
// arrays keep working; a freed or foreign array is a ValidationError before any work.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, mandelbrot, matmul, PoolClosedError, ValidationError, type Pool } from 'parwasm';
import { matmulReference, relativeFrobeniusError } from '../src/baselines/matmul.js';
import { mandelbrotJs } from '../src/baselines/mandelbrot.js';

const MiB = 1 << 20;
type Dtype = new (length: number) => Float64Array | Float32Array;
const TOLERANCE = new Map<Dtype, number>([
  [Float64Array, 1e-12],
  [Float32Array, 1e-5],
]);

let pools: Pool[] = [];
beforeAll(async () => {
  pools = await Promise.all([1, 2, 3].map((workers) => createPool({ workers })));
});
afterAll(() => Promise.all(pools.map((pool) => pool.close())));

/** Fills `data` with pseudo-random values in [-1, 1). */
function fill<T extends Float64Array | Float32Array>(data: T, seed: number): T {
  let state = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state / 2 ** 31 - 1;
  }
  return data;
}

const shared = <T extends Float64Array | Float32Array>(
  pool: Pool,
  type: new (n: number) => T,
  n: number,
  seed: number,
) => fill(pool.alloc<T>(type as never, n), seed);

// Thin path (a dimension below 16), packed path, primes, a single element, empty products.
const SHAPES: [number, number, number][] = [
  [0, 5, 7],
  [5, 7, 0],
  [1, 1, 1],
  [1, 300, 200],
  [200, 300, 1],
  [97, 89, 101],
  [17, 40, 33],
  [65, 257, 257],
  [3, 4096, 5],
];

const VIEW = { width: 97, height: 61, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 300 };

describe('pool.alloc', () => {
  it('gives zero-filled arrays of the asked type and length, on the pool memory (a SharedArrayBuffer)', () => {
    const pool = pools[0]!;
    const x = pool.alloc(Float64Array, 10);
    const y = pool.alloc(Uint32Array, 3);
    expect(x).toBeInstanceOf(Float64Array);
    expect(y).toBeInstanceOf(Uint32Array);
    expect([x.length, y.length]).toEqual([10, 3]);
    expect(x.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(y.buffer).toBe(x.buffer);
    expect([...x, ...y].every((value) => value === 0)).toBe(true);
    // Regions never overlap and start on a 64-byte line.
    expect(y.byteOffset >= x.byteOffset + x.byteLength || y.byteOffset + y.byteLength <= x.byteOffset).toBe(true);
    expect([x.byteOffset % 64, y.byteOffset % 64]).toEqual([0, 0]);
    pool.free(x);
    pool.free(y);
  });

  it('reuses the bytes of a freed array, zeroed again, and the operations give theirs back', async () => {
    const pool = pools[1]!;
    const first = pool.alloc(Float64Array, 1000).fill(7);
    const offset = first.byteOffset;
    pool.free(first);
    const second = pool.alloc(Float64Array, 1000);
    expect(second.byteOffset).toBe(offset);
    expect(second.every((value) => value === 0)).toBe(true);
    pool.free(second);
    // A call with ordinary arrays takes regions for its copies and frees them when it ends.
    const a = { rows: 40, cols: 40, data: fill(new Float64Array(1600), 1) };
    await pool.matmul(a, a);
    const third = pool.alloc(Float64Array, 1000);
    expect(third.byteOffset).toBe(offset);
    pool.free(third);
  });
});

describe('matmul on arrays from pool.alloc', () => {
  for (const type of [Float64Array, Float32Array] as Dtype[]) {
    it.each(SHAPES)(
      `reads A and B in place and writes C into out: %i×%i by %i columns, ${type.name}`,
      async (m, k, n) => {
        for (const pool of pools) {
          const a = { rows: m, cols: k, data: shared(pool, type, m * k, m + k) };
          const b = { rows: k, cols: n, data: shared(pool, type, k * n, k + n) };
          const out = pool.alloc<Float64Array | Float32Array>(type as never, m * n);
          const c = await pool.matmul(a, b, { out });
          expect(c.data).toBe(out);
          expect([c.rows, c.cols]).toEqual([m, n]);
          const error = relativeFrobeniusError(out, matmulReference(a, b));
          if (!(error <= TOLERANCE.get(type)!)) expect.fail(`${m}×${k}·${k}×${n}: relative error ${error}`);
          for (const array of [a.data, b.data, out]) pool.free(array);
        }
      },
    );
  }

  it('mixes pool arrays, ordinary arrays and subarrays of pool arrays, with or without out', async () => {
    const pool = pools[1]!;
    const big = shared(pool, Float64Array, 5000, 3);
    const a = { rows: 33, cols: 70, data: big.subarray(100, 100 + 33 * 70) };
    const b = { rows: 70, cols: 21, data: fill(new Float64Array(70 * 21), 4) };
    const reference = matmulReference(a, b);
    const ordinaryOut = new Float64Array(33 * 21);
    const results = [
      await pool.matmul(a, b),
      await pool.matmul(a, b, { out: ordinaryOut }),
      await pool.matmul({ ...a, data: Float64Array.from(a.data) }, b, { out: pool.alloc(Float64Array, 33 * 21) }),
    ];
    expect(results[1]!.data).toBe(ordinaryOut);
    for (const { data } of results) expect(relativeFrobeniusError(data, reference)).toBeLessThan(1e-12);
    pool.free(results[2]!.data);
    pool.free(big);
  });

  it.each([
    ['thin path', 8, 1024, 512], // B 4 MiB
    ['packed path', 2048, 256, 64], // A 4 MiB, C 1 MiB
  ])(
    'copies nothing in (%s, %i×%i by %i columns): arrays from pool.alloc fill a pool that copies of them would overflow',
    async (_, m, k, n) => {
      // In an 8 MiB pool: in place the product fits; the same product on ordinary arrays,
      // while the shared ones are held, needs room for copies of them, and is refused.
      await using pool = await createPool({ workers: 2, maxMemory: 8 * MiB });
      const a = { rows: m, cols: k, data: shared(pool, Float64Array, m * k, 1) };
      const b = { rows: k, cols: n, data: shared(pool, Float64Array, k * n, 2) };
      const out = pool.alloc(Float64Array, m * n);
      const c = await pool.matmul(a, b, { out });
      expect(c.data).toBe(out);
      expect(relativeFrobeniusError(out, matmulReference(a, b))).toBeLessThan(1e-12);
      const copies = [
        { ...a, data: Float64Array.from(a.data) },
        { ...b, data: Float64Array.from(b.data) },
      ] as const;
      await expect(pool.matmul(...copies)).rejects.toThrow(/maxMemory/);
    },
  );

  it('takes an ordinary out that shares a buffer with the inputs but none of their bytes', async () => {
    const pool = pools[1]!;
    // One buffer: A (3×5), then B (5×4), then C (3×4), back to back.
    const buffer = new ArrayBuffer(8 * (15 + 20 + 12));
    const a = { rows: 3, cols: 5, data: fill(new Float64Array(buffer, 0, 15), 9) };
    const b = { rows: 5, cols: 4, data: fill(new Float64Array(buffer, 8 * 15, 20), 10) };
    const out = new Float64Array(buffer, 8 * 35, 12);
    const reference = matmulReference(a, b);
    expect((await pool.matmul(a, b, { out })).data).toBe(out);
    expect(relativeFrobeniusError(out, reference)).toBeLessThan(1e-12);
    // An empty out shares no byte, even one that starts inside b.data.
    const empty = new Float64Array(buffer, 8 * 20, 0);
    const product = await pool.matmul({ rows: 0, cols: 5, data: new Float64Array(0) }, b, { out: empty });
    expect(product.data).toBe(empty);
  });

  it('gives an ordinary array when no out is asked for: later calls and writes to the inputs leave it alone', async () => {
    const pool = pools[1]!;
    const a = { rows: 20, cols: 30, data: shared(pool, Float64Array, 600, 5) };
    const b = { rows: 30, cols: 20, data: shared(pool, Float64Array, 600, 6) };
    const first = await pool.matmul(a, b);
    expect(first.data.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    const kept = Float64Array.from(first.data);
    a.data.fill(9);
    b.data.fill(-3);
    const second = await pool.matmul(a, b);
    expect(first.data).toEqual(kept);
    expect(second.data.every((value) => value === 9 * -3 * 30)).toBe(true);
    pool.free(a.data);
    pool.free(b.data);
  });

  it('writes into out only: the shared inputs keep their values', async () => {
    const pool = pools[2]!;
    const a = { rows: 50, cols: 40, data: shared(pool, Float32Array, 2000, 7) };
    const b = { rows: 40, cols: 60, data: shared(pool, Float32Array, 2400, 8) };
    const [aBefore, bBefore] = [Float32Array.from(a.data), Float32Array.from(b.data)];
    const out = pool.alloc(Float32Array, 3000);
    await pool.matmul(a, b, { out });
    expect(a.data).toEqual(aBefore);
    expect(b.data).toEqual(bBefore);
    for (const array of [a.data, b.data, out]) pool.free(array);
  });
});

describe('mandelbrot into out', () => {
  it.each([
    [97, 61],
    [1, 1],
    [0, 5],
    [13, 1],
    [1, 31],
  ])('writes a %i×%i image in place into a pool array, and copies into an ordinary one', async (width, height) => {
    const view = { ...VIEW, width, height };
    const reference = mandelbrotJs(view);
    for (const pool of pools) {
      const out = pool.alloc(Uint32Array, width * height);
      const result = await pool.mandelbrot({ ...view, out, schedule: 'stealing' });
      expect(result.data).toBe(out);
      expect(out).toEqual(reference);
      const ordinary = new Uint32Array(width * height);
      expect((await pool.mandelbrot({ ...view, out: ordinary })).data).toBe(ordinary);
      expect(ordinary).toEqual(reference);
      pool.free(out);
    }
  });

  it('fits a pool that a copy of the image would overflow', async () => {
    // A 7 MiB image in an 8 MiB pool: written in place it fits; a second whole image would not,
    // and an ordinary result beside it passes through what is left in bands of rows.
    await using pool = await createPool({ workers: 2, maxMemory: 8 * MiB });
    const view = { ...VIEW, width: 1024, height: 1792, maxIter: 10 };
    const out = pool.alloc(Uint32Array, 1024 * 1792);
    expect((await pool.mandelbrot({ ...view, out })).data).toBe(out);
    const expected = mandelbrotJs(view);
    expect(out.findIndex((value, i) => value !== expected[i])).toBe(-1); // toEqual: ~25 s on 1.8M under load
    const { data } = await pool.mandelbrot(view);
    expect(data).not.toBe(out);
    expect(data.findIndex((value, i) => value !== expected[i])).toBe(-1);
  });
});

describe('the free functions', () => {
  it('take out the same way: matmul(pool, a, b, { out }) and mandelbrot(pool, { ...view, out })', async () => {
    const pool = pools[1]!;
    const a = { rows: 19, cols: 23, data: shared(pool, Float32Array, 19 * 23, 11) };
    const b = { rows: 23, cols: 29, data: shared(pool, Float32Array, 23 * 29, 12) };
    const out = pool.alloc(Float32Array, 19 * 29);
    expect((await matmul(pool, a, b, { out })).data).toBe(out);
    expect(relativeFrobeniusError(out, matmulReference(a, b))).toBeLessThan(1e-5);
    const image = pool.alloc(Uint32Array, VIEW.width * VIEW.height);
    expect((await mandelbrot(pool, { ...VIEW, out: image })).data).toBe(image);
    expect(image).toEqual(mandelbrotJs(VIEW));
    for (const array of [a.data, b.data, out, image]) pool.free(array);
  });
});

describe('bad arrays', () => {
  let pool: Pool;
  let other: Pool;
  let libraryArray: Float64Array;
  beforeAll(async () => {
    pool = await createPool({ workers: 2 });
    other = await createPool({ workers: 1 });
    const folder = mkdtempSync(join(tmpdir(), 'parwasm-zero-copy-'));
    writeFileSync(join(folder, 'noop.mjs'), 'export function noop() {}\n');
    const library = await pool.load(join(folder, 'noop.mjs'));
    libraryArray = library.alloc(Float64Array, 4);
  });
  afterAll(() => Promise.all([pool.close(), other.close()]));

  const freed = (type: typeof Float64Array | typeof Uint32Array, length: number) => {
    const array = pool.alloc<Float64Array | Uint32Array>(type, length);
    pool.free(array);
    return array;
  };
  const matrix = (data: Float64Array | Float32Array) => ({ rows: 2, cols: 2, data });
  const good = () => matrix(Float64Array.from([1, 2, 3, 4]));

  // [name, call, argument named, error class]
  const ROWS: [string, () => Promise<unknown>, string, typeof TypeError | typeof RangeError][] = [
    [
      'a freed array as a.data',
      () => pool.matmul(matrix(freed(Float64Array, 4) as Float64Array), good()),
      'a.data',
      RangeError,
    ],
    [
      'a freed array as b.data',
      () => pool.matmul(good(), matrix(freed(Float64Array, 4) as Float64Array)),
      'b.data',
      RangeError,
    ],
    [
      'a freed array as matmul out',
      () => pool.matmul(good(), good(), { out: freed(Float64Array, 4) as Float64Array }),
      'options.out',
      RangeError,
    ],
    [
      'a Float32Array out for f64 inputs',
      () => pool.matmul(good(), good(), { out: pool.alloc(Float32Array, 4) as never }),
      'options.out',
      TypeError,
    ],
    [
      'an out of the wrong length',
      () => pool.matmul(good(), good(), { out: pool.alloc(Float64Array, 5) }),
      'options.out',
      RangeError,
    ],
    [
      'an ordinary out of the wrong length',
      () => pool.matmul(good(), good(), { out: new Float64Array(3) }),
      'options.out',
      RangeError,
    ],
    [
      'a plain array as out',
      () => pool.matmul(good(), good(), { out: [0, 0, 0, 0] as never }),
      'options.out',
      TypeError,
    ],
    [
      "an array of a user library's memory as a.data",
      () => pool.matmul(matrix(libraryArray), good()),
      'a.data',
      TypeError,
    ],
    [
      "an array of a user library's memory as out",
      () => pool.matmul(good(), good(), { out: libraryArray }),
      'options.out',
      TypeError,
    ],
    [
      "an array of another pool's memory as b.data",
      () => pool.matmul(good(), matrix(other.alloc(Float64Array, 4))),
      'b.data',
      TypeError,
    ],
    [
      'a view of the pool memory made by hand (the control block)',
      () => pool.matmul(matrix(new Float64Array(pool.alloc(Float64Array, 1).buffer, 0, 4)), good()),
      'a.data',
      RangeError,
    ],
    [
      'an out that overlaps a.data',
      () => {
        const data = pool.alloc(Float64Array, 8);
        return pool.matmul(matrix(data.subarray(0, 4)), good(), { out: data.subarray(2, 6) });
      },
      'options.out',
      RangeError,
    ],
    [
      'an ordinary out that is a.data',
      () => {
        const a = matrix(new Float64Array([1, 2, 3, 4]));
        return pool.matmul(a, good(), { out: a.data });
      },
      'options.out',
      RangeError,
    ],
    [
      'an ordinary out that overlaps b.data through another view of its buffer',
      () => {
        const buffer = new ArrayBuffer(8 * 8);
        const b = matrix(new Float64Array(buffer, 0, 4));
        return pool.matmul(good(), b, { out: new Float64Array(buffer, 3 * 8, 4) });
      },
      'options.out',
      RangeError,
    ],
    [
      'a freed array as mandelbrot out',
      () => pool.mandelbrot({ ...VIEW, width: 2, height: 2, out: freed(Uint32Array, 4) as Uint32Array }),
      'options.out',
      RangeError,
    ],
    [
      'a Float64Array as mandelbrot out',
      () => pool.mandelbrot({ ...VIEW, width: 2, height: 2, out: pool.alloc(Float64Array, 4) as never }),
      'options.out',
      TypeError,
    ],
    [
      'a mandelbrot out of the wrong length',
      () => pool.mandelbrot({ ...VIEW, width: 2, height: 2, out: pool.alloc(Uint32Array, 3) }),
      'options.out',
      RangeError,
    ],
    [
      'an array freed after the call was made, before it ran',
      () => {
        const out = pool.alloc(Uint32Array, 4);
        const call = pool.mandelbrot({ ...VIEW, width: 2, height: 2, out });
        pool.free(out);
        return call;
      },
      'options.out',
      RangeError,
    ],
  ];

  it.each(ROWS)('refuses %s before any work, naming it', async (_, call, argument, kind) => {
    const error = await call().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(kind);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message.startsWith(`${argument} must be `), (error as Error).message).toBe(true);
    // The pool still computes, in place.
    const out = pool.alloc(Float64Array, 4);
    expect([...(await pool.matmul(good(), good(), { out })).data]).toEqual([7, 10, 15, 22]);
    pool.free(out);
  });

  it.each([
    [
      'alloc: a type that is no typed array constructor',
      () => pool.alloc('Float64Array' as never, 4),
      'type',
      TypeError,
    ],
    ['alloc: a DataView', () => pool.alloc(DataView as never, 4), 'type', TypeError],
    ['alloc: a negative length', () => pool.alloc(Float64Array, -1), 'length', RangeError],
    ['alloc: a fractional length', () => pool.alloc(Float64Array, 1.5), 'length', RangeError],
    ['alloc: more than maxMemory', () => pool.alloc(Float64Array, 2 ** 30), 'length', RangeError],
    ['free: an ordinary array', () => pool.free(new Float64Array(4)), 'array', TypeError],
    ['free: an array freed already', () => pool.free(freed(Float64Array, 4)), 'array', TypeError],
    ["free: another pool's array", () => pool.free(other.alloc(Float64Array, 4)), 'array', TypeError],
  ] as const)('%s is a ValidationError naming %s', (_, call, argument, kind) => {
    expect(call).toThrow(kind);
    try {
      call();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message.startsWith(`${argument} must be `)).toBe(true);
    }
  });

  it('refuses alloc after close with PoolClosedError', async () => {
    const closed = await createPool({ workers: 1 });
    await closed.close();
    expect(() => closed.alloc(Float64Array, 4)).toThrow(PoolClosedError);
  });
});
