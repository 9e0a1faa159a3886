// The boundary of maxMemory, for every operation: an input that needs exactly the free space
// is accepted and computed, one element more is refused before any work. The bytes each
// operation needs are worked out here from its documented layout, not asked of parwasm.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from 'parwasm';
import {
  mandelbrotJs,
  matmulReference,
  poolsOfSizes,
  randomMatrix,
  relativeFrobeniusError,
  wordCountReference,
  type Dtype,
} from './helpers.js';

const MAX_MEMORY = 1 << 20; // the smallest allowed: whole 64 KiB pages
// The control block lies below the kernels' --memoryBase and the kernels keep no static
// data, so operations may use everything from memoryBase up to maxMemory.
const { memoryBase } = (
  JSON.parse(readFileSync(new URL('../asconfig.json', import.meta.url), 'utf8')) as { options: { memoryBase: number } }
).options;
const FREE = MAX_MEMORY - memoryBase;

const pools = poolsOfSizes([2], { maxMemory: MAX_MEMORY });

/** What a refused call must look like: a ValidationError RangeError naming `argument`, that
 * says how much is free. */
async function expectRefused(call: Promise<unknown>, argument: string): Promise<void> {
  const error = await call.then(
    () => expect.fail(`expected a refusal naming ${argument}`),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(RangeError);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).argument).toBe(argument);
  expect((error as Error).message).toContain(`${FREE} bytes`);
}

describe(`an operation on a pool of maxMemory ${MAX_MEMORY}`, () => {
  it('mandelbrot: a row of exactly the free space (4 bytes a pixel) is computed, as many rows as asked; one pixel more is refused', async () => {
    // An image not written in place passes through the memory in bands of rows, one at least.
    const view = { xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 3 };
    const width = FREE / 4;
    for (const height of [1, 3]) {
      const { data } = await pools[0]!.mandelbrot({ ...view, width, height });
      const expected = mandelbrotJs({ ...view, width, height });
      expect(data.length).toBe(expected.length);
      expect(data.findIndex((value, i) => value !== expected[i])).toBe(-1); // toEqual is slow on 229 376 elements
    }
    await expectRefused(pools[0]!.mandelbrot({ ...view, width: width + 1, height: 1 }), 'options.width');
    await expectRefused(pools[0]!.mandelbrot({ ...view, width: width + 1, height: 7 }), 'options.width');
    // Written in place, the whole image must fit: pool.alloc refuses what does not.
    expect(() => pools[0]!.alloc(Uint32Array, width + 1)).toThrow(RangeError);
  });

  /** A thin product (k below 16: no packing buffers) whose A, B and C, each rounded up to a
   * 64-byte line, fill the free space exactly: m·k + k·n + m·n elements. */
  function exactThinShape(bytes: number): [number, number, number] {
    const line = 64 / bytes; // elements per 64-byte line
    for (let k = 2; k < 16; k++) {
      for (let m = line; m * k * bytes < FREE; m += line) {
        const n = (FREE / bytes - m * k) / (k + m);
        if (Number.isInteger(n) && n % line === 0 && n >= 16) return [m, k, n];
      }
    }
    throw new Error('no thin shape fills the free space exactly');
  }

  it.each(['f64', 'f32'] as Dtype[])(
    'matmul %s: A, B and C of exactly the free space are multiplied; one row more is refused',
    async (dtype) => {
      const bytes = dtype === 'f64' ? 8 : 4;
      const [m, k, n] = exactThinShape(bytes);
      expect((m * k + k * n + m * n) * bytes).toBe(FREE);
      const a = randomMatrix(m, k, dtype, 1);
      const b = randomMatrix(k, n, dtype, 2);
      const c = await pools[0]!.matmul(a, b);
      expect(relativeFrobeniusError(c.data, matmulReference(a, b))).toBeLessThan(dtype === 'f64' ? 1e-12 : 1e-5);
      await expectRefused(pools[0]!.matmul(randomMatrix(m + 1, k, dtype, 1), b), 'a');
    },
  );

  it('wordCount: a text of one byte more than the free space is refused; one of exactly the free space is not refused for its size', async () => {
    // The text is all that is checked against the free space up front; its hash tables come
    // on top, so a text that fills the memory fails later, for want of room for them.
    const text = (bytes: number) => ['a '.repeat(bytes / 2), 'b'.repeat(bytes % 2)].join('');
    await expectRefused(pools[0]!.wordCount([text(FREE + 1)]), 'input');
    const exact = await pools[0]!.wordCount([text(FREE)]).catch((thrown: unknown) => thrown);
    expect(exact).toBeInstanceOf(RangeError);
    expect((exact as Error).message).not.toMatch(/at most \d+ bytes of text/);
    // And a text that leaves room for the tables is counted.
    const fits = text(FREE / 16);
    expect((await pools[0]!.wordCount([fits])).counts).toEqual(wordCountReference([fits]));
  });
});
