// node examples/kernels/integrate.mjs LIBRARY [N] — a kernel of uneven cost under every
// schedule: index i integrates 4 / (1 + x²) over [0, 1] (that is π) with i + 1 panels, so it
// costs i + 1 steps and the second half of [0, N) holds three quarters of the work.
import { createPool, SCHEDULES } from 'parwasm';

const [source, size = '10000'] = process.argv.slice(2);
if (!source) {
  console.error('usage: node examples/kernels/integrate.mjs LIBRARY [N] (a .wasm built as README.md says, or a .mjs)');
  process.exit(2);
}
const n = Number(size);
const pool = await createPool();
try {
  const lib = await pool.load(source);
  const out = lib.alloc(Float64Array, n);
  for (const schedule of SCHEDULES) {
    const { stats } = await pool.parallelFor(n, lib.kernel('integrate'), { args: [out], schedule });
    const line = `${schedule.padEnd(9)} ${stats.wallMs.toFixed(1).padStart(7)} ms, imbalance ${stats.imbalance.toFixed(3)}`;
    console.log(`${line} (${stats.perWorker.map((worker) => worker.items).join(' + ')} items)`);
  }
  console.log(`out[${n - 1}] = ${out[n - 1]}, π - out[${n - 1}] = ${(Math.PI - out[n - 1]).toExponential(1)}`);
  await lib.unload();
} finally {
  await pool.close();
}
