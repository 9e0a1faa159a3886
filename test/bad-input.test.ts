// Every argument of every public function, walked through bad values: each call must reject
// with a ValidationError (a TypeError or a RangeError) whose message starts with the argument's
// path, and the same pool must give a correct answer right after. The table BAD_INPUTS is
// also what docs/reliability.md prints.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, ValidationError, type Pool } from 'parwasm';
import { mandelbrotJs } from '../src/baselines/mandelbrot.js';

export type Operation = 'createPool' | 'mandelbrot' | 'matmul' | 'wordCount';
type ErrorClass = typeof TypeError | typeof RangeError;

export interface BadInput {
  op: Operation;
  /** Where the bad value goes, from the call's parameters: `options.chunk`, `a.data`, `input.files[0]`. */
  path: string;
  value: unknown;
  kind: ErrorClass;
  /** The argument the error must name, when it is not `path` (a mismatch is blamed on one side). */
  argument?: string;
  /** Other arguments of the same call, changed to make the case: `{ 'options.height': 2100 }`. */
  also?: Record<string, unknown>;
  /** How the value reads in the docs, for values that do not show well. */
  shown?: string;
}

/** The pool every row runs against: small enough that "too large" is cheap to reach. */
export const POOL_OPTIONS = { workers: 2, maxMemory: 16 << 20 };
const MiB = 1 << 20;

const GOOD_VIEW = { width: 5, height: 3, xmin: -2, xmax: 1, ymin: -1, ymax: 1, maxIter: 20 };
const matrix = (rows: number, cols: number, data: number[]) => ({ rows, cols, data: Float64Array.from(data) });
const GOOD_A = () => matrix(2, 2, [1, 2, 3, 4]);
const GOOD_B = () => matrix(2, 2, [5, 6, 7, 8]);
const zeros = (rows: number, cols: number) => ({ rows, cols, data: new Float64Array(rows * cols) });
/** Values made when a row runs, not when the table is built. */
class Lazy {
  constructor(readonly make: () => unknown) {}
}
const lazy = (make: () => unknown) => new Lazy(make);

const NOT_AN_OBJECT: [unknown, ErrorClass][] = [
  [null, TypeError],
  ['fast', TypeError],
  [42, TypeError],
  [[], TypeError],
];
const NOT_AN_INTEGER: [unknown, ErrorClass][] = [
  [-1, RangeError],
  [2.5, RangeError],
  [NaN, RangeError],
  [Infinity, RangeError],
  [-Infinity, RangeError],
  ['4', TypeError],
  [null, TypeError],
  [undefined, TypeError],
  [true, TypeError],
  [4n, TypeError],
];
const NOT_FINITE: [unknown, ErrorClass][] = [
  [NaN, RangeError],
  [Infinity, RangeError],
  [-Infinity, RangeError],
  ['0', TypeError],
  [null, TypeError],
  [undefined, TypeError],
];

/** The options every operation shares, with the bad values of each. */
const RUN_OPTIONS: [path: string, value: unknown, kind: ErrorClass][] = [
  ['options.schedule', 'fastest', RangeError],
  ['options.schedule', '', RangeError],
  ['options.schedule', 'Static', RangeError],
  ['options.schedule', 3, TypeError],
  ['options.schedule', null, TypeError],
  ['options.chunk', 0, RangeError],
  ['options.chunk', -1, RangeError],
  ['options.chunk', 1.5, RangeError],
  ['options.chunk', NaN, RangeError],
  ['options.chunk', Infinity, RangeError],
  ['options.chunk', -Infinity, RangeError],
  ['options.chunk', 2 ** 31, RangeError],
  ['options.chunk', '4', TypeError],
  ['options.chunk', null, TypeError],
  ['options.chunk', 4n, TypeError],
  ['options.signal', 'stop', TypeError],
  ['options.signal', { aborted: true }, TypeError],
  ['options.signal', null, TypeError],
  ['options.trace', 'yes', TypeError],
  ['options.trace', 1, TypeError],
  ['options.trace', null, TypeError],
  ['options.workers', 0, RangeError],
  ['options.workers', 3, RangeError], // the pool has 2
  ['options.workers', -1, RangeError],
  ['options.workers', 1.5, RangeError],
  ['options.workers', NaN, RangeError],
  ['options.workers', Infinity, RangeError],
  ['options.workers', '1', TypeError],
  ['options.workers', null, TypeError],
  ['options.onProgress', 'log', TypeError],
  ['options.onProgress', {}, TypeError],
  ['options.onProgress', null, TypeError],
  ['options.progressMs', 0, RangeError],
  ['options.progressMs', 60_001, RangeError],
  ['options.progressMs', 16.5, RangeError],
  ['options.progressMs', '16', TypeError],
  ['options.sheduel', 'static', TypeError], // an unknown option: a typo is not ignored
];

