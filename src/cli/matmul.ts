// parwasm matmul: multiply two random matrices and report GFLOP/s.
import { createPool } from '../pool/pool.js';
import { RUN_FLAGS, RUN_FLAGS_HELP, runOptions, summary, workerRows } from './run-flags.js';
import { parseCommand, positiveInteger, UsageError } from './usage.js';

const HELP = `usage: parwasm matmul [--n N] [--m M] [--k K] [--dtype f64|f32] [--repeat R] [run flags]

Multiplies a random M × K matrix by a random K × N one (values in [-1, 1)) and reports the
median time of R runs in GFLOP/s (2·M·N·K / time).

  --n N           columns of B and C (default: 1024); --m and --k default to N
  --dtype D       f64 or f32 (default: f64)
  --repeat R      runs to take the median of (default: 5)
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
  const n = positiveInteger(flags.n, 'n') ?? 1024;
  const m = positiveInteger(flags.m, 'm') ?? n;
  const k = positiveInteger(flags.k, 'k') ?? n;
  const dtype = flags.dtype ?? 'f64';
  if (dtype !== 'f64' && dtype !== 'f32') throw new UsageError(`--dtype must be f64 or f32 (got '${dtype}')`);
  const repeat = positiveInteger(flags.repeat, 'repeat') ?? 5;
  const [a, b] = [randomMatrix(m, k, dtype), randomMatrix(k, n, dtype)];
  await using pool = await createPool({ workers: positiveInteger(flags.workers, 'workers') });
  const runs = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    const result = await pool.matmul(a, b, runOptions(flags));
    runs.push({ ms: performance.now() - start, stats: result.stats });
  }
  runs.sort((x, y) => x.ms - y.ms);
  const median = runs[Math.floor(runs.length / 2)]!;
  const gflops = (2 * m * n * k) / (median.ms * 1e6);
  if (flags.json) {
    console.log(JSON.stringify({ m, n, k, dtype, medianMs: median.ms, gflops, stats: median.stats }, null, 2));
    return;
  }
  console.log(
    `matmul ${m}×${k} by ${k}×${n} ${dtype}: median ${median.ms.toFixed(2)} ms of ${repeat}, ${gflops.toFixed(2)} GFLOP/s`,
  );
  console.log(`  ${summary(median.stats)}`);
  console.table(workerRows(median.stats));
}

/** A rows × cols matrix of values drawn uniformly from [-1, 1). */
export function randomMatrix(rows: number, cols: number, dtype: 'f64' | 'f32') {
  const data = dtype === 'f64' ? new Float64Array(rows * cols) : new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = Math.random() * 2 - 1;
  return { rows, cols, data };
}
