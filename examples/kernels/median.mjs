// node examples/kernels/median.mjs c/kernels.wasm — a per-index kernel in C that uses its
// stack: each index sorts a window of its neighbours in a local array. parwasm gives every
// worker a stack of its own through the module's exported __stack_pointer.
import { createPool } from 'parwasm';

const source = process.argv[2];
if (!source) {
  console.error('usage: node examples/kernels/median.mjs KERNELS.wasm (built from c/kernels.c as README.md says)');
  process.exit(2);
}
const n = 100_000;
const radius = 8;
const pool = await createPool();
try {
  const lib = await pool.load(source);
  const signal = lib.alloc(Float64Array, n);
  const smooth = lib.alloc(Float64Array, n);
  // A sine wave with spikes, which a median filter removes.
  for (let i = 0; i < n; i++) signal[i] = Math.sin(i / 1000) + (i % 97 === 0 ? 50 : 0);
  const median = lib.kernel('median', { perIndex: true });
  const { stats } = await pool.parallelFor(n, median, { args: [signal, smooth, n, radius], chunk: 256 });
  const spikes = (values) => values.filter((value) => value > 2).length;
  console.log(`median filter over ${n} items on ${stats.workers} workers, ${stats.wallMs.toFixed(2)} ms`);
  console.log(`spikes: ${spikes(signal)} before, ${spikes(smooth)} after`);
  await lib.unload();
} finally {
  await pool.close();
}
