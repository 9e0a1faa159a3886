// Users' own kernels on the pool (issue 14): libraries built here from source by
// AssemblyScript and by clang — modules parwasm never saw at its own build time — and an ES
// module of JavaScript kernels, run with every schedule on 1, 2, 3 and 5 workers over awkward
// index spaces, must give exactly what a one-thread TypeScript reference gives, with
// telemetry that follows the schedules' rules.
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, SCHEDULES, type Pool } from 'parwasm';
import { kernelPool, type KernelArray, type KernelLibrary, type KernelPool } from './kernel-contract.js';
import { AWKWARD_SIZES, KERNEL_CASES, type CaseLibrary, type KernelCase, type Toolchain } from './kernel-cases.js';
import { BUILDS, buildKernel } from './kernel-modules.js';
import { firstDifference, integrateReference, medianReference, random, saxpyReference } from './kernel-references.js';
import { needs, type Needed } from './os-package.js';
import { expectStatsFollowRule, expectTraceFollowsRule } from './schedule-rules.js';

const JS_KERNELS = new URL('../examples/kernels/javascript/kernels.mjs', import.meta.url);
const WORKER_COUNTS = [1, 2, 3, 5];
/** The schedule's default chunk, one item, and a chunk that divides none of the sizes. */
const CHUNKS = [undefined, 1, 3];
const clang = needs('clang', 'clang lld');
const testsOf: Record<Toolchain, Needed['it']> = { assemblyscript: it, c: clang.it, javascript: it };

const built: { assemblyscript?: string; c?: string } = {};
beforeAll(async () => {
  built.assemblyscript = await buildKernel(BUILDS.assemblyscript);
  if (clang.found) built.c = await buildKernel(BUILDS.c);
}, 300_000);

/** Every kind of source `pool.load` takes, one per pool size: bytes, a file URL, a compiled
 * module, a path. */
function wasmSource(path: string, workers: number): string | URL | Uint8Array | WebAssembly.Module {
  switch (workers) {
    case 1:
      return new Uint8Array(readFileSync(path));
    case 2:
      return pathToFileURL(path);
    case 3:
      return new WebAssembly.Module(readFileSync(path));
    default:
      return path;
  }
}

/** A library that remembers what a case allocates, so that it can be freed after the run. */
function tracking(library: KernelLibrary): CaseLibrary & { freeAll(): void } {
  const arrays: KernelArray[] = [];
  return {
    alloc(type, length) {
      const array = library.alloc(type, length);
      arrays.push(array);
      return array;
    },
    freeAll: () => arrays.splice(0).forEach((array) => library.free(array)),
  };
}

/** Runs a case on `library` over [0, n) and checks its outputs against the reference. */
async function runCase(
  pool: KernelPool,
  library: KernelLibrary,
  fixture: KernelCase,
  n: number,
  options: { schedule: (typeof SCHEDULES)[number]; chunk?: number; seed: number },
) {
  const allocations = tracking(library);
  const { kernel, perIndex } = fixture;
  const { args, outputs } = fixture.prepare(n, allocations, random(options.seed), () => library.memory.buffer);
  const { schedule, chunk } = options;
  const result = await pool.parallelFor(n, library.kernel(kernel, { perIndex }), { args, schedule, chunk });
  for (const { actual, expected } of outputs()) {
    expect(firstDifference(actual, expected), `${kernel}, n = ${n}, ${schedule}, chunk ${chunk}`).toBeUndefined();
  }
  allocations.freeAll();
  return result.stats;
}

for (const workers of WORKER_COUNTS) {
  describe(`a pool of ${workers} worker${workers > 1 ? 's' : ''}`, () => {
    let pool: Pool;
    const libraries = new Map<Toolchain, KernelLibrary>();
    beforeAll(async () => {
      pool = kernelPool(await createPool({ workers }));
      libraries.set('assemblyscript', await pool.load(wasmSource(built.assemblyscript!, workers)));
      if (built.c) libraries.set('c', await pool.load(wasmSource(built.c, workers)));
      libraries.set('javascript', await pool.load(workers % 2 === 0 ? JS_KERNELS : fileURLToPath(JS_KERNELS)));
    }, 60_000);
    afterAll(() => pool?.close());

    for (const fixture of KERNEL_CASES) {
      for (const toolchain of fixture.toolchains) {
        const shape = fixture.perIndex ? 'per-index' : 'range';
        testsOf[toolchain](
          `${toolchain} ${fixture.kernel} (${shape}): every schedule and chunk, n in ${AWKWARD_SIZES.join(', ')}, exactly the reference, telemetry by the rule`,
          async () => {
            const library = libraries.get(toolchain)!;
            for (const schedule of SCHEDULES) {
              for (const chunk of CHUNKS) {
                for (const n of AWKWARD_SIZES) {
                  const stats = await runCase(pool, library, fixture, n, { schedule, chunk, seed: n * 7 + workers });
                  expectStatsFollowRule(stats, { n, schedule, chunk, workers });
                }
              }
            }
          },
          120_000,
        );
      }
    }

    it('trace: every chunk of [0, n) once, where the schedule puts it', async () => {
      const library = libraries.get('assemblyscript')!;
      const n = 97;
      for (const schedule of SCHEDULES) {
        const x = library.alloc(Float64Array, n).fill(1);
        const y = library.alloc(Float64Array, n);
        const { stats } = await pool.parallelFor(n, library.kernel('saxpy'), {
          args: [2, x, y],
          schedule,
          chunk: 4,
          trace: true,
        });
        expect([...y]).toEqual(Array(n).fill(2));
        expectStatsFollowRule(stats, { n, schedule, chunk: 4, workers });
        expectTraceFollowsRule(stats, { n, schedule, chunk: 4, workers });
        library.free(x);
        library.free(y);
      }
    });

    clang.it('C per-index kernel on its stack: many workers at once, each on its own stack', async () => {
      // A wide window sorted on the stack, one index per claim: workers sharing one stack
      // would overwrite each other's windows (NOTES-wasm-threads.md: 95,105 of 400,000 wrong).
      const library = libraries.get('c')!;
      const n = 20_011;
      const radius = 32;
      const x = library.alloc(Float64Array, n);
      x.set(Array.from({ length: n }, random(3)));
      const out = library.alloc(Float64Array, n).fill(NaN);
      await pool.parallelFor(n, library.kernel('median', { perIndex: true }), {
        args: [x, out, n, radius],
        schedule: 'dynamic',
        chunk: 1,
      });
      expect(firstDifference(out, medianReference(x, radius))).toBeUndefined();
      library.free(x);
      library.free(out);
    });
  });
}

