// Random calls of every operation: option bags of valid keys, junk keys and values of every
// type. An oracle written from the documented rules says which arguments are bad; a call with
// none must give the plain-JavaScript answer (or AbortError for an aborted signal), and a call
// with some must reject with a ValidationError that names one of them, of the right class.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AbortError, FileReadError, SCHEDULES, ValidationError, type Pool, type RunStats } from 'parwasm';
import {
  ASCII_WORD_PIECES,
  mandelbrotJs,
  matmulReference,
  poolIndex as poolIndexOf,
  poolsOfSizes,
  randomMatrix,
  relativeFrobeniusError,
  wordCountReference,
  type Dtype,
} from './helpers.js';

type ErrorClass = typeof TypeError | typeof RangeError;
/** The arguments a call gets wrong, each with the class of its error; empty for a good call. */
type Faults = Map<string, ErrorClass>;

const pools = poolsOfSizes([1, 3]);

// ---- values ------------------------------------------------------------------------------

const ABSENT = Symbol('absent');
/** Replaced by a fresh recording callback when the call is made. */
const PROGRESS = Symbol('onProgress');
const never = new AbortController().signal;

/** Values of every type, for any argument. Integers stay small or clearly out of range, so
 * that a junk value that happens to be valid never asks for a huge amount of work. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(-1, 0, 1, 2, 3, 4, -0, 0.5, NaN, Infinity, -Infinity, 2 ** 31 - 1, 2 ** 31) },
  { weight: 2, arbitrary: fc.integer({ min: -3, max: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(2 ** 32, 1e10, 1e300, -1e300, Number.MAX_VALUE, 5e-324) },
  { weight: 1, arbitrary: fc.double().filter((value) => !Number.isInteger(value) || Math.abs(value) > 2 ** 31) },
  { weight: 1, arbitrary: fc.string({ maxLength: 5 }) },
  { weight: 1, arbitrary: fc.constantFrom('static', 'dynamic', 'simd', 'Static', '', '4') },
  { weight: 1, arbitrary: fc.boolean() },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      null,
      undefined,
      [],
      {},
      [1, 2],
      new Float64Array(4),
      new Float32Array(4),
      new Int32Array(4),
      new Map(),
    ),
  },
  { weight: 1, arbitrary: fc.bigInt({ min: -3n, max: 3n }) },
  { weight: 1, arbitrary: fc.constantFrom(() => 0, never, AbortSignal.abort('fuzz'), PROGRESS) },
);
const JUNK_KEYS = ['colour', 'Schedule', 'chunkSize', 'signals', 'toString', 'constructor', '__proto__'];

/** Mostly `valid`, sometimes junk. */
const mostly = <T>(valid: fc.Arbitrary<T>, weight = 5): fc.Arbitrary<unknown> =>
  fc.oneof({ weight, arbitrary: valid }, { weight: 1, arbitrary: junk });
/** Present (mostly valid) or absent. */
const optional = <T>(valid: fc.Arbitrary<T>, presentWeight = 1, absentWeight = 2): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: presentWeight, arbitrary: mostly(valid) },
    { weight: absentWeight, arbitrary: fc.constant(ABSENT) },
  );

/** The shared run options, each present or not, plus now and then a junk key. */
const runOptions = fc.record({
  schedule: optional(fc.constantFrom(...SCHEDULES)),
  chunk: optional(fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constant(2 ** 31 - 1))),
  signal: optional(
    fc.oneof(
      { weight: 5, arbitrary: fc.constant(never) },
      { weight: 1, arbitrary: fc.constant(AbortSignal.abort('fuzz')) },
    ),
  ),
  trace: optional(fc.boolean()),
  workers: optional(fc.integer({ min: 1, max: 3 })),
  onProgress: optional(fc.constant(PROGRESS)),
  junk: fc.oneof(
    { weight: 12, arbitrary: fc.constant(ABSENT) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...JUNK_KEYS), junk) },
  ),
});

