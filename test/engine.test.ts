// The open engine's own machinery, on modules compiled here and unseen by parwasm's build:
// what the loader reads from a binary, the adapters on every schedule and worker count, arrays
// that outlive a growth of the memory, traps, unloading, and a compiled Module as the source.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, KernelError, SCHEDULES, ValidationError, type KernelLibrary, type Pool } from 'parwasm';
import { parallelFor, terminateWorker, validateRunOptionsBag, withTurn } from 'parwasm/internal';
import { readModuleInfo } from '../src/engine/wasm-binary.js';
import { Regions } from '../src/memory/regions.js';

// Kernels that write through byte offsets, with an i64 and an f32 argument, one that writes
// at absolute addresses from 0, and one that traps where it is told to.
const SOURCE = `
export function axpy(lo: i32, hi: i32, a: f64, x: usize, y: usize): void {
  for (let i = lo; i < hi; i++) {
    const at = <usize>i << 3;
    store<f64>(y + at, a * load<f64>(x + at) + load<f64>(y + at));
  }
}
export function multiples(i: i32, out: usize, k: i64, bias: f32): void {
  store<i64>(out + (<usize>i << 3), <i64>i * k + <i64>bias);
}
export function atZero(lo: i32, hi: i32): void {
  for (let i = lo; i < hi; i++) store<i32>(<usize>i << 2, i * 3 + 1);
}
export function trapAt(lo: i32, hi: i32, at: i32): void {
  if (at >= lo && at < hi) unreachable();
}
`;

let bytes: Uint8Array<ArrayBuffer>;
beforeAll(() => {
  // The asc command line in a folder of its own, so that the project's asconfig.json stays out.
  const dir = mkdtempSync(join(tmpdir(), 'parwasm-as-'));
  writeFileSync(join(dir, 'k.ts'), SOURCE);
  const asc = fileURLToPath(new URL('../node_modules/.bin/asc', import.meta.url));
  const flags =
    '-O3 --runtime stub --importMemory --sharedMemory --initialMemory 16 --maximumMemory 256 --enable threads';
  const built = spawnSync(asc, ['k.ts', ...flags.split(' '), '-o', 'k.wasm'], { cwd: dir });
  if (built.status !== 0) throw new Error(built.stderr.toString());
  bytes = new Uint8Array(readFileSync(join(dir, 'k.wasm')));
}, 60_000);

describe('reading a module', () => {
  it('finds the memory limits and the export signatures the compiler was given', () => {
    const info = readModuleInfo(bytes);
    expect(info.imports.find((entry) => entry.kind === 'memory')?.limits).toEqual({
      initial: 16,
      maximum: 256,
      shared: true,
    });
    const typeOf = (name: string) => info.functionTypes[info.exports.get(name)!.index];
    expect(typeOf('axpy')).toEqual({ params: ['i32', 'i32', 'f64', 'i32', 'i32'], results: [] });
    expect(typeOf('multiples')).toEqual({ params: ['i32', 'i32', 'i64', 'f32'], results: [] });
  });
});

describe('regions of a library memory', () => {
  it('never overlap, stay inside the limit, and are reused after free', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(5000)), { maxLength: 60 }), (steps) => {
        const memory = new WebAssembly.Memory({ initial: 1, maximum: 8, shared: true });
        const regions = new Regions(memory, 100, 8 * 65536);
        const live = new Map<number, number>();
        for (const [free, size] of steps) {
          const first = live.keys().next();
          if (free && !first.done) {
            regions.free(first.value);
            live.delete(first.value);
            continue;
          }
          const offset = regions.alloc(size);
          if (offset === undefined) continue;
          expect(offset % 64).toBe(0);
          expect(offset).toBeGreaterThanOrEqual(100);
          expect(offset + size).toBeLessThanOrEqual(memory.buffer.byteLength);
          for (const [other, otherSize] of live) {
            expect(offset + Math.max(size, 1) <= other || other + Math.max(otherSize, 1) <= offset).toBe(true);
          }
          live.set(offset, size);
        }
        for (const offset of live.keys()) regions.free(offset);
        // Everything freed: the whole space is one free range again.
        expect(regions.alloc(8 * 65536 - 128)).toBe(128);
      }),
    );
  });
});

