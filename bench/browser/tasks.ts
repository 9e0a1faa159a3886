// The browser suite's tasks, written once and run twice: in Node on `parwasm` and in a
// Chromium page on `parwasm/browser`. The function is sent to the page as source text, so it
// refers to nothing outside itself: the API, the plain-JavaScript peers and the kernel
// library's URL come in as arguments.
import type { createPool as CreatePool, MandelbrotView } from 'parwasm';

export interface Peers {
  mandelbrotJs: (view: MandelbrotView) => Uint32Array;
  ikj: (
    a: ArrayLike<number>,
    b: ArrayLike<number>,
    c: Float64Array,
    m: number,
    k: number,
    n: number,
    lo: number,
    hi: number,
  ) => void;
}

/** The suite runs its tasks in parts, each in Node and then at once in Chromium, so that the
 * two figures of a task are taken minutes apart at most, not a whole suite apart. */
export const PARTS = ['plain JS', 'start-up', 'Mandelbrot', 'matmul', 'empty operation'] as const;

export interface TaskPlan {
  part: (typeof PARTS)[number];
  workers: number[];
  view: MandelbrotView;
  n: number;
  /** Minimum time per task, in ms. */
  timeMs: number;
  /** A JavaScript kernel library with a range kernel `integrate(lo, hi, out)`. */
  kernels: string;
}

export interface TaskResult {
  task: string;
  medianMs: number;
  samples: number;
  /** Whether the result equals the plain-JavaScript peer's (Mandelbrot: bit for bit). */
  checked?: boolean;
}

export async function runTasks(
  parwasm: { createPool: typeof CreatePool },
  peers: Peers,
  plan: TaskPlan,
): Promise<TaskResult[]> {
  const results: TaskResult[] = [];
  // Runs `fn` once to warm up, then until timeMs has passed and at least 3 times: the median.
  const time = async (task: string, fn: () => unknown, checked?: boolean): Promise<void> => {
    await fn();
    const samples: number[] = [];
    const end = performance.now() + plan.timeMs;
    while (samples.length < 3 || performance.now() < end) {
      const start = performance.now();
      await fn();
      samples.push(performance.now() - start);
    }
    samples.sort((x, y) => x - y);
    const mid = samples.length >> 1;
    const medianMs = samples.length % 2 ? samples[mid]! : (samples[mid - 1]! + samples[mid]!) / 2;
    results.push({ task, medianMs, samples: samples.length, ...(checked === undefined ? {} : { checked }) });
  };

  const { view, n, part } = plan;
  const a = Float64Array.from({ length: n * n }, (_, i) => ((i * 7919) % 1000) / 500 - 1);
  const product = new Float64Array(n * n);
  const multiply = () => {
    product.fill(0);
    peers.ikj(a, a, product, n, n, n, 0, n);
  };
  const most = Math.max(...plan.workers);
  const per = (workers: number) => `${workers} worker${workers > 1 ? 's' : ''}`;
  if (part === 'plain JS') {
    await time('Mandelbrot, plain JS', () => peers.mandelbrotJs(view));
    await time(`matmul f64 n = ${n}, plain JS ikj`, multiply);
    return results;
  }
  if (part === 'start-up') {
    await time(`pool start-up, ${most} workers`, async () => (await parwasm.createPool({ workers: most })).close());
    return results;
  }
  const pool = await parwasm.createPool({ workers: most });
  try {
    if (part === 'Mandelbrot') {
      const pixels = peers.mandelbrotJs(view);
      for (const workers of plan.workers) {
        const image = await pool.mandelbrot({ ...view, workers });
        const same = image.data.every((value, i) => value === pixels[i]);
        await time(`Mandelbrot, ${per(workers)}`, () => pool.mandelbrot({ ...view, workers }), same);
      }
    } else if (part === 'matmul') {
      multiply();
      const matrix = { rows: n, cols: n, data: a };
      for (const workers of plan.workers) {
        const c = await pool.matmul(matrix, matrix, { workers });
        let error = 0;
        let norm = 0;
        for (let i = 0; i < n * n; i++) {
          error += (c.data[i]! - product[i]!) ** 2;
          norm += product[i]! ** 2;
        }
        const close = Math.sqrt(error / norm) < 1e-12;
        await time(`matmul f64 n = ${n}, ${per(workers)}`, () => pool.matmul(matrix, matrix, { workers }), close);
      }
    } else {
      const lib = await pool.load(new URL(plan.kernels));
      const out = lib.alloc(Float64Array, 1);
      await time(`empty operation, ${most} workers`, () =>
        pool.parallelFor(0, lib.kernel('integrate'), { args: [out], workers: most }),
      );
    }
  } finally {
    await pool.close();
  }
  return results;
}
