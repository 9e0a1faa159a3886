// Matrix multiplication C = A·B (row-major, C is m × n, A is m × k, B is k × n) for f64 and
// f32, in the shape of BLIS / GotoBLAS: B is cut into column panels (a few tile columns
// wide, k deep); each panel is packed into column slivers (a parallel phase of its own),
// then the tiles of C under that panel run, each packing its rows of A into the worker's
// scratch and running a register-tiled micro-kernel over the packed slivers. So the packed
// copy of B is one panel, not the whole of B. Products too thin to pay for packing take a
// row-by-row path instead.
//
// The micro-kernel keeps an MR × NR block of C in 8 vector accumulators (4 rows × 2
// vectors). More would fit the 16 xmm registers on paper, but V8's register allocator then
// spills: measured at n = 1024, f64, one worker, 6 × 2 accumulators ran at 10.5 GFLOP/s,
// 5 × 2 at 9.7, 4 × 2 at 17-21. Unrolling the k loop by 4 made it slower too (11.6).
//
// Every kernel comes in two flavours, picked by a marker type F: `Separate` multiplies and
// adds (f64x2.mul + f64x2.add, two roundings), `Fused` uses relaxed SIMD's madd, which fuses
// where the CPU has FMA. The Fused flavour is real only in the build with relaxed SIMD
// (dist/builtins-fma.wasm, MATMUL_FMA = 1); in the plain build it compiles to Separate.
//
//   Arguments: each kernel's parameters (byte offsets of A, B, C and the buffers, sizes);
//   the scratch holds one packed-A block per worker.
import { rank } from "./worker";

export type Fused = bool;
export type Separate = i32;
// Whether this build's Fused kernels fuse: the host offers `fma: true` only where it does.
export const MATMUL_FMA: i32 = ASC_FEATURE_RELAXED_SIMD ? 1 : 0;

// c + a·b, rounded once (Fused, relaxed-SIMD build) or twice.
// @ts-ignore: decorator
@inline function madd<T, F>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    if (sizeof<F>() == sizeof<Fused>()) return v128.relaxed_madd<T>(a, b, c);
  }
  return v128.add<T>(c, v128.mul<T>(a, b));
}

export const MATMUL_MR: i32 = 4;
// Bytes of a row of a packed sliver of B: two vectors, whatever the element type.
export const MATMUL_NR_BYTES: i32 = 32;
// Depth of a k block: a 4 × 256 sliver of packed A (8 KiB in f64) and a 256 × 4 sliver of
// packed B (8 KiB) stay in the 32 KiB L1 data cache while the micro-kernel streams them.
export const MATMUL_KC: i32 = 256;
// Rows of a tile: its packed A block, 64 × 256 (128 KiB in f64), stays in the 1 MiB L2 cache
// while every sliver of B passes over it.
export const MATMUL_MC: i32 = 64;
// Columns of a tile: 64 tiles for n = m = 1024, enough for the schedules to balance.
export const MATMUL_NC: i32 = 256;

// @ts-ignore: decorator
@inline function nr<T>(): i32 { return MATMUL_NR_BYTES / sizeof<T>(); }

// Phase 1, index = column sliver j of B (global: columns j*NR .. j*NR+NR) inside the panel
// that starts at column PANEL_J0 and is PANEL_WIDTH columns wide (a multiple of NR). Element
// (p, jj) of the sliver for block k0 lies at k0 * PANEL_WIDTH + (j*NR - PANEL_J0) * kc + p * NR + jj.
// Columns past n are packed as zeros.
// @ts-ignore: decorator
@inline export function packB<T>(lo: i32, hi: i32, b: usize, packed: usize, n: i32, k: i32, panelJ0: i32, width: i32): void {
  const NR = nr<T>();
  for (let j = lo; j < hi; j++) {
    const j0 = j * NR;
    for (let k0 = 0; k0 < k; k0 += MATMUL_KC) {
      const kc = min(MATMUL_KC, k - k0);
      let out = packed + (<usize>k0 * width + <usize>(j0 - panelJ0) * kc) * sizeof<T>();
      for (let p = k0; p < k0 + kc; p++) {
        const row = b + <usize>p * n * sizeof<T>();
        if (j0 + NR <= n) {
          // A whole sliver row is two vectors: copy them as such.
          v128.store(out, v128.load(row + <usize>j0 * sizeof<T>()));
          v128.store(out, v128.load(row + <usize>j0 * sizeof<T>(), 16), 16);
          out += MATMUL_NR_BYTES;
          continue;
        }
        for (let jj = j0; jj < j0 + NR; jj++) {
          store<T>(out, jj < n ? load<T>(row + <usize>jj * sizeof<T>()) : <T>0);
          out += sizeof<T>();
        }
      }
    }
  }
}