describe.each([1, 2, 3, 5])('an AssemblyScript library on %i workers', (workers) => {
  let pool: Pool;
  let lib: KernelLibrary;
  beforeAll(async () => {
    pool = await createPool({ workers });
    lib = await pool.load(bytes);
  });
  afterAll(() => pool.close());

  it.each(SCHEDULES)('computes every index once with %s', async (schedule) => {
    for (const n of [0, 1, 97, 1000]) {
      const x = lib.alloc(Float64Array, n);
      const y = lib.alloc(Float64Array, n);
      x.forEach((_, i) => (x[i] = i * 0.5));
      y.fill(1);
      const { stats } = await pool.parallelFor(n, lib.kernel('axpy'), { args: [3, x, y], schedule, chunk: 7 });
      expect(Array.from(y)).toEqual(Array.from({ length: n }, (_, i) => 3 * (i * 0.5) + 1));
      expect(stats.perWorker.reduce((sum, worker) => sum + worker.items, 0)).toBe(n);

      const out = lib.alloc(BigInt64Array, n);
      await pool.parallelFor(n, lib.kernel('multiples', { perIndex: true }), { args: [out, 7n, 2.75], schedule });
      expect(Array.from(out)).toEqual(Array.from({ length: n }, (_, i) => BigInt(i) * 7n + 2n));
      for (const array of [x, y, out]) lib.free(array);
    }
  });
});

