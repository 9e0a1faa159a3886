// Kernels for parwasm in JavaScript: an ES module whose exported functions take `(lo, hi,
// ...args)` (range kernels) or `(i, ...args)` (per-index kernels). Arrays from `lib.alloc`
// arrive as typed arrays of the same type on the library's shared memory, which every worker
// sees; numbers arrive as numbers. No build step: `await pool.load(new URL('./kernels.mjs',
// import.meta.url))`. The same kernels as ../assemblyscript/kernels.ts, for comparison.

/** A range kernel: y[i] = a * x[i] + y[i] for i in [lo, hi). */
export function saxpy(lo, hi, a, x, y) {
  for (let i = lo; i < hi; i++) y[i] = a * x[i] + y[i];
}

/** A per-index kernel of uneven cost: out[i] = the number of Collatz steps from i + 1 to 1. */
export function collatz(i, out) {
  let value = i + 1; // its path stays below 2^53, exact in a double, for every i + 1 below 3 × 10^8
  let steps = 0;
  while (value !== 1) {
    value = value % 2 === 1 ? 3 * value + 1 : value / 2;
    steps++;
  }
  out[i] = steps;
}

/** A range kernel of uneven cost: out[i] = the midpoint rule for the integral of
 * 4 / (1 + x²) over [0, 1] with i + 1 panels (index i costs i + 1 steps). */
export function integrate(lo, hi, out) {
  for (let i = lo; i < hi; i++) {
    const panels = i + 1;
    const h = 1 / panels;
    let sum = 0;
    for (let k = 0; k < panels; k++) {
      const x = (k + 0.5) * h;
      sum += 4 / (1 + x * x);
    }
    out[i] = sum * h;
  }
}
