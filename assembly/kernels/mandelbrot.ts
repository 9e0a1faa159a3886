// Mandelbrot escape counts, one row of the image per index. Both kernels follow the
// definition in DESIGN.md operation for operation (no fused multiply-add exists in wasm, and
// binaryen does not reassociate floating point), so they give the integers plain JavaScript
// gives, bit for bit.

// Indices [lo, hi) of the image at `out` (u32 per pixel, row-major, `width` pixels a row):
// index i is the view's row i × rowStride + rowPhase, written as row i of `out`. The view's
// left edge and top, and the step between pixels. With stride 1 and phase 0 the indices are
// the rows; a larger stride computes every rowStride-th row into a band of the image
// (src/ops/mandelbrot.ts). `Lanes` picks the row kernel at compile time: f64 for the scalar
// one, v128 for the SIMD one.
// @ts-ignore: decorator
@inline export function mandelbrotRows<Lanes>(
  lo: i32, hi: i32, out: usize, width: i32, maxIter: i32, xmin: f64, ymax: f64, dx: f64, dy: f64,
  rowStride: i32, rowPhase: i32,
): void {
  for (let i = lo; i < hi; i++) {
    const ci = ymax - <f64>(i * rowStride + rowPhase) * dy;
    const row = out + <usize>i * <usize>width * 4;
    if (isVector<Lanes>()) simdRow(row, width, maxIter, xmin, dx, ci);
    else scalarRow(row, width, maxIter, xmin, dx, ci);
  }
}

// @ts-ignore: decorator
@inline function scalarRow(row: usize, width: i32, maxIter: i32, xmin: f64, dx: f64, ci: f64): void {
  for (let px = 0; px < width; px++) {
    const cr = xmin + <f64>px * dx;
    let zr = 0.0;
    let zi = 0.0;
    let n = 0;
    while (n < maxIter) {
      const zr2 = zr * zr;
      const zi2 = zi * zi;
      if (zr2 + zi2 > 4.0) break;
      zi = (2.0 * zr) * zi + ci;
      zr = (zr2 - zi2) + cr;
      n++;
    }
    store<u32>(row + (<usize>px << 2), n);
  }
}

// Eight pixels at a time: four f64x2 vectors in flight, so the four independent
// multiply-add chains overlap instead of each waiting on its own latency. A lane that has
// escaped stops counting (its `active` mask is cleared for good); its z runs on harmlessly.
// @ts-ignore: decorator
@inline function simdRow(row: usize, width: i32, maxIter: i32, xmin: f64, dx: f64, ci64: f64): void {
  const two = f64x2.splat(2.0);
  const four = f64x2.splat(4.0);
  const ci = f64x2.splat(ci64);
  for (let px = 0; px < width; px += 8) {
    const cr0 = f64x2(xmin + <f64>px * dx, xmin + <f64>(px + 1) * dx);
    const cr1 = f64x2(xmin + <f64>(px + 2) * dx, xmin + <f64>(px + 3) * dx);
    const cr2 = f64x2(xmin + <f64>(px + 4) * dx, xmin + <f64>(px + 5) * dx);
    const cr3 = f64x2(xmin + <f64>(px + 6) * dx, xmin + <f64>(px + 7) * dx);
    let zr0 = f64x2.splat(0), zi0 = f64x2.splat(0), n0 = i64x2.splat(0), active0 = i64x2.splat(-1);
    let zr1 = f64x2.splat(0), zi1 = f64x2.splat(0), n1 = i64x2.splat(0), active1 = i64x2.splat(-1);
    let zr2 = f64x2.splat(0), zi2 = f64x2.splat(0), n2 = i64x2.splat(0), active2 = i64x2.splat(-1);
    let zr3 = f64x2.splat(0), zi3 = f64x2.splat(0), n3 = i64x2.splat(0), active3 = i64x2.splat(-1);
    for (let i = 0; i < maxIter; i++) {
      const zrSq0 = f64x2.mul(zr0, zr0), ziSq0 = f64x2.mul(zi0, zi0);
      const zrSq1 = f64x2.mul(zr1, zr1), ziSq1 = f64x2.mul(zi1, zi1);
      const zrSq2 = f64x2.mul(zr2, zr2), ziSq2 = f64x2.mul(zi2, zi2);
      const zrSq3 = f64x2.mul(zr3, zr3), ziSq3 = f64x2.mul(zi3, zi3);
      active0 = v128.andnot(active0, f64x2.gt(f64x2.add(zrSq0, ziSq0), four));
      active1 = v128.andnot(active1, f64x2.gt(f64x2.add(zrSq1, ziSq1), four));
      active2 = v128.andnot(active2, f64x2.gt(f64x2.add(zrSq2, ziSq2), four));
      active3 = v128.andnot(active3, f64x2.gt(f64x2.add(zrSq3, ziSq3), four));
      if (!v128.any_true(v128.or(v128.or(active0, active1), v128.or(active2, active3)))) break;
      zi0 = f64x2.add(f64x2.mul(f64x2.mul(two, zr0), zi0), ci);
      zi1 = f64x2.add(f64x2.mul(f64x2.mul(two, zr1), zi1), ci);
      zi2 = f64x2.add(f64x2.mul(f64x2.mul(two, zr2), zi2), ci);
      zi3 = f64x2.add(f64x2.mul(f64x2.mul(two, zr3), zi3), ci);
      zr0 = f64x2.add(f64x2.sub(zrSq0, ziSq0), cr0);
      zr1 = f64x2.add(f64x2.sub(zrSq1, ziSq1), cr1);
      zr2 = f64x2.add(f64x2.sub(zrSq2, ziSq2), cr2);
      zr3 = f64x2.add(f64x2.sub(zrSq3, ziSq3), cr3);
      n0 = i64x2.sub(n0, active0); // active lanes are all ones, i.e. -1
      n1 = i64x2.sub(n1, active1);
      n2 = i64x2.sub(n2, active2);
      n3 = i64x2.sub(n3, active3);
    }
    const at = row + (<usize>px << 2);
    const left = width - px; // pixels of this group inside the row: 1 to 8
    storeLanes(at, n0, left);
    if (left > 2) storeLanes(at + 8, n1, left - 2);
    if (left > 4) storeLanes(at + 16, n2, left - 4);
    if (left > 6) storeLanes(at + 24, n3, left - 6);
  }
}

// @ts-ignore: decorator
@inline function storeLanes(at: usize, counts: v128, left: i32): void {
  store<u32>(at, <u32>i64x2.extract_lane(counts, 0));
  if (left > 1) store<u32>(at, <u32>i64x2.extract_lane(counts, 1), 4);
}
