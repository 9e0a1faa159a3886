// The kernel API (issue 14) walked through bad values, as test/bad-input.test.ts does for
// the built-in operations: every call must reject with a ValidationError (a TypeError or a
// RangeError) whose message starts with the argument's path, before any work starts, and the
// same pool must run kernels correctly right after. Then kernels that trap or throw: each
// rejects its call with a KernelError naming the kernel and the range, and nothing else breaks.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, SCHEDULES, ValidationError, type Pool } from 'parwasm';
import { kernelPool, type Kernel, type KernelErrorFields, type KernelLibrary } from './kernel-contract.js';
import { BUILDS, buildKernel, maximumPages } from './kernel-modules.js';
import { firstDifference, integrateReference } from './kernel-references.js';
import { needs } from './os-package.js';

type Call = 'pool.load' | 'lib.kernel' | 'pool.parallelFor' | 'lib.alloc' | 'lib.free';
type ErrorClass = typeof TypeError | typeof RangeError;

/** What the rows can refer to: libraries and arrays made when the tests start. */
interface Context {
  pool: Pool;
  /** The AssemblyScript example, loaded on `pool`. */
  lib: KernelLibrary;
  /** Another library on `pool` (the same module, its own memory). */
  sibling: KernelLibrary;
  /** The AssemblyScript example loaded on another pool. */
  foreign: KernelLibrary;
  /** The JavaScript example. */
  js: KernelLibrary;
  /** A library that was unloaded, and a kernel of it taken before. */
  unloaded: KernelLibrary;
  unloadedKernel: Kernel;
  /** saxpy's arguments on `lib`: x all ones, y all zeros (a run would make y twos). */
  x: Float64Array;
  y: Float64Array;
  /** mix64's output on `lib`. */
  out64: BigUint64Array;
  /** saxpy's arguments on `js`. */
  jsX: Float64Array;
  jsY: Float64Array;
  /** An array of `lib` given back with free: larger than anything allocated later, so that
   * no live allocation can hold it. */
  freed: Float64Array;
  paths: Record<keyof typeof BUILDS, string | undefined>;
}

/** A value made from the context when the row runs. */
class Lazy {
  constructor(readonly make: (context: Context) => unknown) {}
}
const lazy = (make: (context: Context) => unknown) => new Lazy(make);

interface BadInput {
  call: Call;
  /** Where the bad value goes, from the call's parameters: `options.args[1]`, `lib`. */
  path: string;
  value: unknown;
  kind: ErrorClass;
  /** The argument the error must name, when it is not `path`. */
  argument?: string;
  /** Other arguments of the same call, changed to make the case (placed before `value`). */
  also?: Record<string, unknown>;
  /** How the value reads in the test's name. */
  shown?: string;
  /** What the message must also say. */
  says?: RegExp;
  /** An OS package the row needs (its module is built by clang). */
  needsClang?: boolean;
}

const rows = (call: Call, path: string, values: [unknown, ErrorClass][]): BadInput[] =>
  values.map(([value, kind]) => ({ call, path, value, kind }));

const NOT_AN_INDEX: [unknown, ErrorClass][] = [
  [-1, RangeError],
  [1.5, RangeError],
  [NaN, RangeError],
  [Infinity, RangeError],
  [2 ** 31, RangeError],
  ['4', TypeError],
  [null, TypeError],
  [undefined, TypeError],
  [4n, TypeError],
];

const module = (build: keyof typeof BUILDS) => lazy((context) => context.paths[build]);
const mix64 = {
  kernel: lazy((context) => context.lib.kernel('mix64', { perIndex: true })),
  'options.args': lazy((context) => [1n, context.out64]),
};
const jsSaxpy = {
  kernel: lazy((context) => context.js.kernel('saxpy')),
  'options.args': lazy((context) => [1, context.jsX, context.jsY]),
};
// The AssemblyScript example's memory: --maximumMemory 256 pages.
const DECLARED_MAX = maximumPages(BUILDS.assemblyscript) * 65536;

