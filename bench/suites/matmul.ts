// Matrix multiplication in GFLOP/s (2mnk / t): plain JS ikj, ml-matrix, a piscina pool
// running the same ikj loop on row blocks, and parwasm on 1 and N workers, static beside
// dynamic, unfused beside fused (fma: true, where the runtime has relaxed SIMD), on ordinary
// arrays beside arrays from `pool.alloc` (A, B and `out` in the pool's memory: no copy in or
// out). parwasm's rows give the call's time (copies in and out and the fresh result array
// included) and the kernels' own time (packing and tiles, from the result's stats). Then
// awkward shapes against plain JS, and memory-bound shapes (inputs in the pool's memory)
// against a plain Float64Array copy.
import { Matrix as MlMatrix } from 'ml-matrix';
import { Piscina } from 'piscina';
import { createPool, type Pool } from 'parwasm';
import { matmulJs, type DenseMatrix } from '../../src/baselines/matmul.js';
import type { RowBlockTask } from '../peers/matmul-task.js';
import { formatMs, measure, printTable, type Row, type TaskSpec } from '../measure.js';
import type { SuiteOptions } from '../options.js';

// Peers that take longer than ~10 s a run above this size are left out.
const SLOW_PEER_LIMIT = 1024;

export async function matmul({ workers, sizes, timeMs }: SuiteOptions): Promise<void> {
  const most = Math.max(...workers);
  await using pool = await createPool({ workers: most });
  const piscina = new Piscina({
    filename: new URL('./matmul-task.js', import.meta.url).href,
    minThreads: most,
    maxThreads: most,
  });
  const probe = { rows: 1, cols: 1, data: new Float64Array([1]) };
  const fused = (await pool.matmul(probe, probe, { fma: true })).fma;
  console.log(`\nfused multiply-add (relaxed SIMD): ${fused ? 'available' : 'not available in this runtime'}`);
  for (const dtype of [Float64Array, Float32Array]) {
    for (const n of sizes ?? [256, 512, 1024, 2048]) {
      const a = randomMatrix(n, n, dtype);
      const b = randomMatrix(n, n, dtype);
      const tasks: TaskSpec[] = [];
      if (n <= SLOW_PEER_LIMIT) {
        tasks.push({ name: 'plain JS ikj, 1 thread', fn: () => void matmulJs(a, b) });
        if (dtype === Float64Array) {
          const [ma, mb] = [toMl(a), toMl(b)];
          tasks.push({ name: 'ml-matrix mmul, 1 thread', fn: () => void ma.mmul(mb) });
        }
        tasks.push({ name: `piscina ikj row blocks, ${most} threads`, fn: () => piscinaProduct(piscina, a, b, most) });
      }
      const inPool = { a: toPool(pool, a), b: toPool(pool, b), out: allocLike(pool, a.data, n * n) };
      const kernelMs = new Map<string, number[]>();
      for (const zeroCopy of [false, true]) {
        for (const count of workers) {
          for (const schedule of count > 1 ? (['static', 'dynamic'] as const) : (['dynamic'] as const)) {
            for (const fma of fused ? [false, true] : [false]) {
              const name =
                `parwasm, ${count} worker${count > 1 ? `s, ${schedule}` : ''}${fma ? ', fma' : ''}` +
                (zeroCopy ? ', pool.alloc arrays' : '');
              const times: number[] = [];
              kernelMs.set(name, times);
              const options = { workers: count, schedule, fma };
              tasks.push({
                name,
                fn: async () => {
                  const { stats, packStats } = zeroCopy
                    ? await pool.matmul(inPool.a, inPool.b, { ...options, out: inPool.out })
                    : await pool.matmul(a, b, options);
                  times.push(stats.wallMs + (packStats?.wallMs ?? 0));
                },
              });
            }
          }
        }
      }
      const rows = await measure(tasks, timeMs, 5);
      for (const array of [inPool.a.data, inPool.b.data, inPool.out]) pool.free(array);
      const js = rows.find((row) => row.task.startsWith('plain JS'));
      const kernel = (row: Row) => median(kernelMs.get(row.task));
      printTable(`Matmul ${dtype === Float64Array ? 'f64' : 'f32'}, n = ${n}`, rows, {
        'call GFLOP/s': (row: Row) => gflops(n, n, n, row.medianMs),
        'vs plain JS': (row: Row) => (js ? `${(js.medianMs / row.medianMs).toFixed(1)}×` : ''),
        'kernels (median)': (row: Row) => (kernel(row) === undefined ? '' : formatMs(kernel(row)!)),
        'kernels GFLOP/s': (row: Row) => (kernel(row) === undefined ? '' : gflops(n, n, n, kernel(row)!)),
      });
    }
  }
  await awkwardShapes(pool, most, timeMs);
  await memoryBound(pool, most, timeMs);
  await piscina.destroy();
}

/** Shapes where blocking helps least: parwasm must never be slower than plain JS here. */
async function awkwardShapes(pool: Pool, workers: number, timeMs: number): Promise<void> {
  const shapes: [number, number, number][] = [
    [1, 1024, 1024],
    [1024, 1024, 1],
    [4096, 3, 5],
    [3, 4096, 5],
    [97, 89, 101],
    [257, 263, 269],
  ];
  for (const [m, k, n] of shapes) {
    const a = randomMatrix(m, k, Float64Array);
    const b = randomMatrix(k, n, Float64Array);
    const rows = await measure(
      [
        { name: 'plain JS ikj, 1 thread', fn: () => void matmulJs(a, b) },
        {
          name: `parwasm, ${workers} workers`,
          fn: async () => {
            await pool.matmul(a, b);
          },
        },
      ],
      timeMs,
    );
    printTable(`Matmul f64, awkward shape ${m}×${k} by ${k}×${n}`, rows, {
      'GFLOP/s': (row: Row) => gflops(m, n, k, row.medianMs),
      'vs plain JS': (row: Row) => `${(rows[0]!.medianMs / row.medianMs).toFixed(1)}×`,
    });
  }
}