const rows = (op: Operation, path: string, values: [unknown, ErrorClass][]): BadInput[] =>
  values.map(([value, kind]) => ({ op, path, value, kind }));

export const BAD_INPUTS: BadInput[] = [
  // createPool(options)
  ...rows('createPool', 'options', NOT_AN_OBJECT),
  ...rows('createPool', 'options.workers', [
    ...NOT_AN_INTEGER.filter(([value]) => value !== undefined),
    [0, RangeError],
    [513, RangeError],
  ]),
  ...rows('createPool', 'options.maxMemory', [
    ...NOT_AN_INTEGER.filter(([value]) => value !== undefined),
    [0, RangeError],
    [MiB - 1, RangeError],
    [2 ** 32 + 1, RangeError],
    ['1GB', TypeError],
  ]),
  { op: 'createPool', path: 'options.wrokers', value: 2, kind: TypeError },

  // pool.mandelbrot(options)
  ...rows('mandelbrot', 'options', [...NOT_AN_OBJECT, [undefined, TypeError]]),
  ...rows('mandelbrot', 'options.width', [...NOT_AN_INTEGER, [2 ** 31, RangeError]]),
  ...rows('mandelbrot', 'options.height', NOT_AN_INTEGER),
  {
    op: 'mandelbrot',
    path: 'options.width',
    value: 4_200_000,
    also: { 'options.height': 1 },
    kind: RangeError,
    shown: '4200000, with height 1 (one row of 16.8 MB, over maxMemory)',
  },
  ...rows('mandelbrot', 'options.xmin', NOT_FINITE),
  ...rows('mandelbrot', 'options.xmax', NOT_FINITE),
  { op: 'mandelbrot', path: 'options.xmax', value: -2, kind: RangeError, shown: '-2 (equal to xmin)' },
  ...rows('mandelbrot', 'options.ymin', NOT_FINITE),
  ...rows('mandelbrot', 'options.ymax', NOT_FINITE),
  { op: 'mandelbrot', path: 'options.ymax', value: -3, kind: RangeError, shown: '-3 (below ymin)' },
  ...rows('mandelbrot', 'options.maxIter', [...NOT_AN_INTEGER, [2 ** 31, RangeError], [1e10, RangeError]]),
  ...rows('mandelbrot', 'options.kernel', [
    ['gpu', RangeError],
    ['SIMD', RangeError],
    [1, TypeError],
    [null, TypeError],
  ]),
  ...rows('mandelbrot', 'options.out', [
    [new Float64Array(15), TypeError],
    [new Uint32Array(14), RangeError],
    [Array.from({ length: 15 }, () => 0), TypeError],
    [null, TypeError],
  ]),
  { op: 'mandelbrot', path: 'options.colour', value: 'red', kind: TypeError },

  // pool.matmul(a, b, options)
  ...rows('matmul', 'a', [
    [null, TypeError],
    [undefined, TypeError],
    [5, TypeError],
    ['a', TypeError],
  ]),
  { op: 'matmul', path: 'a', value: {}, kind: TypeError, argument: 'a.rows' },
  {
    op: 'matmul',
    path: 'a',
    value: [
      [1, 2],
      [3, 4],
    ],
    kind: TypeError,
    argument: 'a.rows',
  },
  ...rows('matmul', 'a.rows', NOT_AN_INTEGER),
  ...rows('matmul', 'a.cols', NOT_AN_INTEGER),
  ...rows('matmul', 'a.data', [
    [[1, 2, 3, 4], TypeError],
    [new Int32Array(4), TypeError],
    [new Float64Array(3), RangeError],
    [new Float64Array(0), RangeError],
    [null, TypeError],
    [undefined, TypeError],
  ]),
  ...rows('matmul', 'b', [
    [null, TypeError],
    [7, TypeError],
  ]),
  ...rows('matmul', 'b.rows', [
    [-1, RangeError],
    [NaN, RangeError],
    ['2', TypeError],
  ]),
  ...rows('matmul', 'b.cols', [
    [Infinity, RangeError],
    [0.5, RangeError],
    [null, TypeError],
  ]),
  ...rows('matmul', 'b.data', [
    [new Float32Array(4), TypeError],
    [new Float64Array(5), RangeError],
    ['data', TypeError],
  ]),
  {
    op: 'matmul',
    path: 'b',
    value: matrix(3, 2, [1, 2, 3, 4, 5, 6]),
    kind: RangeError,
    argument: 'b.rows',
    shown: 'a 3×2 matrix (a is 2×2)',
  },
  {
    op: 'matmul',
    path: 'a',
    value: lazy(() => zeros(1500, 1500)),
    also: { b: lazy(() => zeros(1500, 1500)) },
    kind: RangeError,
    shown: 'a 1500×1500 f64 matrix, with b 1500×1500 (B alone 18 MB, over maxMemory)',
  },
  ...rows(
    'matmul',
    'options',
    NOT_AN_OBJECT.filter(([value]) => value !== undefined),
  ),
  ...rows('matmul', 'options.out', [
    [new Float32Array(4), TypeError],
    [new Float64Array(3), RangeError],
    [new Float64Array(5), RangeError],
    ['c', TypeError],
    [null, TypeError],
  ]),
  ...rows('matmul', 'options.fma', [
    ['yes', TypeError],
    [1, TypeError],
    [null, TypeError],
  ]),

  // pool.wordCount(input, options)
  ...rows('wordCount', 'input', [
    [null, TypeError],
    [undefined, TypeError],
    ['some text', TypeError],
    [42, TypeError],
    [{}, TypeError],
    [{ files: 'a.txt' }, TypeError],
    [new Set(['a']), TypeError],
  ]),
  ...rows('wordCount', 'input[1]', [
    [3, TypeError],
    [null, TypeError],
    [undefined, TypeError],
    [['nested'], TypeError],
  ]),
  ...rows('wordCount', 'input.files[0]', [
    ['', TypeError],
    [3, TypeError],
    [null, TypeError],
  ]),
  {
    op: 'wordCount',
    path: 'input',
    value: lazy(() => ['x'.repeat(17 * MiB)]),
    kind: RangeError,
    shown: 'one 17 MiB document (over maxMemory)',
  },
  {
    op: 'wordCount',
    path: 'input',
    value: lazy(() => [Array.from({ length: 1_200_000 }, (_, i) => i.toString(36)).join(' ')]),
    kind: RangeError,
    shown: 'one 6 MB document of 1.2 million distinct words (text fits, tables do not)',
  },
  ...rows(
    'wordCount',
    'options',
    NOT_AN_OBJECT.filter(([value]) => value !== undefined),
  ),

  // The options every operation shares.
  ...(['mandelbrot', 'matmul', 'wordCount'] as const).flatMap((op) =>
    RUN_OPTIONS.map(([path, value, kind]) => ({ op, path, value, kind })),
  ),
];