describe('one library on a pool', () => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await createPool({ workers: 2 });
  });
  afterAll(() => pool.close());

  it('lets a kernel write at absolute addresses, which alloc never hands out', async () => {
    const lib = await pool.load(bytes);
    const first = lib.alloc(Int32Array, 4);
    expect(first.byteOffset).toBeGreaterThanOrEqual(16 * 65536); // above the declared initial memory
    await pool.parallelFor(1000, lib.kernel('atZero'), { schedule: 'cyclic', chunk: 3 });
    expect(Array.from(new Int32Array(lib.memory.buffer, 0, 1000))).toEqual(
      Array.from({ length: 1000 }, (_, i) => i * 3 + 1),
    );
    await lib.unload();
  });

  it('keeps arrays allocated before a growth valid', async () => {
    const lib = await pool.load(bytes, { maxMemory: 64 * 65536 });
    const x = lib.alloc(Float64Array, 10).fill(2);
    const y = lib.alloc(Float64Array, 10).fill(1);
    const before = lib.memory.buffer.byteLength;
    const large = lib.alloc(Float64Array, 300_000); // grows the memory
    expect(lib.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(x.buffer).not.toBe(lib.memory.buffer);
    await pool.parallelFor(10, lib.kernel('axpy'), { args: [2, x, y] });
    expect(Array.from(y)).toEqual(new Array(10).fill(5));
    expect(() => lib.alloc(Float64Array, 64 * 8192)).toThrow(RangeError);
    lib.free(large);
    await lib.unload();
  });

  it('turns a trap into a KernelError naming the kernel and the range, and goes on', async () => {
    const lib = await pool.load(bytes);
    const error = await pool
      .parallelFor(100, lib.kernel('trapAt'), { args: [57], schedule: 'static', chunk: 1 })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(KernelError);
    expect(error).toMatchObject({ name: 'KernelError', kernel: 'trapAt', lo: 57, hi: 58 });
    expect((error as Error).message).toMatch(/unreachable/);
    const x = lib.alloc(Float64Array, 50).fill(1);
    const y = lib.alloc(Float64Array, 50);
    await pool.parallelFor(50, lib.kernel('axpy'), { args: [4, x, y] });
    expect(Array.from(y)).toEqual(new Array(50).fill(4));
    await lib.unload();
  });

  it('refuses bad input before any work, naming the argument', async () => {
    const lib = await pool.load(bytes);
    const other = await pool.load(bytes);
    const x = lib.alloc(Float64Array, 8);
    const freed = lib.alloc(Float64Array, 8);
    lib.free(freed);
    const axpy = lib.kernel('axpy');
    const typo = { chunck: 2 };
    const rows: [() => unknown, string][] = [
      [() => lib.kernel('nope'), 'name'],
      [() => pool.parallelFor(-1, axpy, { args: [1, x, x] }), 'n'],
      [() => pool.parallelFor(8, axpy, { args: [1, x] }), 'options.args'],
      [() => pool.parallelFor(8, axpy, { args: ['1', x, x] }), 'options.args[0]'],
      [() => pool.parallelFor(8, axpy, { args: [1, new Float64Array(8), x] }), 'options.args[1]'],
      [() => pool.parallelFor(8, axpy, { args: [1, other.alloc(Float64Array, 8), x] }), 'options.args[1]'],
      [() => pool.parallelFor(8, axpy, { args: [1, freed, x] }), 'options.args[1]'],
      [() => pool.parallelFor(8, axpy, { args: [1, x, x], ...typo }), 'options.chunck'],
      [() => pool.parallelFor(8, {} as never, {}), 'kernel'],
      [() => lib.alloc(Float64Array, -1), 'length'],
      [() => lib.free(new Float64Array(2)), 'array'],
      [() => pool.load('/nonexistent/kernels.wasm'), 'source'],
      [() => pool.load(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])), 'source'], // no memory import
      [() => pool.load(bytes, { maxMemory: 257 * 65536 }), 'options.maxMemory'],
    ];
    for (const [call, argument] of rows) {
      let error: unknown;
      try {
        await call();
      } catch (thrown) {
        error = thrown;
      }
      expect(error, argument).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).argument, argument).toBe(argument);
      expect((error as Error).message.startsWith(`${argument} must be`), argument).toBe(true);
    }
    await other.unload();
    await lib.unload();
    expect(() => lib.kernel('axpy')).toThrow(/^lib must be a library that is still loaded/);
    await expect(pool.parallelFor(8, axpy, { args: [1, x, x] })).rejects.toMatchObject({
      name: 'ValidationError',
      argument: 'kernel',
    });
  });

  it.each(SCHEDULES)("runs an index space that starts past 0 (the descriptor's lo) with %s", async (schedule) => {
    // As a cluster node would: only [lo, lo + n) of a larger space, each index once.
    const [lo, n] = [1000, 777];
    const counts = await withTurn(pool, async (turn) => {
      const at = turn.arena.alloc(4 * (lo + n));
      turn.arena.u32(at, lo + n).fill(0);
      const owners = turn.arena.alloc(4 * (lo + n));
      const run = validateRunOptionsBag({ schedule, chunk: 5 }, 'options', pool.size, 'dynamic');
      const kernel = turn.builtins.kernel('mark');
      await parallelFor(turn, { kernel, lo, n, args: [at, owners] }, run);
      return Array.from(turn.arena.u32(at, lo + n));
    });
    expect(counts).toEqual(Array.from({ length: lo + n }, (_, i) => (i >= lo ? 1 : 0)));
  });

  it('loads its libraries on a worker that replaces a dead one', async () => {
    const lib = await pool.load(bytes);
    await terminateWorker(pool, 1);
    const x = lib.alloc(Float64Array, 500).fill(1);
    const y = lib.alloc(Float64Array, 500);
    const { stats } = await pool.parallelFor(500, lib.kernel('axpy'), { args: [2, x, y], schedule: 'static' });
    expect(Array.from(y)).toEqual(new Array(500).fill(2));
    expect(stats.perWorker[1]!.items).toBe(250); // the replacement computed its block
    await lib.unload();
  });

  it('refuses a kernel of another pool, and unloads quietly once its pool is closed', async () => {
    const second = await createPool({ workers: 1 });
    const lib = await second.load(bytes);
    await expect(pool.parallelFor(1, lib.kernel('atZero'))).rejects.toMatchObject({ argument: 'kernel' });
    await second.close();
    await lib.unload();
  });

  it('loads a compiled WebAssembly.Module by probing it', async () => {
    const lib = await pool.load(new WebAssembly.Module(bytes));
    const out = lib.alloc(BigInt64Array, 30);
    await pool.parallelFor(30, lib.kernel('multiples', { perIndex: true }), { args: [out, -3n, 0.5] });
    expect(Array.from(out)).toEqual(Array.from({ length: 30 }, (_, i) => BigInt(i) * -3n));
    await lib.unload();
  });
});