/** A bag from generated fields: ABSENT fields left out, the junk key added. */
function bag(fields: Record<string, unknown>): Record<string, unknown> {
  const entries = Object.entries(fields).filter(([key, value]) => key !== 'junk' && value !== ABSENT);
  const extra = fields.junk;
  if (Array.isArray(extra)) entries.push(extra as [string, unknown]);
  return Object.fromEntries(entries);
}

/** The options argument itself: usually a bag, sometimes no object at all. */
const optionsArgument = <T>(fields: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 20, arbitrary: fields.map((value) => bag(value as Record<string, unknown>)) },
    { weight: 1, arbitrary: junk },
  );

// ---- the oracle: the documented rules, written out again ---------------------------------

function checkInteger(faults: Faults, argument: string, value: unknown, min: number, max: number): boolean {
  if (typeof value !== 'number') faults.set(argument, TypeError);
  else if (!Number.isInteger(value) || value < min || value > max) faults.set(argument, RangeError);
  else return true;
  return false;
}

function checkFinite(faults: Faults, argument: string, value: unknown): boolean {
  if (typeof value !== 'number') faults.set(argument, TypeError);
  else if (!Number.isFinite(value)) faults.set(argument, RangeError);
  else return true;
  return false;
}

function checkOneOf(faults: Faults, argument: string, value: unknown, allowed: readonly string[]): void {
  if (typeof value !== 'string') faults.set(argument, TypeError);
  else if (!allowed.includes(value)) faults.set(argument, RangeError);
}

const isBag = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const RUN_KEYS = ['schedule', 'chunk', 'signal', 'trace', 'workers', 'onProgress', 'progressMs'];

/** Checks an options bag: object-ness, unknown keys and the run options. */
function checkOptions(
  faults: Faults,
  options: unknown,
  poolSize: number,
  ownKeys: readonly string[],
): Record<string, unknown> | undefined {
  if (options === undefined) return {};
  if (!isBag(options)) {
    faults.set('options', TypeError);
    return undefined;
  }
  for (const key of Object.keys(options))
    if (![...ownKeys, ...RUN_KEYS].includes(key)) faults.set(`options.${key}`, TypeError);
  const { schedule, chunk, signal, trace, workers, onProgress, progressMs } = options;
  if (schedule !== undefined) checkOneOf(faults, 'options.schedule', schedule, SCHEDULES);
  if (chunk !== undefined) checkInteger(faults, 'options.chunk', chunk, 1, 2 ** 31 - 1);
  if (signal !== undefined && !(signal instanceof AbortSignal)) faults.set('options.signal', TypeError);
  if (trace !== undefined && typeof trace !== 'boolean') faults.set('options.trace', TypeError);
  if (workers !== undefined) checkInteger(faults, 'options.workers', workers, 1, poolSize);
  if (onProgress !== undefined && typeof onProgress !== 'function') faults.set('options.onProgress', TypeError);
  if (progressMs !== undefined) checkInteger(faults, 'options.progressMs', progressMs, 1, 60_000);
  return options;
}

// ---- running a call and judging its outcome ----------------------------------------------

interface Outcome {
  /** The options as sent: with a recording callback in place of PROGRESS. */
  sent: unknown;
  result?: unknown;
  error?: unknown;
  progress: [done: number, total: number][];
}

/** Makes the call with the PROGRESS marker swapped for a recording callback. */
async function run(options: unknown, call: (options: unknown) => Promise<unknown>): Promise<Outcome> {
  const progress: [number, number][] = [];
  const sent =
    isBag(options) && options.onProgress === PROGRESS
      ? { ...options, onProgress: (done: number, total: number) => void progress.push([done, total]) }
      : options;
  try {
    return { sent, result: await call(sent), progress };
  } catch (error) {
    return { sent, error, progress };
  }
}

/** A bad call rejects with a ValidationError naming one of its faults; a good one succeeds
 * (or is aborted, when its signal was). Returns the result of a good call to be checked. */
