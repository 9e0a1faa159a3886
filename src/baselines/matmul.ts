// Matrix multiplication in plain JavaScript: the ikj loop on typed arrays that a Node user
// would write. It is the benchmarks' peer, the tour's baseline and, accumulating in float64,
// the tests' reference.
export interface DenseMatrix<D extends Float64Array | Float32Array = Float64Array | Float32Array> {
  rows: number;
  cols: number;
  data: D;
}

/** C = A·B with the i-k-j loop order (unit stride on B and C), in the inputs' dtype. */
export function matmulJs<D extends Float64Array | Float32Array>(a: DenseMatrix<D>, b: DenseMatrix<D>): DenseMatrix<D> {
  const [m, k, n] = [a.rows, a.cols, b.cols];
  const c = new (a.data.constructor as new (length: number) => D)(m * n);
  ikj(a.data, b.data, c, m, k, n, 0, m);
  return { rows: m, cols: n, data: c };
}

/** Rows [rowLo, rowHi) of C = A·B, accumulating into `c`, which must start at zero. */
export function ikj(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  c: Float64Array | Float32Array,
  m: number,
  k: number,
  n: number,
  rowLo: number,
  rowHi: number,
): void {
  for (let i = rowLo; i < Math.min(rowHi, m); i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p]!;
      const bRow = p * n;
      const cRow = i * n;
      for (let j = 0; j < n; j++) c[cRow + j]! += aip * b[bRow + j]!;
    }
  }
}

/** The float64 reference of A·B for inputs of either dtype. */
export function matmulReference(a: DenseMatrix, b: DenseMatrix): Float64Array {
  const c = new Float64Array(a.rows * b.cols);
  ikj(a.data, b.data, c, a.rows, a.cols, b.cols, 0, a.rows);
  return c;
}

/** ‖C − R‖_F / ‖R‖_F (0 when both are zero). */
export function relativeFrobeniusError(c: ArrayLike<number>, reference: ArrayLike<number>): number {
  let difference = 0;
  let norm = 0;
  for (let i = 0; i < reference.length; i++) {
    difference += (c[i]! - reference[i]!) ** 2;
    norm += reference[i]! ** 2;
  }
  return norm === 0 ? Math.sqrt(difference) : Math.sqrt(difference / norm);
}
