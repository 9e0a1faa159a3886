// The piscina peer's task: rows [lo, hi) of C = A·B with the plain-JS ikj loop, on matrices
// in SharedArrayBuffers (so the peer pays for no copies either).
import { ikj } from '../../src/baselines/matmul.js';

export interface RowBlockTask {
  a: Float64Array | Float32Array;
  b: Float64Array | Float32Array;
  c: Float64Array | Float32Array;
  m: number;
  k: number;
  n: number;
  lo: number;
  hi: number;
}

export default function rowBlock({ a, b, c, m, k, n, lo, hi }: RowBlockTask): void {
  c.fill(0, lo * n, hi * n);
  ikj(a, b, c, m, k, n, lo, hi);
}