function judge(outcome: Outcome, faults: Faults, options: unknown): unknown {
  if (faults.size > 0) {
    expect(outcome.error, `expected a ValidationError for one of ${[...faults.keys()].join(', ')}`).toBeInstanceOf(
      ValidationError,
    );
    const { argument, message } = outcome.error as ValidationError;
    expect([...faults.keys()]).toContain(argument);
    expect(outcome.error).toBeInstanceOf(faults.get(argument)!);
    expect(message.startsWith(`${argument} must be `)).toBe(true);
    return undefined;
  }
  const signal = isBag(options) ? options.signal : undefined;
  if (signal instanceof AbortSignal && signal.aborted) {
    expect(outcome.error).toBeInstanceOf(AbortError);
    return undefined;
  }
  if (outcome.error !== undefined) throw outcome.error as Error;
  computed += 1;
  return outcome.result;
}

/** What every result's stats must say about the run that made it: `n` is the size of the
 * index space the test expects for the call, worked out from its arguments. */
function checkStats(
  stats: RunStats,
  n: number,
  options: Record<string, unknown>,
  poolSize: number,
  progress: [number, number][],
): void {
  expect(stats.n).toBe(n);
  const chunks = stats.perWorker.reduce((sum, worker) => sum + worker.chunks, 0);
  expect(stats.perWorker.reduce((sum, worker) => sum + worker.items, 0)).toBe(n);
  expect(stats.perWorker.map((worker) => worker.rank)).toEqual([...Array(stats.workers).keys()]);
  if (stats.onCaller) {
    // Too small to wake the workers: the whole space as one chunk on the calling thread,
    // never when a trace was asked for (a trace describes the workers).
    expect(options.trace).not.toBe(true);
    expect(stats).toMatchObject({ workers: 1, imbalance: 1 });
    expect(stats.perWorker).toEqual([
      expect.objectContaining({ rank: 0, items: n, chunks: n > 0 ? 1 : 0, steals: 0, stealAttempts: 0 }),
    ]);
  } else {
    expect(stats.workers).toBe(options.workers ?? poolSize);
    if (options.schedule !== undefined) expect(stats.schedule).toBe(options.schedule);
    if (options.chunk !== undefined) expect(stats.chunk).toBe(options.chunk);
    // Every chunk holds at least one item, and no more than the larger of the chunk and the
    // first guided claim (ceil(n / workers)).
    expect(chunks).toBeLessThanOrEqual(n);
    expect(chunks).toBeGreaterThanOrEqual(Math.ceil(n / Math.max(stats.chunk, Math.ceil(n / stats.workers))));
    if (stats.schedule !== 'stealing')
      for (const worker of stats.perWorker) expect(worker).toMatchObject({ steals: 0, stealAttempts: 0 });
  }
  if (options.trace === true) {
    const trace = stats.trace!;
    expect(trace).toHaveLength(chunks);
    const covered = new Uint8Array(n);
    for (const { lo, hi } of trace) covered.fill(1 + covered[lo]!, lo, hi);
    expect(trace.reduce((sum, { lo, hi }) => sum + hi - lo, 0)).toBe(n);
    expect(covered.every((times) => times === 1)).toBe(true);
  } else {
    expect(stats.trace).toBeUndefined();
  }
  if (options.onProgress === PROGRESS) {
    expect(progress.at(-1)).toEqual([n, n]);
    for (const [done, total] of progress) expect([done <= total, total]).toEqual([true, n]);
  }
}

const poolIndex = poolIndexOf(2);
// A fixed seed, so that CI is repeatable; FUZZ_SEED=<n> (or FUZZ_SEED=random) explores others.
const SEED = process.env.FUZZ_SEED === 'random' ? Date.now() : Number(process.env.FUZZ_SEED ?? 20261124);
const RUNS = { numRuns: 1000, seed: SEED };
/** Calls whose result was checked: the generators must not drift into rejecting nearly everything. */
let computed = 0;
const expectEnoughComputed = () => expect(computed).toBeGreaterThan(RUNS.numRuns / 10);

