// Mandelbrot in plain JavaScript on one thread, exactly as DESIGN.md defines it: the
// reference the tests compare against, the peer the benchmarks run beside parwasm, and the
// baseline of the tour.
import type { MandelbrotView } from '../ops/mandelbrot.js';

export type View = MandelbrotView;

/** Escape counts of `view`, into `data` (a new array by default). */
export function mandelbrotJs(
  { width, height, xmin, xmax, ymin, ymax, maxIter }: View,
  data = new Uint32Array(width * height),
): Uint32Array {
  const dx = (xmax - xmin) / width;
  const dy = (ymax - ymin) / height;
  for (let py = 0; py < height; py++) {
    const ci = ymax - py * dy;
    for (let px = 0; px < width; px++) {
      const cr = xmin + px * dx;
      let zr = 0;
      let zi = 0;
      let n = 0;
      while (n < maxIter) {
        const zr2 = zr * zr;
        const zi2 = zi * zi;
        if (zr2 + zi2 > 4) break;
        zi = 2 * zr * zi + ci;
        zr = zr2 - zi2 + cr;
        n += 1;
      }
      data[py * width + px] = n;
    }
  }
  return data;
}
