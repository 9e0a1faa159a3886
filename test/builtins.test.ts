// parwasm's own kernels are a library like a user's: the runtime module knows none of them,
// every one is a range kernel `(lo, hi, ...args)` whose arguments are checked against its
// signature, and they share the table with a user's library on the same pool.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from 'parwasm';
import { markRun, parallelFor, validateRunOptionsBag, withTurn } from 'parwasm/internal';
import { readModuleInfo } from '../src/engine/wasm-binary.js';

const dist = (name: string) => readFileSync(new URL(`../dist/${name}`, import.meta.url));

describe('the two modules', () => {
  it('the runtime exports its entry points and constants, and no kernel', () => {
    const functions = WebAssembly.Module.exports(new WebAssembly.Module(dist('parwasm.wasm')))
      .filter((entry) => entry.kind === 'function')
      .map((entry) => entry.name)
      .sort();
    expect(functions).toEqual(['currentHi', 'currentLo', 'runJob', 'setWorker']);
  });

  it.each(['builtins.wasm', 'builtins-fma.wasm'])('every function %s exports is a range kernel', (file) => {
    const info = readModuleInfo(dist(file));
    const kernels = [...info.exports].filter(([, { kind }]) => kind === 'function');
    expect(kernels.length).toBeGreaterThan(20);
    for (const [name, { index }] of kernels) {
      const { params, results } = info.functionTypes[index]!;
      expect([name, params.slice(0, 2), results], name).toEqual([name, ['i32', 'i32'], []]);
    }
    // Both builds export the same kernels, so either can be chosen at run time.
    const names = kernels.map(([name]) => name).sort();
    const other = readModuleInfo(dist(file === 'builtins.wasm' ? 'builtins-fma.wasm' : 'builtins.wasm'));
    expect(
      [...other.exports]
        .filter(([, { kind }]) => kind === 'function')
        .map(([name]) => name)
        .sort(),
    ).toEqual(names);
  });
});

describe('on a pool', () => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await createPool({ workers: 2 });
  });
  afterAll(() => pool.close());

  it('checks a built-in call against the kernel signature before any work', async () => {
    const run = validateRunOptionsBag({}, 'options', pool.size, 'dynamic');
    const outcome = await withTurn(pool, (turn) =>
      parallelFor(turn, { kernel: turn.builtins.kernel('mark'), n: 4, args: [0] }, run).then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    expect(outcome).toMatchObject({ name: 'ValidationError', argument: 'options.args' });
    await withTurn(pool, (turn) => {
      expect(() => turn.builtins.kernel('noSuchKernel')).toThrow(/^name must be an exported function/);
      return Promise.resolve();
    });
    const { counts } = await markRun(pool, 1009, { schedule: 'stealing', chunk: 3 });
    expect(counts.every((count) => count === 1)).toBe(true); // the pool carries on
  });

  it("runs a user's library beside them, in table slots of its own", async () => {
    const lib = await pool.load(new URL('./fixtures/kernels/throws.mjs', import.meta.url));
    const out = lib.alloc(Float64Array, 300);
    await pool.parallelFor(300, lib.kernel('fill'), { args: [out] });
    const { counts, owners } = await markRun(pool, 300, { schedule: 'static' });
    expect(counts.every((count) => count === 1)).toBe(true);
    expect(owners.slice(0, 150).every((rank) => rank === 0) && owners.slice(150).every((rank) => rank === 1)).toBe(
      true,
    );
    expect(Array.from(out)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    await lib.unload();
  });
});