// ---- mandelbrot --------------------------------------------------------------------------

const coordinate = fc.double({ min: -2.5, max: 2.5, noNaN: true });
const mandelbrotOptions = fc
  .record({
    width: fc.oneof(
      { weight: 30, arbitrary: fc.integer({ min: 0, max: 40 }) },
      { weight: 1, arbitrary: fc.constant(2 ** 31 - 1) },
    ),
    height: fc.integer({ min: 0, max: 40 }),
    x: fc.tuple(coordinate, coordinate),
    y: fc.tuple(coordinate, coordinate),
    maxIter: fc.integer({ min: 0, max: 300 }),
  })
  .chain(({ width, height, x, y, maxIter }) => {
    // Mostly ordered bounds; an unordered pair tests the xmin < xmax rule.
    const [xmin, xmax] = x[0] === x[1] ? [x[0], x[0] + 1] : [Math.min(...x), Math.max(...x)];
    const [ymin, ymax] = y[0] === y[1] ? [y[0], y[0] + 1] : [Math.min(...y), Math.max(...y)];
    const present = (value: unknown) =>
      fc.oneof(
        { weight: 30, arbitrary: mostly(fc.constant(value), 12) },
        { weight: 1, arbitrary: fc.constant(ABSENT) },
      );
    return fc
      .record({
        width: present(width),
        height: present(height),
        xmin: present(xmin),
        xmax: fc.oneof({ weight: 20, arbitrary: present(xmax) }, { weight: 1, arbitrary: fc.constant(xmin) }),
        ymin: present(ymin),
        ymax: fc.oneof({ weight: 20, arbitrary: present(ymax) }, { weight: 1, arbitrary: fc.constant(ymin - 0.5) }),
        // A junk maxIter that is valid but large would only cost time.
        maxIter: present(maxIter).filter(
          (value) => !(Number.isInteger(value) && (value as number) > 300 && (value as number) < 2 ** 31),
        ),
        kernel: optional(fc.constantFrom('simd', 'scalar')),
      })
      .chain((view) => runOptions.map((run) => ({ ...run, ...view })));
  });

function mandelbrotFaults(options: unknown, poolSize: number): Faults {
  const faults: Faults = new Map();
  if (options === undefined) return faults.set('options', TypeError);
  const bag = checkOptions(faults, options, poolSize, [
    'width',
    'height',
    'xmin',
    'xmax',
    'ymin',
    'ymax',
    'maxIter',
    'kernel',
  ]);
  if (!bag) return faults;
  const width = checkInteger(faults, 'options.width', bag.width, 0, 2 ** 31 - 1);
  const height = checkInteger(faults, 'options.height', bag.height, 0, 2 ** 31 - 1);
  if (width && height && (bag.width as number) * (bag.height as number) * 4 > 2 ** 30)
    faults.set('options.width', RangeError);
  const x = [checkFinite(faults, 'options.xmin', bag.xmin), checkFinite(faults, 'options.xmax', bag.xmax)];
  const y = [checkFinite(faults, 'options.ymin', bag.ymin), checkFinite(faults, 'options.ymax', bag.ymax)];
  if (x[0] && x[1] && !((bag.xmin as number) < (bag.xmax as number))) faults.set('options.xmax', RangeError);
  if (y[0] && y[1] && !((bag.ymin as number) < (bag.ymax as number))) faults.set('options.ymax', RangeError);
  checkInteger(faults, 'options.maxIter', bag.maxIter, 0, 2 ** 31 - 1);
  if (bag.kernel !== undefined) checkOneOf(faults, 'options.kernel', bag.kernel, ['simd', 'scalar']);
  return faults;
}

// ---- matmul ------------------------------------------------------------------------------

const randomData = (length: number, dtype: Dtype, seed: number) => randomMatrix(1, length, dtype, seed).data;

