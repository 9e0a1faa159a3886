// Every operation of parwasm/browser in Chromium, against the Node pool run in the test
// process on the same input: the same numbers, bit for bit.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';
import { createPool, SCHEDULES, type Pool } from 'parwasm';
import { seededRandom } from '../helpers.js';
import { BUILDS, buildKernel } from '../kernel-modules.js';
import { browserTests, chromiumSession, parwasmPage } from './chromium.js';

const { describe, it } = browserTests;

const SHAPES: [number, number, number][] = [
  [13, 7, 5],
  [1, 1, 1],
  [0, 3, 2],
  [3, 0, 4],
  [31, 17, 29],
];

function randomArray(length: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length }, () => random() * 2 - 1);
}

describe('parwasm/browser operations in Chromium', () => {
  const session = chromiumSession();
  let node: Pool;
  beforeAll(async () => {
    node = await createPool({ workers: 2 });
  });
  afterAll(() => node?.close());

  it('multiplies matrices as the Node pool does, f64 and f32, on every schedule', async () => {
    const cases = SHAPES.flatMap(([m, n, k], i) =>
      (['f64', 'f32'] as const).map((dtype) => ({
        m,
        n,
        k,
        dtype,
        a: randomArray(m * k, 2 * i + 1),
        b: randomArray(k * n, 2 * i + 2),
      })),
    );
    const page = await parwasmPage(session.browser, session.isolated);
    const inBrowser = await page.evaluate(
      async ({ cases, schedules }) => {
        const pool = await window.parwasm.createPool({ workers: 2 });
        const results: number[][] = [];
        for (const { m, n, k, dtype, a, b } of cases) {
          const Type = dtype === 'f64' ? Float64Array : Float32Array;
          for (const schedule of schedules) {
            const c = await pool.matmul(
              { rows: m, cols: k, data: Type.from(a) },
              { rows: k, cols: n, data: Type.from(b) },
              { schedule, chunk: 1 },
            );
            results.push([...c.data]);
          }
        }
        await pool.close();
        return results;
      },
      { cases, schedules: [...SCHEDULES] },
    );
    let at = 0;
    for (const { m, n, k, dtype, a, b } of cases) {
      const Type = dtype === 'f64' ? Float64Array : Float32Array;
      for (const schedule of SCHEDULES) {
        const expected = await node.matmul(
          { rows: m, cols: k, data: Type.from(a) },
          { rows: k, cols: n, data: Type.from(b) },
          { schedule, chunk: 1 },
        );
        expect(inBrowser[at++], `${m}×${k}·${k}×${n} ${dtype} ${schedule}`).toEqual([...expected.data]);
      }
    }
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('counts words as the Node pool does on every schedule, and refuses files as Node-only', async () => {
    const documents = [
      'The quick brown fox — jumps over the lazy dog. THE END',
      '',
      'Ünïcödé wörds, 42 numbers and ΑΒΓ greek; the fox again',
      'x'.repeat(5000) + ' fox',
    ];
    const page = await parwasmPage(session.browser, session.isolated);
    const inBrowser = await page.evaluate(
      async ({ documents, schedules }) => {
        const pool = await window.parwasm.createPool({ workers: 2 });
        const results = [];
        for (const schedule of schedules) results.push(await pool.wordCount(documents, { schedule, chunk: 1 }));
        const files = await pool.wordCount({ files: ['/etc/hostname'] }).catch((error: Error) => error);
        const after = await pool.wordCount(['still usable']);
        await pool.close();
        return {
          counts: results.map((result) => [...result.counts].sort(([x], [y]) => (x < y ? -1 : 1))),
          totalWords: results.map((result) => result.totalWords),
          files: { name: (files as Error).name, message: (files as Error).message },
          after: [...after.counts].sort(([x], [y]) => (x < y ? -1 : 1)),
        };
      },
      { documents, schedules: [...SCHEDULES] },
    );
    for (const [i, schedule] of SCHEDULES.entries()) {
      const expected = await node.wordCount(documents, { schedule, chunk: 1 });
      expect(inBrowser.counts[i], schedule).toEqual([...expected.counts].sort(([x], [y]) => (x < y ? -1 : 1)));
      expect(inBrowser.totalWords[i], schedule).toBe(expected.totalWords);
    }
    expect(inBrowser.files.name).toBe('ValidationError');
    expect(inBrowser.files.message).toMatch(/^input must be .*files are Node-only/);
    expect(inBrowser.after).toEqual([
      ['still', 1],
      ['usable', 1],
    ]);
    await page.close();
  });

  it("runs users' kernels: a JavaScript module by URL, wasm bytes, a compiled Module, a wasm URL", async () => {
    const wasm = [...readFileSync(await buildKernel(BUILDS.assemblyscript))];
    const page = await parwasmPage(session.browser, session.isolated);
    await page.route('**/user-kernels.wasm', (route) =>
      route.fulfill({ body: Buffer.from(wasm), contentType: 'application/wasm' }),
    );
    const outcome = await page.evaluate(async (wasm) => {
      const pool = await window.parwasm.createPool({ workers: 2 });
      const n = 1001;
      const saxpyWith = async (source: string | Uint8Array | WebAssembly.Module) => {
        const lib = await pool.load(source);
        const x = lib.alloc(Float64Array, n);
        const y = lib.alloc(Float64Array, n);
        for (let i = 0; i < n; i++) [x[i], y[i]] = [i, 1];
        await pool.parallelFor(n, lib.kernel('saxpy'), { args: [2.5, x, y], schedule: 'guided' });
        const same = y.every((value, i) => value === 2.5 * i + 1);
        await lib.unload();
        return same;
      };
      const bytes = Uint8Array.from(wasm);
      const results = {
        javascript: await saxpyWith('/examples/kernels/javascript/kernels.mjs'),
        bytes: await saxpyWith(bytes),
        module: await saxpyWith(await WebAssembly.compile(bytes)),
        url: await saxpyWith('user-kernels.wasm'),
      };
      // pool.alloc: an array in the pool's own memory, written in place by mandelbrot.
      const out = pool.alloc(Uint32Array, 12 * 5);
      await pool.mandelbrot({ width: 12, height: 5, xmin: -2, xmax: 0.5, ymin: -1, ymax: 1, maxIter: 50, out });
      const image = [...out];
      pool.free(out);
      await pool.close();
      return { results, image };
    }, wasm);
    expect(outcome.results).toEqual({ javascript: true, bytes: true, module: true, url: true });
    const expected = await node.mandelbrot({
      width: 12,
      height: 5,
      xmin: -2,
      xmax: 0.5,
      ymin: -1,
      ymax: 1,
      maxIter: 50,
    });
    expect(outcome.image).toEqual([...expected.data]);
    expect(page.errors).toEqual([]);
    await page.close();
  });
});
