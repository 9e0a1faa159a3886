// Plain TypeScript on one thread: what each example kernel (examples/kernels) must compute,
// written from the kernels' definitions, not from their code. Floating-point steps follow
// the definitions' order (no fused multiply-add exists in wasm), so results agree bit for bit.

/** saxpy: y[i] = a * x[i] + y[i]. */
export function saxpyReference(a: number, x: Float64Array, y: Float64Array): Float64Array {
  return y.map((value, i) => a * x[i]! + value);
}

/** scale32: x[i] = a * x[i] in f32 (a product of two f32 values is exact in f64, so one
 * rounding to f32 gives what f32.mul gives). */
export function scale32Reference(a: number, x: Float32Array): Float32Array {
  return x.map((value) => Math.fround(Math.fround(a) * value));
}

/** collatz: steps from i + 1 down to 1, in BigInt so no path can overflow. */
export function collatzReference(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let value = BigInt(i + 1);
    while (value !== 1n) {
      value = value % 2n === 0n ? value / 2n : 3n * value + 1n;
      out[i]!++;
    }
  }
  return out;
}

const MASK64 = (1n << 64n) - 1n;

/** mix64: splitmix64's finaliser of seed + i · golden gamma, modulo 2^64. */
export function mix64Reference(n: number, seed: bigint): BigUint64Array {
  const out = new BigUint64Array(n);
  for (let i = 0; i < n; i++) {
    let z = (seed + BigInt(i) * 0x9e3779b97f4a7c15n) & MASK64;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    out[i] = z ^ (z >> 31n);
  }
  return out;
}

export interface View {
  width: number;
  height: number;
  maxIter: number;
  xmin: number;
  xmax: number;
  ymin: number;
  ymax: number;
}

/** mandelbrotRow over every row: escape counts by DESIGN.md's definition, row-major. */
export function mandelbrotReference({ width, height, maxIter, xmin, xmax, ymin, ymax }: View): Uint32Array {
  const image = new Uint32Array(width * height);
  const dx = (xmax - xmin) / width;
  const dy = (ymax - ymin) / height;
  image.forEach((_, pixel) => {
    const cr = xmin + (pixel % width) * dx;
    const ci = ymax - Math.floor(pixel / width) * dy;
    let [zr, zi, count] = [0, 0, 0];
    for (; count < maxIter; count++) {
      const [zr2, zi2] = [zr * zr, zi * zi];
      if (zr2 + zi2 > 4) break;
      [zi, zr] = [2 * zr * zi + ci, zr2 - zi2 + cr];
    }
    image[pixel] = count;
  });
  return image;
}

/** integrate: the midpoint rule for ∫₀¹ 4 / (1 + x²) dx with i + 1 panels. */
export function integrateReference(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => {
    const h = 1 / (i + 1);
    let sum = 0;
    for (let k = 0; k <= i; k++) {
      const x = (k + 0.5) * h;
      sum += 4 / (1 + x * x);
    }
    return sum * h;
  });
}

/** median: the upper median of x over [i - radius, i + radius] clipped to [0, n). */
export function medianReference(x: Float64Array, radius: number): Float64Array {
  return x.map((_, i) => {
    const window = [...x.subarray(Math.max(0, i - radius), Math.min(x.length, i + radius + 1))];
    window.sort((a, b) => a - b);
    return window[Math.floor(window.length / 2)]!;
  });
}

/** The first element where two arrays of the same type differ bit for bit (so -0 differs
 * from 0, and NaN equals NaN of the same bits), or undefined when they agree. */
export function firstDifference(
  actual: ArrayBufferView,
  expected: ArrayBufferView,
): { index: number; actual: unknown; expected: unknown } | undefined {
  if (actual.byteLength !== expected.byteLength)
    return { index: -1, actual: actual.byteLength, expected: expected.byteLength };
  const a = new Uint8Array(actual.buffer, actual.byteOffset, actual.byteLength);
  const b = new Uint8Array(expected.buffer, expected.byteOffset, expected.byteLength);
  const at = a.findIndex((byte, i) => byte !== b[i]);
  if (at < 0) return undefined;
  const size = 'BYTES_PER_ELEMENT' in actual ? (actual.BYTES_PER_ELEMENT as number) : 1;
  const index = Math.floor(at / size);
  const element = (view: ArrayBufferView): unknown => (view as unknown as ArrayLike<unknown>)[index];
  return { index, actual: element(actual), expected: element(expected) };
}

/** Random numbers from a seed (mulberry32), so a failing case can be run again. */
export function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