/** A matrix argument: right, or with one field junk, a wrong-length or wrong-type data, or junk. */
function matrixArgument(rows: number, cols: number, dtype: Dtype, seed: number): fc.Arbitrary<unknown> {
  const good = () => ({ rows, cols, data: randomData(rows * cols, dtype, seed) });
  return fc.oneof(
    { weight: 24, arbitrary: fc.constant(null).map(good) },
    { weight: 1, arbitrary: junk.map((value) => ({ ...good(), rows: value })) },
    { weight: 1, arbitrary: junk.map((value) => ({ ...good(), cols: value })) },
    { weight: 1, arbitrary: junk.map((value) => ({ ...good(), data: value })) },
    {
      weight: 1,
      arbitrary: fc.constant(null).map(() => ({ ...good(), data: randomData(rows * cols + 1, dtype, seed) })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constant(null)
        .map(() => ({ ...good(), data: randomData(rows * cols, dtype === 'f64' ? 'f32' : 'f64', seed) })),
    },
    { weight: 1, arbitrary: junk },
  );
}

const matmulCall = fc
  .record({
    m: fc.integer({ min: 0, max: 40 }),
    k: fc.integer({ min: 0, max: 40 }),
    n: fc.integer({ min: 0, max: 40 }),
    dtype: fc.constantFrom<Dtype>('f64', 'f32'),
    seed: fc.nat(),
    innerMismatch: fc.integer({ min: 0, max: 15 }),
  })
  .chain(({ m, k, n, dtype, seed, innerMismatch }) =>
    fc.record({
      a: matrixArgument(m, k, dtype, seed),
      // Now and then B's rows do not match A's columns (B itself is consistent).
      b: matrixArgument(innerMismatch === 0 ? k + 1 : k, n, dtype, seed + 1),
      options: fc.oneof(
        { weight: 1, arbitrary: fc.constant(undefined) },
        { weight: 6, arbitrary: optionsArgument(runOptions) },
      ),
    }),
  );

/** The index space of a product's main phase: rows of C when a dimension is below 16 (the
 * thin path), else tiles of C of 64 rows by 256 columns (MC and NC of assembly/kernels/matmul.ts):
 * one tile for every packed product these calls make (m, n ≤ 40). */
function matmulIndexSpace(m: number, k: number, n: number): number {
  return Math.min(m, k, n) < 16 ? m : Math.ceil(m / 64) * Math.ceil(n / 256);
}

function matrixFaults(faults: Faults, name: string, value: unknown): boolean {
  if (value === null || typeof value !== 'object') {
    faults.set(name, TypeError);
    return false;
  }
  const { rows, cols, data } = value as Record<string, unknown>;
  const shape = [
    checkInteger(faults, `${name}.rows`, rows, 0, 2 ** 31 - 1),
    checkInteger(faults, `${name}.cols`, cols, 0, 2 ** 31 - 1),
  ];
  if (!(data instanceof Float64Array || data instanceof Float32Array)) faults.set(`${name}.data`, TypeError);
  else if (shape[0] && shape[1] && data.length !== (rows as number) * (cols as number))
    faults.set(`${name}.data`, RangeError);
  else return shape[0]! && shape[1]!;
  return false;
}

function matmulFaults(a: unknown, b: unknown, options: unknown, poolSize: number): Faults {
  const faults: Faults = new Map();
  const left = matrixFaults(faults, 'a', a);
  const right = matrixFaults(faults, 'b', b);
  if (left && right) {
    const [x, y] = [a, b] as { rows: number; cols: number; data: Float64Array | Float32Array }[];
    if (x!.data.constructor !== y!.data.constructor) faults.set('b.data', TypeError);
    if (x!.cols !== y!.rows) faults.set('b.rows', RangeError);
    // A product of empty inputs can still have a vast C (2^31 − 1 rows of nothing times 0 × 34):
    // more than any maxMemory, refused as too large, naming a.
    else if (x!.rows * y!.cols * x!.data.BYTES_PER_ELEMENT > 2 ** 31) faults.set('a', RangeError);
  }
  checkOptions(faults, options, poolSize, []);
  return faults;
}

// ---- wordCount ---------------------------------------------------------------------------

const PIECES = [
  'hello',
  'World',
  'HELLO',
  'naïve',
  'ß',
  'İstanbul',
  'ΣΊΣΥΦΟΣ',
  'Москва',
  '東京都',
  'e\u0301',
  '𝐀𝐁',
  '😀',
  '123',
  '٣٤٥',
  'Ⅻ',
  '½',
  '_',
  '-',
  ' ',
  '\n',
  '.',
  '\ud800',
  'ǅ',
  ...ASCII_WORD_PIECES,
];
const documentArb = fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((parts) => parts.join(''));
const FILE_TEXTS = ['hello World, hello again', `Σίσυφος ΣΊΣΥΦΟΣ 123 ½ ${ASCII_WORD_PIECES.join(' ')}`, ''];
let files: string[] = [];
beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'parwasm-fuzz-'));
  files = FILE_TEXTS.map((text, i) => {
    const file = join(dir, `doc${i}.txt`);
    writeFileSync(file, text);
    return file;
  });
});
const MISSING_FILE = join(tmpdir(), 'parwasm-no-such-file');
/** Marks a file argument: index i is files[i]; -1 a path that does not exist (MISSING_FILE). */
class FileRef {
  constructor(readonly index: number) {}
}