// Phase 2, index = tile of C (MC rows × NC columns) under the packed panel: tiles are
// numbered panel by panel, row-major inside a panel of TILE_COLUMNS tile columns, the
// panel's first being PANEL_FIRST_TILE.
// @ts-ignore: decorator
@inline export function multiplyTiles<T, F>(
  lo: i32, hi: i32, a: usize, c: usize, packedB: usize, scratch: usize, m: i32, n: i32, k: i32,
  tileColumns: i32, panelJ0: i32, width: i32, firstTile: i32,
): void {
  const NR = nr<T>();
  const packedA = scratch + <usize>rank * MATMUL_MC * MATMUL_KC * sizeof<T>();
  for (let tile = lo; tile < hi; tile++) {
    const local = tile - firstTile;
    const i0 = (local / tileColumns) * MATMUL_MC;
    const iEnd = min(i0 + MATMUL_MC, m);
    const j0 = panelJ0 + (local % tileColumns) * MATMUL_NC;
    const jEnd = min(j0 + MATMUL_NC, n);
    for (let k0 = 0; k0 < k; k0 += MATMUL_KC) {
      const kc = min(MATMUL_KC, k - k0);
      packA<T>(a, packedA, i0, iEnd, k0, kc, k);
      const panelB = packedB + <usize>k0 * width * sizeof<T>();
      for (let j = j0; j < jEnd; j += NR) {
        const sliverB = panelB + <usize>(j - panelJ0) * kc * sizeof<T>();
        for (let i = i0; i < iEnd; i += MATMUL_MR) {
          const sliverA = packedA + <usize>(i - i0) * kc * sizeof<T>();
          microKernel<T, F>(sliverA, sliverB, kc, c, i, j, min(MATMUL_MR, iEnd - i), min(NR, jEnd - j), n, k0 > 0);
        }
      }
    }
  }
}

// Packs A[i0..iEnd, k0..k0+kc) as slivers of MR rows: element (p, ii) of the sliver for row
// i at (i - i0) * kc + p * MR + ii. Rows past iEnd are packed as zeros.
// @ts-ignore: decorator
@inline function packA<T>(a: usize, packed: usize, i0: i32, iEnd: i32, k0: i32, kc: i32, k: i32): void {
  let out = packed;
  for (let i = i0; i < iEnd; i += MATMUL_MR) {
    for (let p = k0; p < k0 + kc; p++) {
      for (let ii = i; ii < i + MATMUL_MR; ii++) {
        store<T>(out, ii < iEnd ? load<T>(a + (<usize>ii * k + p) * sizeof<T>()) : <T>0);
        out += sizeof<T>();
      }
    }
  }
}

// C[i.., j..] (+)= packed A sliver · packed B sliver, for an MR × NR block of which the first
// `rows` × `cols` lie inside C.
// @ts-ignore: decorator
@inline function microKernel<T, F>(
  pa: usize, pb: usize, kc: i32, c: usize, i: i32, j: i32, rows: i32, cols: i32, n: i32, accumulate: bool,
): void {
  let c00 = v128.splat<T>(0), c01 = v128.splat<T>(0);
  let c10 = v128.splat<T>(0), c11 = v128.splat<T>(0);
  let c20 = v128.splat<T>(0), c21 = v128.splat<T>(0);
  let c30 = v128.splat<T>(0), c31 = v128.splat<T>(0);
  // The loop runs on the packed-A pointer: a step counter beside it cost one more add and a
  // compare against a spilled bound in V8's code.
  const paEnd = pa + <usize>kc * MATMUL_MR * sizeof<T>();
  while (pa < paEnd) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let ai = splatLoad<T>(pa, 0);
    c00 = madd<T, F>(ai, b0, c00); c01 = madd<T, F>(ai, b1, c01);
    ai = splatLoad<T>(pa, 1);
    c10 = madd<T, F>(ai, b0, c10); c11 = madd<T, F>(ai, b1, c11);
    ai = splatLoad<T>(pa, 2);
    c20 = madd<T, F>(ai, b0, c20); c21 = madd<T, F>(ai, b1, c21);
    ai = splatLoad<T>(pa, 3);
    c30 = madd<T, F>(ai, b0, c30); c31 = madd<T, F>(ai, b1, c31);
    pa += MATMUL_MR * sizeof<T>();
    pb += 32;
  }
  const row = c + (<usize>i * n + j) * sizeof<T>();
  const stride = <usize>n * sizeof<T>();
  const full = cols == nr<T>();
  storeRow<T>(row, c00, c01, cols, full, accumulate);
  if (rows > 1) storeRow<T>(row + stride, c10, c11, cols, full, accumulate);
  if (rows > 2) storeRow<T>(row + 2 * stride, c20, c21, cols, full, accumulate);
  if (rows > 3) storeRow<T>(row + 3 * stride, c30, c31, cols, full, accumulate);
}