export const BAD_KERNEL_INPUTS: BadInput[] = [
  // pool.load(source, options)
  ...rows('pool.load', 'source', [
    [42, TypeError],
    [null, TypeError],
    [undefined, TypeError],
    ['', TypeError],
    [{}, TypeError],
    ['/no/such/kernels.wasm', TypeError],
  ]),
  {
    call: 'pool.load',
    path: 'source',
    value: Uint8Array.of(1, 2, 3),
    kind: TypeError,
    shown: 'bytes that are not wasm',
  },
  {
    call: 'pool.load',
    path: 'source',
    value: module('unshared'),
    kind: TypeError,
    shown: 'a module whose env.memory is not shared',
    says: /shared/,
  },
  {
    call: 'pool.load',
    path: 'source',
    value: module('ownMemory'),
    kind: TypeError,
    shown: 'a module with a memory of its own, not imported',
    says: /import/,
  },
  {
    call: 'pool.load',
    path: 'source',
    value: module('cHiddenStack'),
    kind: TypeError,
    shown: 'a C module that uses its stack and does not export __stack_pointer',
    says: /-mmutable-globals -Wl,--export=__stack_pointer/,
    needsClang: true,
  },
  ...rows('pool.load', 'options', [
    ['big', TypeError],
    [42, TypeError],
  ]),
  ...rows('pool.load', 'options.maxMemory', [
    [0, RangeError],
    [-1, RangeError],
    [1.5, RangeError],
    [NaN, RangeError],
    ['1MB', TypeError],
    [null, TypeError],
    [DECLARED_MAX + 65536, RangeError],
  ]),
  { call: 'pool.load', path: 'options.maxMemroy', value: 1 << 20, kind: TypeError }, // a typo is not ignored

  // lib.kernel(name, options)
  ...rows('lib.kernel', 'name', [
    ['nope', RangeError],
    ['', RangeError],
    [42, TypeError],
    [undefined, TypeError],
    [null, TypeError],
  ]),
  { call: 'lib.kernel', path: 'name', value: 'memory', kind: RangeError, shown: '"memory" (an exported memory)' },
  {
    call: 'lib.kernel',
    path: 'name',
    value: 'mix64',
    kind: TypeError,
    shown: '"mix64" as a range kernel (its second parameter is an i64, not hi: i32)',
  },
  ...rows('lib.kernel', 'options', [
    ['perIndex', TypeError],
    [null, TypeError],
  ]),
  ...rows('lib.kernel', 'options.perIndex', [
    ['yes', TypeError],
    [1, TypeError],
    [null, TypeError],
  ]),
  { call: 'lib.kernel', path: 'lib', value: lazy((c) => c.unloaded), kind: RangeError, shown: 'an unloaded library' },

  // pool.parallelFor(n, kernel, options)
  ...rows('pool.parallelFor', 'n', NOT_AN_INDEX),
  ...rows('pool.parallelFor', 'kernel', [
    [null, TypeError],
    [undefined, TypeError],
    ['saxpy', TypeError],
    [{ name: 'saxpy', perIndex: false }, TypeError],
  ]),
  {
    call: 'pool.parallelFor',
    path: 'kernel',
    value: lazy((c) => c.foreign.kernel('saxpy')),
    kind: TypeError,
    shown: 'a kernel of a library of another pool',
  },
  {
    call: 'pool.parallelFor',
    path: 'kernel',
    value: lazy((c) => c.unloadedKernel),
    kind: RangeError,
    shown: 'a kernel of a library unloaded since',
  },
  ...rows('pool.parallelFor', 'options', [
    ['fast', TypeError],
    [null, TypeError],
  ]),
  ...rows('pool.parallelFor', 'options.args', [
    ['x', TypeError],
    [{ 0: 2 }, TypeError],
  ]),
  { call: 'pool.parallelFor', path: 'options.args', value: lazy((c) => [2, c.x]), kind: RangeError, shown: '[2, x]' },
  {
    call: 'pool.parallelFor',
    path: 'options.args',
    value: lazy((c) => [2, c.x, c.y, 4]),
    kind: RangeError,
    shown: '[2, x, y, 4]',
  },
  { call: 'pool.parallelFor', path: 'options.args', value: [], kind: RangeError },
  ...rows('pool.parallelFor', 'options.args[0]', [
    ['2', TypeError],
    [2n, TypeError],
    [null, TypeError],
    [undefined, TypeError],
  ]),
  ...rows('pool.parallelFor', 'options.args[1]', [
    [1.5, RangeError],
    [2 ** 32, RangeError],
    [-(2 ** 31) - 1, RangeError],
    ['0', TypeError],
    [new Float64Array(8), TypeError],
  ]),
  {
    call: 'pool.parallelFor',
    path: 'options.args[1]',
    value: lazy((c) => c.sibling.alloc(Float64Array, 8)),
    kind: TypeError,
    shown: 'an array of another library of the pool',
  },
  {
    call: 'pool.parallelFor',
    path: 'options.args[1]',
    value: lazy((c) => c.foreign.alloc(Float64Array, 8)),
    kind: TypeError,
    shown: 'an array of a library of another pool',
  },
  {
    call: 'pool.parallelFor',
    path: 'options.args[1]',
    value: lazy((c) => c.freed),
    kind: RangeError,
    shown: 'an array of the library, freed',
  },
  {
    call: 'pool.parallelFor',
    path: 'options.args[1]',
    value: lazy((c) => new Float64Array(c.lib.memory.buffer, 0, 8)),
    kind: RangeError,
    shown: "a view of the library's memory at 0, outside its allocations",
  },
  ...rows('pool.parallelFor', 'options.args[0]', [
    [1.5, TypeError],
    [2 ** 53, TypeError],
    [2n ** 64n, RangeError],
    [-(2n ** 63n) - 1n, RangeError],
    ['1', TypeError],
  ]).map((row) => ({ ...row, also: mix64, shown: `${show(row.value)} for mix64's i64 seed` })),
  ...rows('pool.parallelFor', 'options.args[1]', [
    ['text', TypeError],
    [{}, TypeError],
    [[1, 2], TypeError],
    [new Float64Array(8), TypeError],
  ]).map((row) => ({ ...row, also: jsSaxpy, shown: `${show(row.value)} for a JavaScript kernel` })),
  ...rows('pool.parallelFor', 'options.schedule', [
    ['fastest', RangeError],
    [3, TypeError],
  ]),
  ...rows('pool.parallelFor', 'options.chunk', [
    [0, RangeError],
    [1.5, RangeError],
    ['4', TypeError],
  ]),
  ...rows('pool.parallelFor', 'options.workers', [
    [0, RangeError],
    [3, RangeError], // the pool has 2
    ['1', TypeError],
  ]),
  ...rows('pool.parallelFor', 'options.signal', [
    ['stop', TypeError],
    [{ aborted: true }, TypeError],
  ]),
  ...rows('pool.parallelFor', 'options.trace', [['yes', TypeError]]),
  ...rows('pool.parallelFor', 'options.onProgress', [['log', TypeError]]),
  ...rows('pool.parallelFor', 'options.progressMs', [
    [0, RangeError],
    ['16', TypeError],
  ]),
  { call: 'pool.parallelFor', path: 'options.arsg', value: [], kind: TypeError }, // a typo is not ignored

  // lib.alloc(type, length)
  ...rows('lib.alloc', 'type', [
    [Array, TypeError],
    ['Float64Array', TypeError],
    [DataView, TypeError],
    [null, TypeError],
    [undefined, TypeError],
  ]),
  ...rows('lib.alloc', 'length', [
    [-1, RangeError],
    [1.5, RangeError],
    [NaN, RangeError],
    [Infinity, RangeError],
    ['4', TypeError],
    [null, TypeError],
  ]),
  {
    call: 'lib.alloc',
    path: 'length',
    value: DECLARED_MAX,
    also: { type: Uint8Array },
    kind: RangeError,
    shown: `${DECLARED_MAX} bytes (all of maxMemory, with the module's own 1 MiB below)`,
  },
  { call: 'lib.alloc', path: 'lib', value: lazy((c) => c.unloaded), kind: RangeError, shown: 'an unloaded library' },

  // lib.free(array)
  ...rows('lib.free', 'array', [
    [new Float64Array(4), TypeError],
    [42, TypeError],
    [null, TypeError],
  ]),
  {
    call: 'lib.free',
    path: 'array',
    value: lazy((c) => c.freed),
    kind: TypeError,
    shown: 'an array freed before',
  },
  {
    call: 'lib.free',
    path: 'array',
    value: lazy((c) => c.sibling.alloc(Float64Array, 4)),
    kind: TypeError,
    shown: 'an array of another library',
  },
  { call: 'lib.free', path: 'lib', value: lazy((c) => c.unloaded), kind: RangeError, shown: 'an unloaded library' },
];

