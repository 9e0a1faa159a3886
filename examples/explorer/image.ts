// The Mandelbrot image: iterations to colours, points to pixels and back.
import type { MandelbrotView } from 'parwasm/browser';

/** Paints `pixels` (iterations per pixel, row-major) on the canvas, which takes the view's size. */
export function drawImage(canvas: HTMLCanvasElement, view: MandelbrotView, pixels: Uint32Array): void {
  canvas.width = view.width;
  canvas.height = view.height;
  const palette = paletteOf(view.maxIter);
  const rgba = new Uint32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) rgba[i] = palette[pixels[i]!]!;
  const image = new ImageData(new Uint8ClampedArray(rgba.buffer), view.width, view.height);
  canvas.getContext('2d')!.putImageData(image, 0, 0);
}

/** One RGBA word (little-endian, as ImageData reads it) per iteration count: the points that
 * never escaped black, the others from dark blue to white on a logarithmic scale. */
function paletteOf(maxIter: number): Uint32Array {
  const palette = new Uint32Array(maxIter + 1);
  for (let n = 0; n < maxIter; n++) {
    const t = Math.log1p(n) / Math.log1p(maxIter);
    const [r, g, b] = [255 * t ** 1.5, 255 * t ** 0.8, 255 * Math.min(1, 0.3 + t)].map(Math.round) as [
      number,
      number,
      number,
    ];
    palette[n] = (255 << 24) | (b << 16) | (g << 8) | r;
  }
  palette[maxIter] = 0xff000000;
  return palette;
}

/** The complex plane's point under pixel (px, py), by the definition parwasm computes with. */
export function pointAt(view: MandelbrotView, px: number, py: number): { re: number; im: number } {
  return {
    re: view.xmin + (px * (view.xmax - view.xmin)) / view.width,
    im: view.ymax - (py * (view.ymax - view.ymin)) / view.height,
  };
}

/** The view scaled by `factor` (< 1 zooms in) about the point under pixel (px, py), which
 * stays under the same pixel. */
export function zoomAbout(view: MandelbrotView, px: number, py: number, factor: number): MandelbrotView {
  const { re, im } = pointAt(view, px, py);
  return {
    ...view,
    xmin: re - (re - view.xmin) * factor,
    xmax: re + (view.xmax - re) * factor,
    ymin: im - (im - view.ymin) * factor,
    ymax: im + (view.ymax - im) * factor,
  };
}