describe('memory of a library', () => {
  let pool: Pool;
  beforeAll(async () => {
    pool = kernelPool(await createPool({ workers: 2 }));
  });
  afterAll(() => pool?.close());

  it('the AssemblyScript kernel writes its image at address 0, and alloc stays above the module’s 1 MiB', async () => {
    const library = await pool.load(built.assemblyscript!);
    const marker = library.alloc(Uint32Array, 4).fill(0xdeadbeef);
    expect(marker.byteOffset).toBeGreaterThanOrEqual(16 * 65536); // --initialMemory 16, no __heap_base export
    const mandelbrot = KERNEL_CASES.find((fixture) => fixture.kernel === 'mandelbrotRow')!;
    await runCase(pool, library, mandelbrot, 211, { schedule: 'stealing', seed: 1 });
    expect([...marker]).toEqual(Array(4).fill(0xdeadbeef));
    await library.unload();
  });

  it('arrays allocated before the memory grows stay valid arguments, and read what kernels wrote', async () => {
    const library = await pool.load(built.assemblyscript!);
    const n = 1000;
    const x = library.alloc(Float64Array, n);
    const y = library.alloc(Float64Array, n);
    x.set(Array.from({ length: n }, random(5)));
    y.set(Array.from({ length: n }, random(6)));
    const before = library.memory.buffer.byteLength;
    const large = library.alloc(Uint8Array, 8 << 20); // past the 1 MiB the memory starts with
    expect(library.memory.buffer.byteLength).toBeGreaterThan(before);
    const expected = saxpyReference(3, x, y);
    await pool.parallelFor(n, library.kernel('saxpy'), { args: [3, x, y], schedule: 'guided' });
    expect(firstDifference(y, expected)).toBeUndefined();
    // And the array that made it grow, on the new buffer, is an argument like any other.
    const f64 = new Float64Array(large.buffer, large.byteOffset, n);
    f64.set(x);
    await pool.parallelFor(n, library.kernel('saxpy'), { args: [1, x, f64], schedule: 'static' });
    expect(
      firstDifference(
        f64,
        x.map((value) => value + value),
      ),
    ).toBeUndefined();
    await library.unload();
  });

  it('two libraries of one module have separate memories', async () => {
    const [first, second] = [await pool.load(built.assemblyscript!), await pool.load(built.assemblyscript!)];
    expect(first.memory).not.toBe(second.memory);
    const a = first.alloc(Float64Array, 64);
    const b = second.alloc(Float64Array, 64).fill(7);
    await pool.parallelFor(64, first.kernel('integrate'), { args: [a] });
    expect(firstDifference(a, integrateReference(64))).toBeUndefined();
    expect([...b]).toEqual(Array(64).fill(7));
    await Promise.all([first.unload(), second.unload()]);
  });
});

describe('abort', () => {
  let pool: Pool;
  let library: KernelLibrary;
  beforeAll(async () => {
    pool = kernelPool(await createPool({ workers: 2 }));
    library = await pool.load(built.assemblyscript!);
  });
  afterAll(() => pool?.close());

  it('a signal aborted during the run rejects it with AbortError before the work is done; the pool goes on', async () => {
    // ~1.1·10⁹ steps: seconds of work, so the first progress report comes long before the end.
    const n = 48_000;
    const out = library.alloc(Float64Array, n).fill(NaN);
    const controller = new AbortController();
    const error = await pool
      .parallelFor(n, library.kernel('integrate'), {
        args: [out],
        schedule: 'dynamic',
        chunk: 16,
        signal: controller.signal,
        onProgress: (done, total) => {
          if (done < total) controller.abort(new Error('enough'));
        },
      })
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(out.filter(Number.isNaN).length, 'indices never computed').toBeGreaterThan(0);
    const small = library.alloc(Float64Array, 100);
    await pool.parallelFor(100, library.kernel('integrate'), { args: [small] });
    expect(firstDifference(small, integrateReference(100))).toBeUndefined();
  });

  it('a signal aborted before the call rejects it without running the kernel', async () => {
    const out = library.alloc(Float64Array, 50).fill(NaN);
    const error = await pool
      .parallelFor(50, library.kernel('integrate'), { args: [out], signal: AbortSignal.abort() })
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(out.every(Number.isNaN)).toBe(true);
  });
});