// The lane's offset goes into the load's immediate offset, which V8 folds into the address:
// computed as `pa + lane * size`, an i32 add that may wrap, it cost a `lea` per load, and the
// micro-kernel ran 5 % slower (f64, one thread: 19.9-20.0 against 21.0 GFLOP/s).
// @ts-ignore: decorator
@inline function splatLoad<T>(pa: usize, lane: i32): v128 {
  if (sizeof<T>() == 8) {
    switch (lane) {
      case 0: return v128.load64_splat(pa);
      case 1: return v128.load64_splat(pa, 8);
      case 2: return v128.load64_splat(pa, 16);
      default: return v128.load64_splat(pa, 24);
    }
  }
  switch (lane) {
    case 0: return v128.load32_splat(pa);
    case 1: return v128.load32_splat(pa, 4);
    case 2: return v128.load32_splat(pa, 8);
    default: return v128.load32_splat(pa, 12);
  }
}

// Writes one row of an accumulator block (two vectors) to C, adding what C holds if
// `accumulate`; a partial row (cols < NR, the right edge of C) goes element by element.
// @ts-ignore: decorator
@inline function storeRow<T>(at: usize, v0: v128, v1: v128, cols: i32, full: bool, accumulate: bool): void {
  if (full) {
    if (accumulate) {
      v0 = v128.add<T>(v0, v128.load(at));
      v1 = v128.add<T>(v1, v128.load(at, 16));
    }
    v128.store(at, v0);
    v128.store(at, v1, 16);
    return;
  }
  const lanes = 16 / sizeof<T>();
  for (let jj = 0; jj < cols; jj++) {
    const v = jj < lanes ? v0 : v1;
    const value = laneOf<T>(v, jj % lanes);
    const cell = at + <usize>jj * sizeof<T>();
    store<T>(cell, accumulate ? load<T>(cell) + value : value);
  }
}

// @ts-ignore: decorator
@inline function laneOf<T>(v: v128, lane: i32): T {
  // Lane indices of extract_lane must be constants.
  if (sizeof<T>() == 8) return <T>(lane == 0 ? f64x2.extract_lane(v, 0) : f64x2.extract_lane(v, 1));
  switch (lane) {
    case 0: return <T>f32x4.extract_lane(v, 0);
    case 1: return <T>f32x4.extract_lane(v, 1);
    case 2: return <T>f32x4.extract_lane(v, 2);
    default: return <T>f32x4.extract_lane(v, 3);
  }
}

// The path for thin products (any dimension below 16): index = (row i of C, block jb of
// COLUMN_BLOCK columns), numbered i * COLUMN_BLOCKS + jb; C[i, block] is the sum over p of
// A[i, p] · B[p, block], vectorised along the row. Blocks let a product of one row (1×k by
// k×n, reading all of B once) run on every worker. A product of one column (m×k by k×1) is
// a dot product per row instead. No packing, no scratch. The first term is stored rather
// than added, so C needs no clearing (memory.fill on a shared memory is a call into the
// runtime, which cost more than the work on 4096 × 3 by 3 × 5).
export const MATMUL_COLUMN_BLOCK: i32 = 512;