/** How a value reads in a test name or the docs. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (value === null || typeof value !== 'object') return String(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as Float64Array).length})`;
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (value instanceof Set) return `new Set(${show([...value])})`;
  if ('rows' in value && 'cols' in value && 'data' in value)
    return `a ${String(value.rows)}×${String(value.cols)} matrix`;
  const fields = Object.entries(value).map(([key, field]) => `${key}: ${show(field)}`);
  return fields.length === 0 ? '{}' : `{ ${fields.join(', ')} }`;
}

/** The arguments of a good call of `op`, for a row that puts its bad value at `path`. */
function goodArguments(op: Operation, path: string, file: string): Record<string, unknown> {
  switch (op) {
    case 'createPool':
      return { options: { workers: 1, maxMemory: MiB } };
    case 'mandelbrot':
      return { options: { ...GOOD_VIEW } };
    case 'matmul':
      return { a: GOOD_A(), b: GOOD_B(), options: {} };
    case 'wordCount':
      return { input: path.startsWith('input.files') ? { files: [file] } : ['a b', 'a'], options: {} };
  }
}

/** Puts `value` at `path` ('options.chunk', 'input.files[0]') in `args`. */
export function place(args: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let target = args;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[keys[keys.length - 1]!] = value;
}

/** Makes the call a row describes; a pool that createPool unexpectedly starts is closed. */
export async function callWith(pool: Pool, row: BadInput, file: string): Promise<unknown> {
  const args = goodArguments(row.op, row.path, file);
  const made = (value: unknown): unknown => (value instanceof Lazy ? value.make() : value);
  for (const [path, value] of Object.entries(row.also ?? {})) place(args, path, made(value));
  place(args, row.path, made(row.value));
  switch (row.op) {
    case 'createPool':
      return createPool(args.options as never).then((started) => started.close());
    case 'mandelbrot':
      return pool.mandelbrot(args.options as never);
    case 'matmul':
      return pool.matmul(args.a as never, args.b as never, args.options as never);
    case 'wordCount':
      return pool.wordCount(args.input as never, args.options as never);
  }
}

