// Mandelbrot: plain JavaScript on one thread beside parwasm on 1 worker (scalar and SIMD)
// and on N workers with every schedule, for the full view and a deep zoom.
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
      const imbalance = new Map<string, number>();
      const tasks: TaskSpec[] = [
        { name: 'plain JS, 1 thread', fn: () => void mandelbrotJs(view) },
        parwasmTask(pool, view, reference, imbalance, 'scalar', 1, 'static'),
        parwasmTask(pool, view, reference, imbalance, 'simd', 1, 'static'),
        ...workers
          .filter((count) => count > 1)
          .flatMap((count) =>
            SCHEDULES.map((schedule) => parwasmTask(pool, view, reference, imbalance, 'simd', count, schedule)),
          ),
      ];
      const rows = await measure(tasks, timeMs, 3);
      const js = rows[0]!.medianMs;
      const oneWorker = rows[2]!.medianMs;
      printTable(`Mandelbrot ${size}², ${name}`, rows, {
        'vs plain JS': (row: Row) => `${(js / row.medianMs).toFixed(2)}×`,
        'vs 1 SIMD worker': (row: Row) => `${(oneWorker / row.medianMs).toFixed(2)}×`,
        imbalance: (row: Row) => imbalance.get(row.task)?.toFixed(3) ?? '',
      });
    }
  }
}

/** A parwasm run as a task; it checks every image against the reference, bit for bit. */
function parwasmTask(
  pool: Pool,
  view: View,
  reference: Uint32Array,
  imbalance: Map<string, number>,
  kernel: 'simd' | 'scalar',
  workers: number,
  schedule: (typeof SCHEDULES)[number],
): TaskSpec {
  const name = `parwasm ${kernel}, ${workers} worker${workers > 1 ? `s, ${schedule}` : ''}`;
  return {
    name,
    fn: async () => {
      const result = await pool.mandelbrot({ ...view, kernel, workers, schedule });
      if (!result.data.every((value, i) => value === reference[i]))
        throw new Error(`${name}: image differs from plain JS`);
      imbalance.set(name, result.stats.imbalance);
    },
  };
}
