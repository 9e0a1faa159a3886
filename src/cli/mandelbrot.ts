// parwasm mandelbrot: compute a view, print the telemetry, optionally write the PNG.
import { createPool } from '../pool/pool.js';
import { mandelbrotPng } from '../report/png.js';
import { tooLarge } from './memory-flag.js';
import { fileError, openOut } from './out-file.js';
import { poolOptions, progressBar, RUN_FLAGS, RUN_FLAGS_HELP, runOptions, summary, workerRows } from './run-flags.js';
import { parseCommand, positiveInteger, UsageError } from './usage.js';

const HELP = `usage: parwasm mandelbrot [--size N] [--max-iter N] [--view full|seahorse] [--kernel simd|scalar]
                          [--out FILE.png] [run flags]

Computes the Mandelbrot escape counts of a view, one row per index, and prints how the
workers shared the rows.

  --size N        width and height in pixels (default: 1024)
  --max-iter N    iteration limit (default: 1000 for the full view, 5000 for seahorse)
  --view V        full: [-2, 0.5] × [-1.25, 1.25]; seahorse: 1e-5 wide at -0.743643887+0.131825904i
  --kernel K      simd or scalar (default: simd)
  --out FILE      write the image as a colour PNG
${RUN_FLAGS_HELP}`;

export const VIEWS = {
  full: { xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 1000 },
  seahorse: {
    xmin: -0.743643887 - 5e-6,
    xmax: -0.743643887 + 5e-6,
    ymin: 0.131825904 - 5e-6,
    ymax: 0.131825904 + 5e-6,
    maxIter: 5000,
  },
};

export async function runMandelbrot(args: string[]): Promise<void> {
  const flags = parseCommand(args, {
    ...RUN_FLAGS,
    size: { type: 'string' },
    'max-iter': { type: 'string' },
    view: { type: 'string' },
    kernel: { type: 'string' },
    out: { type: 'string' },
  });
  if (flags.help) return void console.log(HELP);
  const viewName = flags.view ?? 'full';
  if (viewName !== 'full' && viewName !== 'seahorse')
    throw new UsageError(`--view must be full or seahorse (got '${viewName}')`);
  const size = positiveInteger(flags.size, 'size') ?? 1024;
  const view = { ...VIEWS[viewName], width: size, height: size };
  const maxIter = positiveInteger(flags['max-iter'], 'max-iter') ?? view.maxIter;
  const options = poolOptions(flags);
  const bytes = size * size * 4; // one u32 escape count per pixel
  if (bytes > options.maxMemory) throw tooLarge(`--size ${size}: the image needs`, bytes, options.maxMemory);
  const run = runOptions(flags);
  await using out = flags.out === undefined ? undefined : await openOut(flags.out);
  await using pool = await createPool(options);
  const bar = progressBar('rows', (done, total) => `${done}/${total}`);
  const result = await pool
    .mandelbrot({
      ...view,
      maxIter,
      ...run,
      kernel: flags.kernel as 'simd' | 'scalar' | undefined,
      onProgress: (done, total) => bar.update(done, total),
    })
    .finally(() => bar.stop());
  if (out)
    await out
      .writeFile(mandelbrotPng(result, maxIter))
      .catch((error: unknown) => Promise.reject(fileError(flags.out!, error)));
  if (flags.json) {
    console.log(
      JSON.stringify(
        { width: result.width, height: result.height, maxIter, stats: result.stats, out: flags.out },
        null,
        2,
      ),
    );
    return;
  }
  console.log(`mandelbrot ${size}² (${viewName} view, maxIter ${maxIter}): ${summary(result.stats)}`);
  console.table(workerRows(result.stats));
  if (flags.out) console.log(`image: ${flags.out}`);
}