/** Small calls with known answers: the pool still computes correctly. */
async function expectHealthy(pool: Pool): Promise<void> {
  expect((await pool.mandelbrot(GOOD_VIEW)).data).toEqual(mandelbrotJs(GOOD_VIEW));
  expect([...(await pool.matmul(GOOD_A(), GOOD_B())).data]).toEqual([19, 22, 43, 50]);
  expect((await pool.wordCount(['a b', 'A'])).counts).toEqual(
    new Map([
      ['a', 2],
      ['b', 1],
    ]),
  );
}

let pool: Pool;
let file: string;
beforeAll(async () => {
  pool = await createPool(POOL_OPTIONS);
  file = join(mkdtempSync(join(tmpdir(), 'parwasm-bad-input-')), 'words.txt');
  writeFileSync(file, 'a b a');
});
afterAll(() => pool.close());

describe('bad input', () => {
  for (const row of BAD_INPUTS) {
    const argument = row.argument ?? row.path;
    const name = `${row.op}: ${row.path} = ${row.shown ?? show(row.value)} → ${row.kind.name} naming ${argument}`;
    it(name, async () => {
      const error = await callWith(pool, row, file).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error, 'the call did not reject').toBeDefined();
      expect(error).toBeInstanceOf(row.kind);
      expect(error instanceof (row.kind === TypeError ? RangeError : TypeError)).toBe(false);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ name: 'ValidationError', argument });
      expect((error as Error).message.startsWith(`${argument} must be `), (error as Error).message).toBe(true);
      await expectHealthy(pool);
    });
  }

  it('covers every argument of every public function', () => {
    const paths = new Set(BAD_INPUTS.map((row) => `${row.op} ${row.path}`));
    const expected = [
      'createPool options',
      'createPool options.workers',
      'createPool options.maxMemory',
      'mandelbrot options',
      ...['width', 'height', 'xmin', 'xmax', 'ymin', 'ymax', 'maxIter', 'kernel', 'out'].map(
        (key) => `mandelbrot options.${key}`,
      ),
      'matmul a',
      'matmul a.rows',
      'matmul a.cols',
      'matmul a.data',
      'matmul b',
      'matmul b.rows',
      'matmul b.cols',
      'matmul b.data',
      'matmul options',
      'matmul options.out',
      'matmul options.fma',
      'wordCount input',
      'wordCount input[1]',
      'wordCount input.files[0]',
      'wordCount options',
      ...['mandelbrot', 'matmul', 'wordCount'].flatMap((op) =>
        ['schedule', 'chunk', 'signal', 'trace', 'workers', 'onProgress', 'progressMs'].map(
          (key) => `${op} options.${key}`,
        ),
      ),
    ];
    expect(expected.filter((path) => !paths.has(path))).toEqual([]);
  });
});

describe('bugs found by these tests, fixed', () => {
  it('wordCount works on a 2-worker pool of 8 MiB, whatever the input size', async () => {
    // Each worker's hash table used to be sized for 65,536 entries up front (4 MiB a worker),
    // more than an 8 MiB pool holds for 2 workers: every wordCount, even of one word, failed.
    await using small = await createPool({ workers: 2, maxMemory: 8 << 20 });
    expect((await small.wordCount(['a'])).totalWords).toBe(1);
  });
});
