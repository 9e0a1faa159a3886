import { encode } from 'fast-png';
import { rangeError, typeError } from '../errors.js';
import { integerIn } from '../validate.js';

/** An RGB colour, each channel 0..255. */
export type Rgb = readonly [number, number, number];

// Dark blue -> blue -> white -> orange -> dark brown: high contrast near the set's edge.
const STOPS: readonly Rgb[] = [
  [0, 7, 100],
  [32, 107, 203],
  [237, 255, 255],
  [255, 170, 0],
  [80, 30, 0],
];

/** Smooth palette: colour at t in [0, 1] (clamped; NaN counts as 0), interpolated linearly
 * between fixed stops. */
export function palette(t: number): Rgb {
  if (typeof t !== 'number') throw typeError('t', 'a number', t);
  const x = Math.min(1, Math.max(0, Number.isNaN(t) ? 0 : t)) * (STOPS.length - 1);
  const i = Math.min(Math.floor(x), STOPS.length - 2);
  const a = STOPS[i]!;
  const b = STOPS[i + 1]!;
  const mix = (c: 0 | 1 | 2): number => Math.round(a[c] + (b[c] - a[c]) * (x - i));
  return [mix(0), mix(1), mix(2)];
}

/**
 * RGB PNG of Mandelbrot escape counts: count === maxIter is black, others palette(log(1+n)/log(1+maxIter)).
 * Counts above maxIter are drawn as inside the set. A bad argument is a ValidationError naming
 * it: an empty image (a PNG cannot be 0 wide or high), `image.data` that is not a Uint32Array
 * of width × height counts, or a maxIter that is not a non-negative integer.
 */
export function mandelbrotPng(
  image: { width: number; height: number; data: Uint32Array },
  maxIter: number,
): Uint8Array {
  if (image === null || typeof image !== 'object')
    throw typeError('image', 'an object with width, height and data', image);
  const width = integerIn(image.width, 'image.width', 1, 2 ** 31 - 1);
  const height = integerIn(image.height, 'image.height', 1, 2 ** 31 - 1);
  const { data } = image as { data: unknown };
  if (!(data instanceof Uint32Array)) throw typeError('image.data', 'a Uint32Array', data);
  if (data.length !== width * height) {
    throw rangeError('image.data', `${width} × ${height} = ${width * height} counts long`, `${data.length} counts`);
  }
  integerIn(maxIter, 'maxIter', 0, 2 ** 31 - 1);
  return encode({ width, height, data: colourise(data, maxIter), channels: 3, depth: 8 });
}

function colourise(counts: Uint32Array, maxIter: number): Uint8Array {
  // At most maxIter + 1 distinct counts: look colours up instead of recomputing per pixel.
  const lut = new Uint8Array((maxIter + 1) * 3);
  const denom = Math.log1p(Math.max(1, maxIter));
  for (let n = 0; n < maxIter; n++) lut.set(palette(Math.log1p(n) / denom), n * 3);
  const rgb = new Uint8Array(counts.length * 3);
  for (let p = 0; p < counts.length; p++) {
    const n = Math.min(counts[p]!, maxIter);
    rgb[p * 3] = lut[n * 3]!;
    rgb[p * 3 + 1] = lut[n * 3 + 1]!;
    rgb[p * 3 + 2] = lut[n * 3 + 2]!;
  }
  return rgb;
}
