// Kernels for parwasm in AssemblyScript. Build (see ../README.md):
//   npx asc kernels.ts -O3 --runtime stub --importMemory --sharedMemory --initialMemory 16 \
//     --maximumMemory 256 --enable threads -o kernels.wasm
//
// Every worker instantiates this module on one shared memory, so a kernel must not allocate
// (`new`, arrays, strings: the stub runtime's bump pointer is per instance) and must not
// write static data (each instantiation writes it again). It reads and writes memory at the
// byte offsets it is given (`lib.alloc` arrays arrive as their `byteOffset`) and at the
// addresses its own convention fixes, like `mandelbrotRow`'s image at address 0.

// A range kernel: y[i] = a * x[i] + y[i] for i in [lo, hi). x and y are f64 arrays.
export function saxpy(lo: i32, hi: i32, a: f64, x: usize, y: usize): void {
  for (let i = lo; i < hi; i++) {
    const at = (<usize>i) << 3;
    store<f64>(y + at, a * load<f64>(x + at) + load<f64>(y + at));
  }
}

// A range kernel on f32: x[i] = a * x[i], rounded to f32 as wasm's f32.mul does.
export function scale32(lo: i32, hi: i32, a: f32, x: usize): void {
  for (let i = lo; i < hi; i++) {
    const at = x + ((<usize>i) << 2);
    store<f32>(at, a * load<f32>(at));
  }
}

// A per-index kernel of uneven cost: out[i] (u32) = the number of Collatz steps from i + 1
// down to 1 (n → n / 2 when n is even, else 3n + 1).
export function collatz(i: i32, out: usize): void {
  let value = <u64>i + 1;
  let steps: u32 = 0;
  while (value != 1) {
    value = value & 1 ? 3 * value + 1 : value >> 1;
    steps++;
  }
  store<u32>(out + ((<usize>i) << 2), steps);
}

// A per-index kernel with an i64 argument: out[i] (u64) = splitmix64(seed + i), a hash.
export function mix64(i: i32, seed: i64, out: usize): void {
  let z = <u64>seed + <u64>i * 0x9e3779b97f4a7c15;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  store<u64>(out + ((<usize>i) << 3), z ^ (z >> 31));
}

// A per-index kernel that writes at absolute addresses: row y of a Mandelbrot image that this
// module keeps at address 0 (u32 escape counts, row-major), by the definition in parwasm's
// DESIGN.md. That is this module's own convention: parwasm leaves the module's declared
// initial memory (16 pages, 1 MiB: up to 512×512 pixels) to the module and allocates above it.
export function mandelbrotRow(
  y: i32,
  width: i32,
  height: i32,
  maxIter: i32,
  xmin: f64,
  xmax: f64,
  ymin: f64,
  ymax: f64,
): void {
  const dx = (xmax - xmin) / <f64>width;
  const dy = (ymax - ymin) / <f64>height;
  const ci = ymax - <f64>y * dy;
  const row = (<usize>y * <usize>width) << 2;
  for (let x = 0; x < width; x++) {
    const cr = xmin + <f64>x * dx;
    let zr = 0.0;
    let zi = 0.0;
    let n = 0;
    while (n < maxIter) {
      const zr2 = zr * zr;
      const zi2 = zi * zi;
      if (zr2 + zi2 > 4.0) break;
      zi = 2.0 * zr * zi + ci;
      zr = zr2 - zi2 + cr;
      n++;
    }
    store<u32>(row + ((<usize>x) << 2), n);
  }
}

// A range kernel of uneven cost, the benchmark's "real" kernel: out[i] (f64) = the midpoint
// rule for the integral of 4 / (1 + x²) over [0, 1] (which is π) with i + 1 panels, so index
// i costs i + 1 steps and a static split of [0, n) in two halves is 1:3 unbalanced.
export function integrate(lo: i32, hi: i32, out: usize): void {
  for (let i = lo; i < hi; i++) {
    const panels = i + 1;
    const h = 1.0 / <f64>panels;
    let sum = 0.0;
    for (let k = 0; k < panels; k++) {
      const x = (<f64>k + 0.5) * h;
      sum += 4.0 / (1.0 + x * x);
    }
    store<f64>(out + ((<usize>i) << 3), sum * h);
  }
}
