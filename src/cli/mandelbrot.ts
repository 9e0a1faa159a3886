// parwasm mandelbrot: compute a view, print the telemetry, optionally write the PNG.
import { createPool } from '../pool/create-pool.js';
import type { Pool } from '../pool/pool.js';
import { mandelbrotPng } from '../report/png.js';
import { openOut } from './out-file.js';
import { poolOptions, progressBar, RUN_FLAGS, RUN_FLAGS_HELP, runOptions, summary, workerRows } from './run-flags.js';
import { parseCommand } from './usage.js';
import { picture } from './view.js';

const HELP = `usage: parwasm mandelbrot [--size N | --width N --height N] [--view V | --center RE,IM --span W]
                          [--max-iter N] [--kernel simd|scalar] [--out FILE.png] [run flags]

Computes the Mandelbrot escape counts of a region of the complex plane, one row per index,
and prints how the workers shared the rows.

  --size N        width and height in pixels, for a square picture (default: 1024)
  --width N       width in pixels (default: --size)
  --height N      height in pixels (default: --size)
  --view V        full: [-2, 0.5] × [-1.25, 1.25]; seahorse: 1e-5 wide at -0.743643887+0.131825904i;
                  or any region as xmin,xmax,ymin,ymax (default: full)
  --center RE,IM  the centre of the region, with --span instead of --view
  --span W        the width of the region on the real axis; its height is W × height / width
                  (square pixels)
  --max-iter N    iteration limit (default: 1000, and 5000 for seahorse)
  --kernel K      simd or scalar (default: simd)
  --out FILE      write the image as a colour PNG

Example: a 1600×900 picture of the valley between the main cardioid and the period-2 bulb:
  parwasm mandelbrot --width 1600 --height 900 --center -0.75,0.1 --span 0.05 --out valley.png
${RUN_FLAGS_HELP}`;

export async function runMandelbrot(args: string[]): Promise<void> {
  const flags = parseCommand(args, {
    ...RUN_FLAGS,
    size: { type: 'string' },
    width: { type: 'string' },
    height: { type: 'string' },
    view: { type: 'string' },
    center: { type: 'string' },
    span: { type: 'string' },
    'max-iter': { type: 'string' },
    kernel: { type: 'string' },
    out: { type: 'string' },
  });
  if (flags.help) return void console.log(HELP);
  const { label, ...view } = picture(flags);
  const { width, height, maxIter } = view;
  // No size check here: an image larger than --max-memory passes through the pool's memory a
  // band of rows at a time, and the library refuses a row too wide before any work.
  const options = poolOptions(flags);
  const run = runOptions(flags);
  await using out = flags.out === undefined ? undefined : await openOut(flags.out);
  await using pool = await createPool(options);
  const bar = progressBar('rows', (done, total) => `${done}/${total}`);
  const result = await pool
    .mandelbrot({
      ...view,
      ...run,
      kernel: flags.kernel as 'simd' | 'scalar' | undefined,
      out: imageInPool(pool, width * height),
      onProgress: (done, total) => bar.update(done, total),
    })
    .finally(() => bar.stop());
  if (out) await out.write(mandelbrotPng(result, maxIter));
  if (flags.json) {
    const { xmin, xmax, ymin, ymax } = view;
    console.log(
      JSON.stringify({ width, height, xmin, xmax, ymin, ymax, maxIter, stats: result.stats, out: flags.out }, null, 2),
    );
    return;
  }
  const pixels = width === height ? `${width}²` : `${width}×${height}`;
  console.log(`mandelbrot ${pixels} (${label}, maxIter ${maxIter}): ${summary(result.stats)}`);
  console.table(workerRows(result.stats));
  if (flags.out) console.log(`image: ${flags.out}`);
}

/** The image's array in the pool's memory where it fits, so that the run spans the whole
 * image as the schedule sees it (an image returned as a new array passes in bands of rows,
 * each scheduled on its own: `static` would split every band rather than the image); none
 * where it does not fit. */
function imageInPool(pool: Pool, pixels: number): Uint32Array | undefined {
  try {
    return pool.alloc(Uint32Array, pixels);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}