const wordCountInput = fc.oneof(
  { weight: 12, arbitrary: fc.array(mostly(documentArb, 30), { maxLength: 6 }) },
  {
    weight: 4,
    arbitrary: fc
      .array(
        fc.oneof(
          { weight: 16, arbitrary: fc.integer({ min: -1, max: 2 }).map((i) => new FileRef(i)) },
          { weight: 1, arbitrary: junk },
        ),
        { maxLength: 4 },
      )
      .map((list) => ({ files: list })),
  },
  { weight: 1, arbitrary: junk },
  { weight: 1, arbitrary: junk.map((value) => ({ files: value })) },
);
const wordCountCall = fc.record({
  input: wordCountInput,
  options: fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 6, arbitrary: optionsArgument(runOptions) },
  ),
});

function realInput(input: unknown): unknown {
  if (!isBag(input) || !Array.isArray(input.files)) return input;
  return {
    files: input.files.map((file: unknown) =>
      file instanceof FileRef ? (file.index < 0 ? MISSING_FILE : files[file.index]) : file,
    ),
  };
}

function wordCountFaults(input: unknown, options: unknown, poolSize: number): Faults {
  const faults: Faults = new Map();
  checkOptions(faults, options, poolSize, []);
  if (Array.isArray(input)) {
    input.forEach((document, i) => typeof document !== 'string' && faults.set(`input[${i}]`, TypeError));
  } else if (isBag(input) && Array.isArray(input.files)) {
    input.files.forEach((file: unknown, i: number) => {
      if (!(file instanceof FileRef) && (typeof file !== 'string' || file === ''))
        faults.set(`input.files[${i}]`, TypeError);
    });
  } else {
    faults.set('input', TypeError);
  }
  return faults;
}

/** A good call with a missing file (MISSING_FILE, or a junk string that names no file) rejects
 * with a FileReadError naming the first such file when it runs (an aborted call never gets
 * there). Returns the path it must name, if any. */
function unreadableFile(input: unknown, options: unknown): string | undefined {
  const aborted = isBag(options) && options.signal instanceof AbortSignal && options.signal.aborted;
  if (aborted || !isBag(input) || !Array.isArray(input.files)) return undefined;
  const missing = input.files.find((file: unknown) => !(file instanceof FileRef) || file.index < 0) as unknown;
  return missing === undefined ? undefined : missing instanceof FileRef ? MISSING_FILE : (missing as string);
}

// ---- the properties ----------------------------------------------------------------------

