// Mandelbrot: plain JavaScript on one thread beside parwasm on 1 worker (scalar and SIMD)
// and on N workers with every schedule, for the full view and a deep zoom. Each image is
// checked against plain JS's bit for bit, after its sample's clock stops.
//
// Two ways to get the image, each against plain JS doing the same: a new ordinary array per
// call (parwasm passes the image through the shared memory in bands; both pay for the new
// array's fresh pages, which on this VM cost ~11 µs per 4 KiB on the calling thread), and
// one array written again and again (parwasm: `out` from pool.alloc, written in place; plain
// JS: the same ordinary array each call).
import { createPool, SCHEDULES, type Pool } from 'parwasm';
import { mandelbrotJs, type View } from '../../src/baselines/mandelbrot.js';
import { measure, printTable, type Row, type TaskSpec } from '../measure.js';
import type { SuiteOptions } from '../options.js';

const FULL = { xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 1000 };
// Seahorse valley, 10^-5 wide: mean 600 iterations a pixel, 7% of pixels inside the set.
const ZOOM_CENTRE = { x: -0.743643887, y: 0.131825904, span: 1e-5 };
const DEEP = {
  xmin: ZOOM_CENTRE.x - ZOOM_CENTRE.span / 2,
  xmax: ZOOM_CENTRE.x + ZOOM_CENTRE.span / 2,
  ymin: ZOOM_CENTRE.y - ZOOM_CENTRE.span / 2,
  ymax: ZOOM_CENTRE.y + ZOOM_CENTRE.span / 2,
  maxIter: 5000,
};
const JS = 'plain JS, 1 thread';
const JS_IN_PLACE = 'plain JS, 1 thread, into one array';
const IN_PLACE = ', in place (out from pool.alloc)';

export async function mandelbrot({ workers, sizes, timeMs }: SuiteOptions): Promise<void> {
  const most = Math.max(...workers);
  await using pool = await createPool({ workers: most });
  for (const size of sizes ?? [1024, 2048]) {
    for (const [name, bounds] of [
      ['full view, maxIter 1000', FULL],
      ['seahorse valley 1e-5 wide, maxIter 5000', DEEP],
    ] as const) {
      const view: View = { width: size, height: size, ...bounds };
      const reference = mandelbrotJs(view);
      const out = pool.alloc(Uint32Array, size * size);
      const jsOut = new Uint32Array(size * size);
      const imbalance = new Map<string, number>();
      const many = workers.filter((count) => count > 1);
      const tasks: TaskSpec[] = [
        { name: JS, fn: () => void mandelbrotJs(view) },
        parwasmTask(pool, view, reference, imbalance, 'scalar', 1, 'static'),
        parwasmTask(pool, view, reference, imbalance, 'simd', 1, 'static'),
        ...many.flatMap((count) =>
          SCHEDULES.map((schedule) => parwasmTask(pool, view, reference, imbalance, 'simd', count, schedule)),
        ),
        {
          name: JS_IN_PLACE,
          fn: () => void mandelbrotJs(view, jsOut),
          options: checked(JS_IN_PLACE, reference, () => jsOut),
        },
        ...(many.length === 0
          ? []
          : SCHEDULES.map((schedule) => parwasmTask(pool, view, reference, imbalance, 'simd', most, schedule, out))),
      ];
      const rows = await measure(tasks, timeMs, 3);
      pool.free(out);
      const median = (task: string) => rows.find((row) => row.task === task)!.medianMs;
      const oneWorker = rows[2]!.medianMs;
      printTable(`Mandelbrot ${size}², ${name}`, rows, {
        'vs plain JS': (row: Row) => {
          const js = median(row.task.endsWith(IN_PLACE) || row.task === JS_IN_PLACE ? JS_IN_PLACE : JS);
          return `${(js / row.medianMs).toFixed(2)}×`;
        },
        'vs 1 SIMD worker': (row: Row) => `${(oneWorker / row.medianMs).toFixed(2)}×`,
        imbalance: (row: Row) => imbalance.get(row.task)?.toFixed(3) ?? '',
      });
    }
  }
}

/** Checks the image a sample made against the reference, bit for bit, after the sample's
 * clock stops (inside it, a comparison of 4M pixels added 63-99 ms at load 5 to parwasm's rows only). */
function checked(name: string, reference: Uint32Array, image: () => Uint32Array | undefined): TaskSpec['options'] {
  return {
    afterEach() {
      const data = image();
      if (data?.length !== reference.length || data.findIndex((value, i) => value !== reference[i]) !== -1)
        throw new Error(`${name}: image differs from plain JS`);
    },
  };
}

/** A parwasm run as a task: a new image per call, or into `out` in place. */
function parwasmTask(
  pool: Pool,
  view: View,
  reference: Uint32Array,
  imbalance: Map<string, number>,
  kernel: 'simd' | 'scalar',
  workers: number,
  schedule: (typeof SCHEDULES)[number],
  out?: Uint32Array,
): TaskSpec {
  const name = `parwasm ${kernel}, ${workers} worker${workers > 1 ? `s, ${schedule}` : ''}${out ? IN_PLACE : ''}`;
  let image: Uint32Array | undefined;
  return {
    name,
    fn: async () => {
      image = undefined;
      const result = await pool.mandelbrot({ ...view, kernel, workers, schedule, ...(out && { out }) });
      image = result.data;
      imbalance.set(name, result.stats.imbalance);
    },
    options: checked(name, reference, () => image),
  };
}
