// Fused multiply-add kernels (options.fma). Node 20 validates relaxed SIMD only behind a V8
// flag, set here before the first pool compiles parwasm's module (this file runs in a process
// of its own); Node >= 22 has it on by default. The fallback where the runtime lacks it is in
// matmul-fma-fallback.test.ts.
import { execFileSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, SCHEDULES, ValidationError, type Pool } from 'parwasm';
import { matmulReference, relativeFrobeniusError, type DenseMatrix } from '../src/baselines/matmul.js';

setFlagsFromString('--experimental-wasm-relaxed-simd');

const POOL_SIZES = [1, 2, 3];
let pools: Pool[] = [];
beforeAll(async () => {
  pools = await Promise.all(POOL_SIZES.map((workers) => createPool({ workers })));
});
afterAll(() => Promise.all(pools.map((pool) => pool.close())));

function random(rows: number, cols: number, f64: boolean, seed: number): DenseMatrix {
  const data = f64 ? new Float64Array(rows * cols) : new Float32Array(rows * cols);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state / 2 ** 31 - 1;
  }
  return { rows, cols, data };
}

// Thin (rows path), packed with ragged edges, several panels of B (k = 4200).
const SHAPES: [number, number, number][] = [
  [1, 300, 200],
  [200, 300, 1],
  [4096, 3, 5],
  [97, 89, 101],
  [129, 513, 259],
  [21, 4200, 600],
];

describe('matmul with fma: true', () => {
  it.each(SHAPES)('%i×%i by %i columns agrees with the float64 reference, fused', async (m, k, n) => {
    for (const f64 of [true, false]) {
      const a = random(m, k, f64, m + k);
      const b = random(k, n, f64, n);
      const c = await pools[1]!.matmul(a, b, { fma: true });
      expect(c.fma).toBe(true);
      expect(c.data.constructor).toBe(a.data.constructor);
      const error = relativeFrobeniusError(c.data, matmulReference(a, b));
      expect(error).toBeLessThanOrEqual(f64 ? 1e-12 : 1e-5);
    }
  });

  it('gives the same bits whatever the schedule and worker count, and not those of the unfused kernels', async () => {
    for (const [m, k, n] of [
      [150, 300, 170],
      [300, 200, 7], // the thin path: fused along rows of 2 lanes, the odd column not
    ]) {
      const a = random(m!, k!, true, 3);
      const b = random(k!, n!, true, 4);
      const first = await pools[0]!.matmul(a, b, { fma: true, schedule: 'static' });
      for (const pool of pools) {
        for (const schedule of SCHEDULES) {
          expect((await pool.matmul(a, b, { fma: true, schedule })).data).toEqual(first.data);
        }
      }
      // One rounding instead of two per step: some of the sums must come out differently.
      const unfused = await pools[1]!.matmul(a, b);
      expect(unfused.fma).toBe(false);
      expect(first.data.some((value, i) => value !== unfused.data[i])).toBe(true);
    }
  });

  it('refuses an fma that is not a boolean before any work', async () => {
    const a = random(2, 2, true, 1);
    const error = await pools[0]!.matmul(a, a, { fma: 1 as never }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/^options\.fma must be a boolean/);
  });
});

it('runs fused in a process started with --experimental-wasm-relaxed-simd, whose workers start', () => {
  const script = `
    const { createPool } = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
    const pool = await createPool({ workers: 2 });
    const a = { rows: 40, cols: 40, data: new Float64Array(1600).fill(0.1) };
    console.log((await pool.matmul(a, a, { fma: true, trace: true })).fma);
    await pool.close();`;
  const output = execFileSync(
    process.execPath,
    ['--experimental-wasm-relaxed-simd', '--input-type=module', '--eval', script],
    { encoding: 'utf8' },
  );
  expect(output.trim()).toBe('true');
});