// @ts-ignore: decorator
@inline export function multiplyRows<T, F>(lo: i32, hi: i32, a: usize, b: usize, c: usize, n: i32, k: i32, blocks: i32): void {
  for (let index = lo; index < hi; index++) {
    const i = index / blocks;
    const j0 = (index % blocks) * MATMUL_COLUMN_BLOCK;
    const width = min(MATMUL_COLUMN_BLOCK, n - j0);
    const row = c + (<usize>i * n + j0) * sizeof<T>();
    const rowA = a + <usize>i * k * sizeof<T>();
    if (k == 0) {
      for (let j = 0; j < width; j++) store<T>(row + <usize>j * sizeof<T>(), <T>0);
    } else if (n == 1) {
      store<T>(row, dot<T, F>(rowA, b, k));
    } else {
      const column = b + <usize>j0 * sizeof<T>();
      const stride = <usize>n * sizeof<T>();
      addScaledRow<T, F>(row, load<T>(rowA), column, width, false);
      let p = 1;
      for (; p + 4 <= k; p += 4) {
        addScaledRows4<T, F>(row, rowA + <usize>p * sizeof<T>(), column + <usize>p * stride, stride, width);
      }
      for (; p < k; p++) {
        const scale = load<T>(rowA + <usize>p * sizeof<T>());
        addScaledRow<T, F>(row, scale, column + <usize>p * stride, width, true);
      }
    }
  }
}

// x[0..k) · y[0..k): two vector accumulators over 2 × lanes elements a step, then their lanes
// in order, then the rest.
// @ts-ignore: decorator
@inline function dot<T, F>(x: usize, y: usize, k: i32): T {
  const lanes = 16 / sizeof<T>();
  let s0 = v128.splat<T>(0), s1 = v128.splat<T>(0);
  let p = 0;
  for (; p + 2 * lanes <= k; p += 2 * lanes) {
    const at = <usize>p * sizeof<T>();
    s0 = madd<T, F>(v128.load(x + at), v128.load(y + at), s0);
    s1 = madd<T, F>(v128.load(x + at, 16), v128.load(y + at, 16), s1);
  }
  const sums = v128.add<T>(s0, s1);
  let sum: T = <T>0;
  for (let lane = 0; lane < lanes; lane++) sum += laneOf<T>(sums, lane);
  for (; p < k; p++) sum += load<T>(x + <usize>p * sizeof<T>()) * load<T>(y + <usize>p * sizeof<T>());
  return sum;
}

// row[0..n) (+)= scale · source[0..n)
// @ts-ignore: decorator
@inline function addScaledRow<T, F>(row: usize, scale: T, source: usize, n: i32, accumulate: bool): void {
  const lanes = 16 / sizeof<T>();
  const splat = v128.splat<T>(scale);
  let j = 0;
  for (; j + lanes <= n; j += lanes) {
    const at = row + <usize>j * sizeof<T>();
    const values = v128.load(source + <usize>j * sizeof<T>());
    v128.store(at, accumulate ? madd<T, F>(splat, values, v128.load(at)) : v128.mul<T>(splat, values));
  }
  for (; j < n; j++) {
    const at = row + <usize>j * sizeof<T>();
    const product = scale * load<T>(source + <usize>j * sizeof<T>());
    store<T>(at, accumulate ? load<T>(at) + product : product);
  }
}

// row[0..n) += scales[0] · source[0..n) + … + scales[3] · (source + 3 stride)[0..n), added one
// term after the other as four calls of addScaledRow would (the same roundings), with the
// row kept in registers between them: a quarter of the loads and stores of C.
// @ts-ignore: decorator
@inline function addScaledRows4<T, F>(row: usize, scales: usize, source: usize, stride: usize, n: i32): void {
  const lanes = 16 / sizeof<T>();
  const s0 = v128.splat<T>(load<T>(scales)), s1 = v128.splat<T>(load<T>(scales, sizeof<T>()));
  const s2 = v128.splat<T>(load<T>(scales, 2 * sizeof<T>())), s3 = v128.splat<T>(load<T>(scales, 3 * sizeof<T>()));
  let j = 0;
  for (; j + lanes <= n; j += lanes) {
    const at = row + <usize>j * sizeof<T>();
    const from = source + <usize>j * sizeof<T>();
    let sum = madd<T, F>(s0, v128.load(from), v128.load(at));
    sum = madd<T, F>(s1, v128.load(from + stride), sum);
    sum = madd<T, F>(s2, v128.load(from + 2 * stride), sum);
    v128.store(at, madd<T, F>(s3, v128.load(from + 3 * stride), sum));
  }
  for (let q: usize = 0; q < 4; q++) {
    const scale = load<T>(scales + q * sizeof<T>());
    for (let jj = j; jj < n; jj++) {
      const at = row + <usize>jj * sizeof<T>();
      store<T>(at, load<T>(at) + scale * load<T>(source + q * stride + <usize>jj * sizeof<T>()));
    }
  }
}