/** How a value reads in a test's name. */
function show(value: unknown): string {
  if (value instanceof Lazy) return 'a value made for the row';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return value.name;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} not from alloc`;
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (value === null || typeof value !== 'object') return String(value);
  const fields = Object.entries(value).map(([key, field]) => `${key}: ${show(field)}`);
  return fields.length === 0 ? '{}' : `{ ${fields.join(', ')} }`;
}

/** The arguments of a good call. */
function goodArguments(call: Call, context: Context): Record<string, unknown> {
  switch (call) {
    case 'pool.load':
      return { source: context.paths.assemblyscript, options: {} };
    case 'lib.kernel':
      return { lib: context.lib, name: 'saxpy', options: {} };
    case 'pool.parallelFor':
      return { n: 8, kernel: context.lib.kernel('saxpy'), options: { args: [2, context.x, context.y] } };
    case 'lib.alloc':
      return { lib: context.lib, type: Float64Array, length: 4 };
    case 'lib.free':
      return { lib: context.lib, array: context.lib.alloc(Float64Array, 4) };
  }
}

/** Puts `value` at `path` ('options.args[1]') in `args`. */
function place(args: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let target = args;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[keys[keys.length - 1]!] = value;
}

/** Makes the call a row describes; what it unexpectedly makes is given back. */
async function callWith(row: BadInput, context: Context): Promise<unknown> {
  const args = goodArguments(row.call, context);
  const made = (value: unknown) => (value instanceof Lazy ? value.make(context) : value);
  for (const [path, value] of Object.entries(row.also ?? {})) place(args, path, made(value));
  place(args, row.path, made(row.value));
  const lib = args.lib as KernelLibrary;
  switch (row.call) {
    case 'pool.load':
      return context.pool.load(args.source as string, args.options as never).then((loaded) => loaded.unload());
    case 'lib.kernel':
      return lib.kernel(args.name as string, args.options as never);
    case 'pool.parallelFor':
      return context.pool.parallelFor(args.n as number, args.kernel as never, args.options as never);
    case 'lib.alloc':
      return lib.free(lib.alloc(args.type as Float64ArrayConstructor, args.length as number));
    case 'lib.free':
      return lib.free(args.array as Float64Array);
  }
}

/** Small runs with known answers: the pool and its libraries still compute correctly. */
async function expectHealthy(context: Context): Promise<void> {
  const { pool, lib, js } = context;
  const out = lib.alloc(Float64Array, 50).fill(NaN);
  await pool.parallelFor(50, lib.kernel('integrate'), { args: [out] });
  expect(firstDifference(out, integrateReference(50))).toBeUndefined();
  lib.free(out);
  const collatz = js.alloc(Uint32Array, 7);
  await pool.parallelFor(7, js.kernel('collatz', { perIndex: true }), { args: [collatz], schedule: 'stealing' });
  expect([...collatz]).toEqual([0, 1, 7, 2, 5, 8, 16]);
  js.free(collatz);
}

const clang = needs('clang', 'clang lld');
const POOL_OPTIONS = { workers: 2 };
let context: Context;
let other: Pool;

beforeAll(async () => {
  const paths = Object.fromEntries(
    await Promise.all(
      Object.entries(BUILDS).map(async ([name, build]) => [
        name,
        build.command.startsWith('clang') && !clang.found ? undefined : await buildKernel(build),
      ]),
    ),
  ) as Context['paths'];
  const pool = kernelPool(await createPool(POOL_OPTIONS));
  other = await createPool({ workers: 1 });
  const lib = await pool.load(paths.assemblyscript!);
  const unloaded = await pool.load(paths.assemblyscript!);
  const unloadedKernel = unloaded.kernel('saxpy');
  await unloaded.unload();
  const js = await pool.load(new URL('../examples/kernels/javascript/kernels.mjs', import.meta.url));
  context = {
    pool,
    lib,
    sibling: await pool.load(paths.assemblyscript!),
    foreign: await kernelPool(other).load(paths.assemblyscript!),
    js,
    unloaded,
    unloadedKernel,
    x: lib.alloc(Float64Array, 8).fill(1),
    y: lib.alloc(Float64Array, 8),
    out64: lib.alloc(BigUint64Array, 8),
    jsX: js.alloc(Float64Array, 8).fill(1),
    jsY: js.alloc(Float64Array, 8),
    freed: lib.alloc(Float64Array, 8192),
    paths,
  };
  lib.free(context.freed);
}, 300_000);
afterAll(async () => {
  await context?.pool.close();
  await other?.close();
});

describe('bad input to the kernel API', () => {
  for (const row of BAD_KERNEL_INPUTS) {
    const argument = row.argument ?? row.path;
    const name = `${row.call}: ${row.path} = ${row.shown ?? show(row.value)} → ${row.kind.name} naming ${argument}`;
    (row.needsClang ? clang.it : it)(name, async () => {
      const error = await callWith(row, context).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error, 'the call did not reject').toBeDefined();
      expect(error).toBeInstanceOf(row.kind);
      expect(error instanceof (row.kind === TypeError ? RangeError : TypeError)).toBe(false);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ name: 'ValidationError', argument });
      const { message } = error as Error;
      expect(message.startsWith(`${argument} must be `), message).toBe(true);
      if (row.says) expect(message).toMatch(row.says);
      const ran = [...context.y, ...context.jsY].some((value) => value !== 0);
      [context.y, context.jsY].forEach((y) => y.fill(0)); // so that one failure does not fail the rows after it
      expect(ran, 'the kernel ran: y changed').toBe(false);
      await expectHealthy(context);
    });
  }

  it('covers every argument of every call of the kernel API', () => {
    const paths = new Set(BAD_KERNEL_INPUTS.map((row) => `${row.call} ${row.path}`));
    const expected = [
      'pool.load source',
      'pool.load options',
      'pool.load options.maxMemory',
      'lib.kernel name',
      'lib.kernel options',
      'lib.kernel options.perIndex',
      'lib.kernel lib',
      'pool.parallelFor n',
      'pool.parallelFor kernel',
      'pool.parallelFor options',
      'pool.parallelFor options.args',
      'pool.parallelFor options.args[0]',
      'pool.parallelFor options.args[1]',
      ...['schedule', 'chunk', 'workers', 'signal', 'trace', 'onProgress', 'progressMs'].map(
        (key) => `pool.parallelFor options.${key}`,
      ),
      'lib.alloc type',
      'lib.alloc length',
      'lib.alloc lib',
      'lib.free array',
      'lib.free lib',
    ];
    expect(expected.filter((path) => !paths.has(path))).toEqual([]);
  });
});

interface Trap {
  library: 'traps' | 'throws';
  kernel: string;
  perIndex: boolean;
  /** The message of the trap (or of the exception). */
  says: RegExp;
}

const TRAPS: Trap[] = [
  { library: 'traps', kernel: 'trapUnreachable', perIndex: false, says: /unreachable/ },
  { library: 'traps', kernel: 'trapOutOfBounds', perIndex: false, says: /out of bounds/ },
  { library: 'traps', kernel: 'trapDivide', perIndex: false, says: /divi(de|sion) by zero/ },
  { library: 'traps', kernel: 'trapAtIndex', perIndex: true, says: /unreachable/ },
  { library: 'throws', kernel: 'throwAt', perIndex: false, says: /kernel refused index 57/ },
  { library: 'throws', kernel: 'throwAtIndex', perIndex: true, says: /kernel refused index 57/ },
];

describe('kernels that trap or throw', () => {
  const libraries = new Map<Trap['library'], KernelLibrary>();
  beforeAll(async () => {
    libraries.set('traps', await context.pool.load(new Uint8Array(readFileSync(context.paths.traps!))));
    libraries.set(
      'throws',
      await context.pool.load(fileURLToPath(new URL('fixtures/kernels/throws.mjs', import.meta.url))),
    );
  });

  const BAD = 57;
  const N = 100;
  for (const trap of TRAPS) {
    for (const schedule of SCHEDULES) {
      it(`${trap.kernel} at index ${BAD} of ${N}, ${schedule} → KernelError naming it and its range; all else unharmed`, async () => {
        const library = libraries.get(trap.library)!;
        // Values another library holds, which no failure may touch.
        const kept = context.lib.alloc(Float64Array, 16).fill(3.25);
        const out = library.alloc(Int32Array, N);
        const args = trap.kernel === 'trapDivide' ? [BAD, out] : [BAD];
        const error = await context.pool
          .parallelFor(N, library.kernel(trap.kernel, { perIndex: trap.perIndex }), { args, schedule, chunk: 8 })
          .then(
            () => undefined,
            (thrown: unknown) => thrown,
          );
        expect(error, 'the call did not reject').toBeInstanceOf(Error);
        const fields = error as KernelErrorFields;
        expect(fields.name).toBe('KernelError');
        expect(fields.kernel).toBe(trap.kernel);
        expect(fields.lo <= BAD && BAD < fields.hi, `[${fields.lo}, ${fields.hi})`).toBe(true);
        expect(fields.hi - fields.lo).toBeLessThanOrEqual(schedule === 'static' || schedule === 'guided' ? N : 8);
        expect(fields.message).toContain(trap.kernel);
        expect(fields.message).toMatch(trap.says);

        // The failing library still runs, and so do the others.
        const fill = library.alloc(Int32Array, N);
        await context.pool.parallelFor(N, library.kernel('fill'), { args: [fill], schedule });
        expect([...fill]).toEqual([...Array(N).keys()]);
        expect([...kept]).toEqual(Array(16).fill(3.25));
        await expectHealthy(context);
        for (const array of [out, fill]) library.free(array);
        context.lib.free(kept);
      });
    }
  }
});
