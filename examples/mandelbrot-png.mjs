// node examples/mandelbrot-png.mjs [out.png] — a 1024² image, how the rows were shared, a PNG.
import { writeFile } from 'node:fs/promises';
import { createPool } from 'parwasm';
import { mandelbrotPng } from 'parwasm/report';

const out = process.argv[2] ?? 'mandelbrot.png';
const view = { width: 1024, height: 1024, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 1000 };

const pool = await createPool(); // in TypeScript: `await using pool = …`
try {
  for (const schedule of ['static', 'dynamic', 'stealing']) {
    const { stats } = await pool.mandelbrot({ ...view, schedule });
    console.log(`${schedule.padEnd(8)} ${stats.wallMs.toFixed(0)} ms, imbalance ${stats.imbalance.toFixed(3)}`);
  }
  const image = await pool.mandelbrot(view);
  await writeFile(out, mandelbrotPng(image, view.maxIter));
  console.log(`wrote ${out}`);
} finally {
  await pool.close();
}
