// parwasm's own kernels: a kernel library like any user's (src/ops/builtins.ts loads it on the
// pool's memory). Every export is a range kernel `(lo, hi, ...args)`, its arguments byte
// offsets of regions and sizes; the ops call them by name. Built with --runtime stub: kernels
// never allocate and never write static data, because every worker's instance shares the
// memory. Adding a kernel: export it here, call it from its op.
import { mandelbrotRows } from "./mandelbrot";
import { packB, multiplyTiles, multiplyRows, Fused, Separate } from "./matmul";

export { hello } from "./hello";
export { mark, spin, fault } from "./synthetic";
export { zeroBlocks, ZERO_BLOCK } from "./memory-ops";
export { countWords, mergePartitions, gatherWords } from "./wordcount";
export { WORDCOUNT_INITIAL_CAPACITY, WORDCOUNT_ENTRY_BYTES, WORDCOUNT_STATE_BYTES, WORDCOUNT_ARENA_SLACK } from "./wordcount";
export { readFiles, statFiles } from "./host";
export { MATMUL_MR, MATMUL_NR_BYTES, MATMUL_KC, MATMUL_MC, MATMUL_NC, MATMUL_FMA, MATMUL_COLUMN_BLOCK } from "./matmul";

export function mandelbrotScalar(
  lo: i32, hi: i32, out: usize, width: i32, maxIter: i32, xmin: f64, ymax: f64, dx: f64, dy: f64,
  rowStride: i32, rowPhase: i32,
): void {
  mandelbrotRows<f64>(lo, hi, out, width, maxIter, xmin, ymax, dx, dy, rowStride, rowPhase);
}

export function mandelbrotSimd(
  lo: i32, hi: i32, out: usize, width: i32, maxIter: i32, xmin: f64, ymax: f64, dx: f64, dy: f64,
  rowStride: i32, rowPhase: i32,
): void {
  mandelbrotRows<v128>(lo, hi, out, width, maxIter, xmin, ymax, dx, dy, rowStride, rowPhase);
}

// Matmul, per element type (F64, F32) and, for the multiplying kernels, unfused or fused
// (Fma: real only in the relaxed-SIMD build, where MATMUL_FMA = 1). See matmul.ts.
export function packBF64(lo: i32, hi: i32, b: usize, packed: usize, n: i32, k: i32, panelJ0: i32, width: i32): void {
  packB<f64>(lo, hi, b, packed, n, k, panelJ0, width);
}
export function packBF32(lo: i32, hi: i32, b: usize, packed: usize, n: i32, k: i32, panelJ0: i32, width: i32): void {
  packB<f32>(lo, hi, b, packed, n, k, panelJ0, width);
}

export function tilesF64(
  lo: i32, hi: i32, a: usize, c: usize, packedB: usize, scratch: usize, m: i32, n: i32, k: i32,
  tileColumns: i32, panelJ0: i32, width: i32, firstTile: i32,
): void {
  multiplyTiles<f64, Separate>(lo, hi, a, c, packedB, scratch, m, n, k, tileColumns, panelJ0, width, firstTile);
}
export function tilesF32(
  lo: i32, hi: i32, a: usize, c: usize, packedB: usize, scratch: usize, m: i32, n: i32, k: i32,
  tileColumns: i32, panelJ0: i32, width: i32, firstTile: i32,
): void {
  multiplyTiles<f32, Separate>(lo, hi, a, c, packedB, scratch, m, n, k, tileColumns, panelJ0, width, firstTile);
}
export function tilesFmaF64(
  lo: i32, hi: i32, a: usize, c: usize, packedB: usize, scratch: usize, m: i32, n: i32, k: i32,
  tileColumns: i32, panelJ0: i32, width: i32, firstTile: i32,
): void {
  multiplyTiles<f64, Fused>(lo, hi, a, c, packedB, scratch, m, n, k, tileColumns, panelJ0, width, firstTile);
}
export function tilesFmaF32(
  lo: i32, hi: i32, a: usize, c: usize, packedB: usize, scratch: usize, m: i32, n: i32, k: i32,
  tileColumns: i32, panelJ0: i32, width: i32, firstTile: i32,
): void {
  multiplyTiles<f32, Fused>(lo, hi, a, c, packedB, scratch, m, n, k, tileColumns, panelJ0, width, firstTile);
}

export function rowsF64(lo: i32, hi: i32, a: usize, b: usize, c: usize, n: i32, k: i32, blocks: i32): void {
  multiplyRows<f64, Separate>(lo, hi, a, b, c, n, k, blocks);
}
export function rowsF32(lo: i32, hi: i32, a: usize, b: usize, c: usize, n: i32, k: i32, blocks: i32): void {
  multiplyRows<f32, Separate>(lo, hi, a, b, c, n, k, blocks);
}
export function rowsFmaF64(lo: i32, hi: i32, a: usize, b: usize, c: usize, n: i32, k: i32, blocks: i32): void {
  multiplyRows<f64, Fused>(lo, hi, a, b, c, n, k, blocks);
}
export function rowsFmaF32(lo: i32, hi: i32, a: usize, b: usize, c: usize, n: i32, k: i32, blocks: i32): void {
  multiplyRows<f32, Fused>(lo, hi, a, b, c, n, k, blocks);
}