describe('fuzzed calls give the right answer or a ValidationError naming a bad argument', () => {
  beforeEach(() => {
    computed = 0;
  });
  it('mandelbrot', async () => {
    await fc.assert(
      fc.asyncProperty(optionsArgument(mandelbrotOptions), poolIndex, async (options, index) => {
        const pool = pools[index]!;
        const outcome = await run(options, (bag) => pool.mandelbrot(bag as never));
        const result = judge(outcome, mandelbrotFaults(outcome.sent, pool.size), options) as
          Awaited<ReturnType<Pool['mandelbrot']>> | undefined;
        if (!result) return;
        const view = options as Parameters<typeof mandelbrotJs>[0];
        expect([result.width, result.height]).toEqual([view.width, view.height]);
        const expected = mandelbrotJs(view);
        const wrong = result.data.findIndex((value, i) => value !== expected[i]);
        expect(result.data.length).toBe(expected.length);
        if (wrong >= 0) expect.fail(`pixel ${wrong}: ${result.data[wrong]}, the reference has ${expected[wrong]}`);
        // One index per row; rows of no pixels are no work. (+ 0: a height of -0 is valid.)
        checkStats(
          result.stats,
          (view.width === 0 ? 0 : view.height) + 0,
          options as Record<string, unknown>,
          pool.size,
          outcome.progress,
        );
      }),
      RUNS,
    );
    expectEnoughComputed();
  });

  it('matmul', async () => {
    await fc.assert(
      fc.asyncProperty(matmulCall, poolIndex, async ({ a, b, options }, index) => {
        const pool = pools[index]!;
        const outcome = await run(options, (bag) => pool.matmul(a as never, b as never, bag as never));
        const result = judge(outcome, matmulFaults(a, b, outcome.sent, pool.size), options) as
          Awaited<ReturnType<Pool['matmul']>> | undefined;
        if (!result) return;
        const [left, right] = [a, b] as Parameters<typeof matmulReference>;
        expect([result.rows, result.cols]).toEqual([left.rows, right.cols]);
        expect(result.data.constructor).toBe(left.data.constructor);
        expect(result.data).toHaveLength(left.rows * right.cols);
        const error = relativeFrobeniusError(result.data, matmulReference(left, right));
        expect(error).toBeLessThanOrEqual(left.data instanceof Float64Array ? 1e-12 : 1e-5);
        checkStats(
          result.stats,
          matmulIndexSpace(left.rows, left.cols, right.cols),
          (options ?? {}) as Record<string, unknown>,
          pool.size,
          outcome.progress,
        );
      }),
      RUNS,
    );
    expectEnoughComputed();
  });

  it('wordCount', async () => {
    await fc.assert(
      fc.asyncProperty(wordCountCall, poolIndex, async ({ input, options }, index) => {
        const pool = pools[index]!;
        const outcome = await run(options, (bag) => pool.wordCount(realInput(input) as never, bag as never));
        const faults = wordCountFaults(input, outcome.sent, pool.size);
        const unreadable = faults.size === 0 ? unreadableFile(input, outcome.sent) : undefined;
        if (unreadable !== undefined) {
          expect(outcome.error).toBeInstanceOf(FileReadError);
          expect((outcome.error as FileReadError).path).toBe(unreadable);
          return;
        }
        const result = judge(outcome, faults, options) as Awaited<ReturnType<Pool['wordCount']>> | undefined;
        if (!result) return;
        const documents = Array.isArray(input)
          ? (input as string[])
          : (input as { files: FileRef[] }).files.map((file) => FILE_TEXTS[file.index]!);
        const expected = wordCountReference(documents);
        expect(result.counts).toEqual(expected);
        expect(result.totalWords).toBe([...expected.values()].reduce((sum, count) => sum + count, 0));
        // The map step runs over segments of about 1 MiB cut at separators: each of these
        // small documents is one segment, and an empty one is none.
        checkStats(
          result.stats,
          documents.filter((document) => document !== '').length,
          (options ?? {}) as Record<string, unknown>,
          pool.size,
          outcome.progress,
        );
      }),
      RUNS,
    );
    expectEnoughComputed();
  });
});
