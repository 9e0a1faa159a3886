// What several test files share: pools of several sizes, seeded random data, the plain
// JavaScript references, word pieces and a deadline for promises that must settle.
import fc from 'fast-check';
import { afterAll, beforeAll } from 'vitest';
import { createPool, type Pool, type PoolOptions } from 'parwasm';
import { countInto } from '../src/baselines/wordcount.js';

export { mandelbrotJs } from '../src/baselines/mandelbrot.js';
export { matmulReference, relativeFrobeniusError } from '../src/baselines/matmul.js';

/** One pool per size, started before the file's tests and closed after them. The array is
 * filled in `beforeAll`, in the order of `sizes`. */
export function poolsOfSizes(sizes: readonly number[], options: Omit<PoolOptions, 'workers'> = {}): Pool[] {
  const pools: Pool[] = [];
  beforeAll(async () => {
    pools.push(...(await Promise.all(sizes.map((workers) => createPool({ ...options, workers })))));
  });
  afterAll(() =>
    settlesWithin(
      Promise.all(pools.splice(0).map((pool) => pool.close())),
      10_000,
      `closing the pools of ${sizes.join(', ')} workers`,
    ),
  );
  return pools;
}

/** An index into a list of pools, for fast-check properties: made inside a test, once the
 * pools have started (an empty list fails at once). */
export const poolIndex = (pools: readonly unknown[] | number): fc.Arbitrary<number> =>
  fc.nat({ max: (typeof pools === 'number' ? pools : pools.length) - 1 });

/** Numbers in [0, 1) from a seed: operations and data that are a function of their seed. (An
 * LCG rather than fast-check's Random, which needs a pure-rand generator that is not a
 * dependency of this project; fast-check draws the seeds.) */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

export type Dtype = 'f64' | 'f32';

/** A rows × cols matrix of numbers in [-1, 1) drawn from `seed`. */
export function randomMatrix(rows: number, cols: number, dtype: Dtype, seed: number) {
  const random = seededRandom(seed);
  const data = dtype === 'f64' ? new Float64Array(rows * cols) : new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = 2 * random() - 1;
  return { rows, cols, data };
}

/** Word counts by the definition (the regex, then toLowerCase), as the baseline computes them. */
export function wordCountReference(documents: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const document of documents) countInto(counts, document);
  return counts;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** Every ASCII letter and digit, so that a word list exercises each one: the kernels decide
 * word bytes by arithmetic, byte by byte and 16 bytes at a time, and a character missing
 * from either splits or drops these words. Long runs of word bytes, and one-letter words
 * between spaces, which the 16-byte skip over separators must stop at. */
export const ASCII_WORD_PIECES = [ALNUM.slice(0, 26), ALNUM.slice(26, 52), ALNUM.slice(52), [...ALNUM].join(' ')];

/** Resolves or rejects as `promise` does, or rejects after `ms` with an error naming `what`:
 * a hang then fails the test at once and says what did not settle, instead of running into
 * the test timeout. */
export function settlesWithin<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The outcome of a promise as a value: its result, or what it threw. */
export const outcomeOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    (value) => value,
    (error: unknown) => error,
  );

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
