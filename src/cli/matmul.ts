// parwasm matmul: multiply two random matrices and report GFLOP/s.
import { createPool } from '../pool/create-pool.js';
import { measure } from './measure.js';
import { tooLarge } from './memory-flag.js';
import { poolOptions, progressBar, RUN_FLAGS, RUN_FLAGS_HELP, runOptions, summary, workerRows } from './run-flags.js';
import { parseCommand, positiveInteger, UsageError } from './usage.js';

const WARMUP = 2;

const HELP = `usage: parwasm matmul [--n N] [--m M] [--k K] [--dtype f64|f32] [--repeat R] [run flags]

Multiplies a random M × K matrix by a random K × N one (values in [-1, 1)) and reports
GFLOP/s (2·M·N·K / time) of the median of R timed runs, after ${WARMUP} warm-up runs, with the
slowest and fastest run beside it. A, B and C are made in the pool's memory (pool.alloc),
so the runs time the product itself, with no copy in or out.

  --n N           columns of B and C (default: 1024); --m and --k default to N
  --dtype D       f64 or f32 (default: f64)
  --repeat R      timed runs to take the median of (default: 15)
${RUN_FLAGS_HELP}`;

export async function runMatmul(args: string[]): Promise<void> {
  const flags = parseCommand(args, {
    ...RUN_FLAGS,
    n: { type: 'string' },
    m: { type: 'string' },
    k: { type: 'string' },
    dtype: { type: 'string' },
    repeat: { type: 'string' },
  });
  if (flags.help) return void console.log(HELP);
  const { m, n, k, dtype } = productShape(flags);
  const repeat = positiveInteger(flags.repeat, 'repeat') ?? 15;
  const options = poolOptions(flags);
  // A, B and C live in the pool's memory (pool.alloc: no copy in or out, so the figure is
  // the kernels' and the dispatch's), so they must fit --max-memory together (the library adds
  // its packing buffers): refused here, before building inputs that could take many seconds.
  const bytes = (m * k + k * n + m * n) * (dtype === 'f64' ? 8 : 4);
  if (bytes > options.maxMemory)
    throw tooLarge(`a ${m}×${k} by ${k}×${n} product: A, B and C need`, bytes, options.maxMemory);
  const run = runOptions(flags);
  await using pool = await createPool(options);
  const inPool = (length: number) =>
    dtype === 'f64' ? pool.alloc(Float64Array, length) : pool.alloc(Float32Array, length);
  const [a, b] = [randomMatrix(m, k, dtype, inPool(m * k)), randomMatrix(k, n, dtype, inPool(k * n))];
  const out = inPool(m * n);
  const bar = progressBar(
    'matmul',
    (done, total) => `run ${Math.min(Math.floor(done / m) + 1, total / m)} of ${total / m}`,
  );
  const runs = WARMUP + repeat;
  const { timing, median } = await measure(
    (i) => pool.matmul(a, b, { ...run, out, onProgress: (done) => bar.update(i * m + done, runs * m) }),
    WARMUP,
    repeat,
  ).finally(() => bar.stop());
  const gflops = (ms: number): number => (2 * m * n * k) / (ms * 1e6);
  if (flags.json) {
    console.log(
      JSON.stringify(
        {
          m,
          n,
          k,
          dtype,
          warmup: WARMUP,
          repeat,
          medianMs: timing.medianMs,
          minMs: timing.minMs,
          maxMs: timing.maxMs,
          gflops: gflops(timing.medianMs),
          stats: median.stats,
        },
        null,
        2,
      ),
    );
    return;
  }
  console.log(
    `matmul ${m}×${k} by ${k}×${n} ${dtype}: ${gflops(timing.medianMs).toFixed(1)} GFLOP/s ` +
      `(median of ${repeat} runs after ${WARMUP} warm-up runs: ${timing.medianMs.toFixed(2)} ms; ` +
      `range ${gflops(timing.maxMs).toFixed(1)}-${gflops(timing.minMs).toFixed(1)} GFLOP/s)`,
  );
  console.log(`  ${summary(median.stats)}`);
  console.table(workerRows(median.stats));
}

/** --m, --n, --k and --dtype of a matmul command: n defaults to 1024, m and k to n. */
export function productShape(flags: { m?: string; n?: string; k?: string; dtype?: string }): {
  m: number;
  n: number;
  k: number;
  dtype: 'f64' | 'f32';
} {
  const n = positiveInteger(flags.n, 'n') ?? 1024;
  const m = positiveInteger(flags.m, 'm') ?? n;
  const k = positiveInteger(flags.k, 'k') ?? n;
  const dtype = flags.dtype ?? 'f64';
  if (dtype !== 'f64' && dtype !== 'f32') throw new UsageError(`--dtype must be f64 or f32 (got '${dtype}')`);
  return { m, n, k, dtype };
}

/** A rows × cols matrix of values drawn uniformly from [-1, 1), in `data` (a new ordinary
 * array by default). */
export function randomMatrix(
  rows: number,
  cols: number,
  dtype: 'f64' | 'f32',
  data: Float64Array | Float32Array = dtype === 'f64' ? new Float64Array(rows * cols) : new Float32Array(rows * cols),
) {
  for (let i = 0; i < data.length; i++) data[i] = Math.random() * 2 - 1;
  return { rows, cols, data };
}
