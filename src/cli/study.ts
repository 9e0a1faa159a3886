// parwasm study: the Mandelbrot load-balancing study, with its charts, written to a folder.
import { resolve } from 'node:path';
import { chartLibraries } from '../report/chart-libraries.js';
import { createPool } from '../pool/create-pool.js';
import { studyMandelbrot } from '../report/study.js';
import { writeStudyReport } from '../report/write-study.js';
import { MEMORY_FLAG_HELP } from './memory-flag.js';
import { makeOutDir } from './out-file.js';
import { poolOptions } from './run-flags.js';
import { parseCommand, positiveInteger } from './usage.js';

const HELP = `usage: parwasm study [--workers N] [--size N] [--max-iter N] [--chunk N] [--max-memory B] [--out DIR] [--json]

Measures the cost of every row of the full Mandelbrot view, predicts the imbalance of each
schedule for 2 to 64 workers from it, measures every schedule on this machine's workers,
and writes the image, the charts and study.md into DIR.

  --workers N    worker threads (default: the number of CPU cores)
  --size N       image width and height in pixels (default: 1024)
  --max-iter N   iteration limit (default: 1000)
  --chunk N      rows per claim for every schedule but static (default: 1)
  --out DIR      where to write the report (default: report/study)
${MEMORY_FLAG_HELP}
  --json         print the figures as JSON instead of a summary`;

export async function runStudy(args: string[]): Promise<void> {
  const flags = parseCommand(args, {
    workers: { type: 'string' },
    size: { type: 'string' },
    'max-iter': { type: 'string' },
    chunk: { type: 'string' },
    'max-memory': { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flags.help) {
    console.log(HELP);
    return;
  }
  await chartLibraries(); // before any work: the report needs them
  const size = positiveInteger(flags.size, 'size') ?? 1024;
  const view = {
    width: size,
    height: size,
    xmin: -2,
    xmax: 0.5,
    ymin: -1.25,
    ymax: 1.25,
    maxIter: positiveInteger(flags['max-iter'], 'max-iter') ?? 1000,
  };
  const chunk = positiveInteger(flags.chunk, 'chunk');
  const options = poolOptions(flags);
  const out = await makeOutDir(resolve(flags.out ?? 'report/study'));
  await using pool = await createPool(options);
  const study = await studyMandelbrot(pool, view, { chunk });
  const files = await writeStudyReport(study, out);
  if (flags.json) {
    const { fit, predicted, measured } = study;
    console.log(
      JSON.stringify(
        { fit, predicted, measured: measured.map((run) => ({ ...run, trace: undefined })), files },
        null,
        2,
      ),
    );
    return;
  }
  console.log(
    `row time = ${(study.fit.msPerIteration * 1e6).toFixed(2)} ns × iterations (r² ${study.fit.r2.toFixed(4)})`,
  );
  for (const workers of [...new Set(study.predicted.map((row) => row.workers))]) {
    const cells = study.predicted
      .filter((row) => row.workers === workers)
      .map((row) => `${row.schedule} ${row.imbalance.toFixed(2)}`);
    console.log(`predicted imbalance, ${String(workers).padStart(2)} workers: ${cells.join(', ')}`);
  }
  console.log(`report: ${files.at(-1)}`);
}
