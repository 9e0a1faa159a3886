import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SCHEDULES, ValidationError, type MandelbrotView as View } from 'parwasm';
import { mandelbrotJs, poolIndex, poolsOfSizes } from './helpers.js';

const pools = poolsOfSizes([1, 2, 3, 5]);

const SHAPES: [number, number][] = [
  [0, 0],
  [1, 1],
  [1, 97],
  [97, 1],
  [131, 67],
  [64, 48],
  [17, 5],
  [0, 9],
  [9, 0],
];

/** A view (xmin, xmax, ymin, ymax) centred on (x, y), `span` wide, with the image's aspect. */
function centred(x: number, y: number, span: number, width: number, height: number) {
  const half = span / 2;
  const halfHeight = (half * Math.max(height, 1)) / Math.max(width, 1);
  return { xmin: x - half, xmax: x + half, ymin: y - halfHeight, ymax: y + halfHeight };
}

const views = fc
  .record({
    shape: fc.constantFrom(...SHAPES),
    kind: fc.constantFrom('full', 'seahorse', 'inside', 'outside'),
    zoom: fc.double({ min: 1, max: 10, noNaN: true }), // seahorse: a width of 10^-zoom
    maxIter: fc.oneof(fc.constantFrom(0, 1, 2, 1000), fc.integer({ min: 0, max: 5000 })),
  })
  .map(({ shape: [width, height], kind, zoom, maxIter }): View => {
    const bounds = {
      full: { xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25 },
      seahorse: centred(-0.743643887, 0.131825904, 10 ** -zoom, width, height),
      inside: centred(-0.1, 0.05, 0.2, width, height), // within the main cardioid
      outside: { xmin: 1, xmax: 3, ymin: 0.5, ymax: 2 },
    }[kind];
    return { width, height, ...bounds, maxIter };
  });

describe('mandelbrot', () => {
  it('equals the plain JavaScript reference pixel for pixel, on every schedule, kernel and worker count', async () => {
    await fc.assert(
      fc.asyncProperty(
        views,
        fc.constantFrom(...SCHEDULES),
        fc.constantFrom('simd', 'scalar'),
        poolIndex(pools),
        fc.integer({ min: 1, max: 9 }),
        async (view, schedule, kernel, poolIndex, chunk) => {
          const pool = pools[poolIndex]!;
          const result = await pool.mandelbrot({ ...view, schedule, kernel, chunk });
          expect(result.width).toBe(view.width);
          expect(result.height).toBe(view.height);
          expect(result.stats.n).toBe(view.width === 0 ? 0 : view.height);
          const expected = mandelbrotJs(view);
          expect(result.data.length).toBe(expected.length);
          const mismatch = result.data.findIndex((value, i) => value !== expected[i]);
          if (mismatch >= 0) {
            expect.fail(`pixel ${mismatch}: ${result.data[mismatch]} where the reference has ${expected[mismatch]}`);
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  it('gives the same integers on a 2048-pixel row of the deepest zoom with both kernels', async () => {
    const view = { width: 2048, height: 3, ...centred(-0.743643887, 0.131825904, 1e-10, 2048, 3), maxIter: 5000 };
    const expected = mandelbrotJs(view);
    for (const kernel of ['simd', 'scalar'] as const) {
      expect((await pools[1]!.mandelbrot({ ...view, kernel })).data).toEqual(expected);
    }
  });

  it('is all zeros when maxIter is 0 and empty for a 0 × 0 image', async () => {
    const zeros = await pools[1]!.mandelbrot({
      width: 33,
      height: 7,
      xmin: -2,
      xmax: 1,
      ymin: -1,
      ymax: 1,
      maxIter: 0,
    });
    expect(zeros.data.every((value) => value === 0)).toBe(true);
    const empty = await pools[1]!.mandelbrot({
      width: 0,
      height: 0,
      xmin: -2,
      xmax: 1,
      ymin: -1,
      ymax: 1,
      maxIter: 10,
    });
    expect(empty.data).toHaveLength(0);
  });

  const good = { width: 4, height: 4, xmin: -2, xmax: 1, ymin: -1, ymax: 1, maxIter: 10 };
  it.each([
    [{ ...good, width: -1 }, RangeError, 'options.width'],
    [{ ...good, height: 2.5 }, RangeError, 'options.height'],
    [{ ...good, width: '4' }, TypeError, 'options.width'],
    [{ ...good, xmin: NaN }, RangeError, 'options.xmin must be a finite number (got NaN)'],
    [{ ...good, ymax: Infinity }, RangeError, 'options.ymax'],
    [{ ...good, xmin: 1, xmax: 1 }, RangeError, 'options.xmax must be greater than options.xmin'],
    [{ ...good, ymin: 2 }, RangeError, 'options.ymax must be greater than options.ymin'],
    [{ ...good, maxIter: -1 }, RangeError, 'options.maxIter'],
    [{ ...good, maxIter: 1e10 }, RangeError, 'options.maxIter'],
    [{ ...good, schedule: 'fastest' }, RangeError, "options.schedule must be one of 'static', 'cyclic'"],
    [{ ...good, chunk: 0 }, RangeError, 'options.chunk'],
    [{ ...good, kernel: 'gpu' }, RangeError, 'options.kernel'],
    [{ ...good, signal: 'stop' }, TypeError, 'options.signal must be an AbortSignal'],
    // One row of 8 GiB: more than any pool's memory, even a band at a time.
    [{ ...good, width: 2 ** 31 - 1, height: 1 }, RangeError, "fits the pool's maxMemory"],
    // 10¹⁰ pixels: a band fits, the caller's new image cannot be allocated.
    [{ ...good, width: 100_000, height: 100_000 }, RangeError, 'can be allocated'],
    [{ ...good, colour: true }, TypeError, 'options.colour'],
    [undefined, TypeError, 'options must be an object'],
  ])('refuses %o before any work, and the pool stays usable', async (options, kind, message) => {
    const error = await pools[1]!.mandelbrot(options as never).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(kind);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain(message);
    expect((await pools[1]!.mandelbrot(good)).data).toEqual(mandelbrotJs(good));
  });
});