describe('a C library (clang)', () => {
  const clang = spawnSync('clang', ['--version']).status === 0;
  // A per-index kernel that uses its shadow stack: with one stack shared by the workers, the
  // local arrays of simultaneous calls overwrite each other.
  const C = `
static void fill(volatile int *b, int i) { for (int j = 0; j < 64; j++) b[j] = i + j; }
__attribute__((noinline)) static int sum(volatile int *b) { int s = 0; for (int j = 0; j < 64; j++) s += b[j]; return s; }
void stacked(int i, int *out) { volatile int b[64]; for (int r = 0; r < 20; r++) fill(b, i); out[i] = sum(b); }
`;
  it.skipIf(!clang).each([1, 3])('gives each of %i workers its own stack', async (workers) => {
    const dir = mkdtempSync(join(tmpdir(), 'parwasm-c-'));
    writeFileSync(join(dir, 'k.c'), C);
    const flags = ['--target=wasm32', '-O2', '-matomics', '-mbulk-memory', '-mmutable-globals', '-nostdlib'];
    const link = '-Wl,--no-entry,--export=stacked,--import-memory,--shared-memory,--max-memory=16777216';
    const built = spawnSync('clang', [
      ...flags,
      link,
      '-Wl,--export=__stack_pointer',
      '-o',
      join(dir, 'k.wasm'),
      join(dir, 'k.c'),
    ]);
    expect(built.stderr.toString()).toBe('');
    const pool = await createPool({ workers });
    try {
      const lib = await pool.load(readFileSync(join(dir, 'k.wasm')));
      const n = 20_000;
      const out = lib.alloc(Int32Array, n);
      await pool.parallelFor(n, lib.kernel('stacked', { perIndex: true }), {
        args: [out],
        schedule: 'dynamic',
        chunk: 3,
      });
      expect(out.every((value, i) => value === 64 * i + 2016)).toBe(true);
      // Linked without exporting its stack pointer: refused, with the flag to add.
      spawnSync('clang', [...flags, link, '-o', join(dir, 'hidden.wasm'), join(dir, 'k.c')]);
      await expect(pool.load(join(dir, 'hidden.wasm'))).rejects.toThrow(/--export=__stack_pointer/);
    } finally {
      await pool.close();
    }
  });
});

describe('a JavaScript library', () => {
  let pool: Pool;
  let url: string;
  beforeAll(async () => {
    pool = await createPool({ workers: 3 });
    const dir = mkdtempSync(join(tmpdir(), 'parwasm-js-'));
    url = join(dir, 'kernels.mjs');
    writeFileSync(
      url,
      `export function scale(lo, hi, a, x) { for (let i = lo; i < hi; i++) x[i] *= a; }
       export function square(i, out) { out[i] = i * i; }
       export function fail(lo, hi, at) { if (at >= lo && at < hi) throw new RangeError('no ' + at); }`,
    );
  });
  afterAll(() => pool.close());

  it.each(SCHEDULES)('runs range and per-index kernels with %s', async (schedule) => {
    const lib = await pool.load(url);
    const x = lib.alloc(Float64Array, 501).fill(2);
    const out = lib.alloc(Int32Array, 501);
    await pool.parallelFor(501, lib.kernel('scale'), { args: [1.5, x], schedule, chunk: 4 });
    await pool.parallelFor(501, lib.kernel('square', { perIndex: true }), { args: [out], schedule });
    expect(Array.from(x)).toEqual(new Array(501).fill(3));
    expect(Array.from(out)).toEqual(Array.from({ length: 501 }, (_, i) => i * i));
    await lib.unload();
  });

  it('turns a throw into a KernelError', async () => {
    const lib = await pool.load(url);
    await expect(pool.parallelFor(10, lib.kernel('fail'), { args: [6], chunk: 1 })).rejects.toMatchObject({
      name: 'KernelError',
      kernel: 'fail',
      lo: 6,
      hi: 7,
      detail: 'RangeError: no 6',
    });
    await lib.unload();
  });
});
