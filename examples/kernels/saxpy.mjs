// node examples/kernels/saxpy.mjs LIBRARY — y = a·x + y over half a million items on every worker,
// with a kernel library of your own: kernels.wasm built from assemblyscript/ or c/ (see
// README.md), or javascript/kernels.mjs as it is.
import { createPool } from 'parwasm';

const source = process.argv[2];
if (!source) {
  console.error('usage: node examples/kernels/saxpy.mjs LIBRARY (a .wasm built as README.md says, or a .mjs)');
  process.exit(2);
}
const n = 500_000; // two arrays of 4 MB: the AssemblyScript example may grow to 16 MiB (--maximumMemory 256)
const pool = await createPool();
try {
  const lib = await pool.load(source);
  // Arrays on the library's own shared memory: every worker reads and writes them in place.
  const x = lib.alloc(Float64Array, n);
  const y = lib.alloc(Float64Array, n);
  for (let i = 0; i < n; i++) [x[i], y[i]] = [i, 1];
  const { stats } = await pool.parallelFor(n, lib.kernel('saxpy'), { args: [2.5, x, y], schedule: 'dynamic' });
  const same = y.every((value, i) => value === 2.5 * i + 1);
  console.log(
    `saxpy over ${n} items on ${stats.workers} workers: ${same ? 'the same as' : 'NOT the same as'} plain JavaScript`,
  );
  console.log(`${stats.wallMs.toFixed(2)} ms, ${stats.perWorker.map((worker) => worker.chunks).join(' + ')} chunks`);
  await lib.unload();
} finally {
  await pool.close();
}