/** Products that read each input element once (1×k by k×n, m×k by k×1), with A, B and `out`
 * from `pool.alloc`: bytes of the large input over the kernels' time and over the call's,
 * beside a plain `Float64Array.prototype.set` of as many bytes into an array written before,
 * measured in the same run. */
async function memoryBound(pool: Pool, workers: number, timeMs: number): Promise<void> {
  const shapes: [number, number, number][] = [
    [1, 1024, 1024],
    [1024, 1024, 1],
    [1, 2048, 2048],
    [2048, 2048, 1],
  ];
  for (const [m, k, n] of shapes) {
    const a = toPool(pool, randomMatrix(m, k, Float64Array));
    const b = toPool(pool, randomMatrix(k, n, Float64Array));
    const out = pool.alloc(Float64Array, m * n);
    const bytes = Math.max(a.data.byteLength, b.data.byteLength);
    const source = new Float64Array(bytes / 8).fill(1);
    const target = new Float64Array(bytes / 8).fill(0);
    const kernelMs: number[] = [];
    let onCaller = false;
    const rows = await measure(
      [
        { name: `Float64Array.prototype.set, ${bytes >> 20} MiB`, fn: () => target.set(source) },
        {
          name: `parwasm (pool of ${workers} workers), pool.alloc arrays`,
          fn: async () => {
            const { stats } = await pool.matmul(a, b, { out });
            kernelMs.push(stats.wallMs);
            onCaller = stats.onCaller === true;
          },
        },
      ],
      timeMs,
    );
    for (const array of [a.data, b.data, out]) pool.free(array);
    const [copy, product] = rows as [Row, Row];
    const kernel = median(kernelMs)!;
    const where = onCaller ? 'on the calling thread' : `on ${workers} workers`;
    printTable(`Matmul f64, memory-bound ${m}×${k} by ${k}×${n}, pool.alloc arrays (ran ${where})`, rows, {
      'GB/s (call)': (row: Row) => gbPerSecond(bytes, row.medianMs),
      'vs copy (call)': (row: Row) => percent(copy.medianMs, row.medianMs),
      'kernels (median)': (row: Row) => (row === product ? formatMs(kernel) : ''),
      'GB/s (kernels)': (row: Row) => (row === product ? gbPerSecond(bytes, kernel) : ''),
      'vs copy (kernels)': (row: Row) => (row === product ? percent(copy.medianMs, kernel) : ''),
    });
  }
}

function gbPerSecond(bytes: number, ms: number): string {
  return (bytes / (ms * 1e6)).toFixed(1);
}

function percent(copyMs: number, ms: number): string {
  return `${((100 * copyMs) / ms).toFixed(0)} %`;
}

/** A copy of a matrix in the pool's memory (`pool.alloc`), which matmul reads in place. */
function toPool(pool: Pool, matrix: DenseMatrix): DenseMatrix {
  const data = allocLike(pool, matrix.data, matrix.data.length);
  data.set(matrix.data);
  return { rows: matrix.rows, cols: matrix.cols, data };
}

function allocLike(pool: Pool, like: Float64Array | Float32Array, length: number): Float64Array | Float32Array {
  return like instanceof Float64Array ? pool.alloc(Float64Array, length) : pool.alloc(Float32Array, length);
}

function median(values: number[] | undefined): number | undefined {
  if (!values || values.length === 0) return undefined;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[sorted.length >> 1];
}

function gflops(m: number, n: number, k: number, ms: number): string {
  return ((2 * m * n * k) / (ms * 1e6)).toFixed(2);
}

function randomMatrix(
  rows: number,
  cols: number,
  dtype: Float64ArrayConstructor | Float32ArrayConstructor,
): DenseMatrix {
  // Shared, so that the piscina peer's tasks read the inputs without a copy.
  const buffer = new SharedArrayBuffer(rows * cols * dtype.BYTES_PER_ELEMENT);
  const data = dtype === Float64Array ? new Float64Array(buffer) : new Float32Array(buffer);
  for (let i = 0; i < data.length; i++) data[i] = Math.random() * 2 - 1;
  return { rows, cols, data };
}

function toMl(matrix: DenseMatrix): MlMatrix {
  return new MlMatrix(
    Array.from({ length: matrix.rows }, (_, i) =>
      Array.from(matrix.data.subarray(i * matrix.cols, (i + 1) * matrix.cols)),
    ),
  );
}

async function piscinaProduct(piscina: Piscina, a: DenseMatrix, b: DenseMatrix, threads: number): Promise<void> {
  const [m, k, n] = [a.rows, a.cols, b.cols];
  const bytes = a.data.BYTES_PER_ELEMENT;
  const c =
    bytes === 8
      ? new Float64Array(new SharedArrayBuffer(m * n * 8))
      : new Float32Array(new SharedArrayBuffer(m * n * 4));
  await Promise.all(
    Array.from({ length: threads }, (_, t) => {
      const task: RowBlockTask = {
        a: a.data,
        b: b.data,
        c,
        m,
        k,
        n,
        lo: Math.floor((m * t) / threads),
        hi: Math.floor((m * (t + 1)) / threads),
      };
      return piscina.run(task);
    }),
  );
}
