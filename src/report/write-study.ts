// Writes a Mandelbrot study as pictures and a Markdown page that links them.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { typeError } from '../errors.js';
import { SCHEDULES } from '../schedule/schedules.js';
import { chartLibraries } from './chart-libraries.js';
import {
  busyBySchedule,
  chunkTimeline,
  costHistogram,
  imbalanceByWorkers,
  renderPng,
  rowCostScatter,
} from './charts.js';
import { mandelbrotPng } from './png.js';
import type { MandelbrotStudy } from './study.js';

/** Writes the study into `dir` (created if missing) and returns the paths written, the
 * Markdown page `study.md` last. Needs the chart libraries (optional peer dependencies): a
 * MissingDependencyError names those that are absent, before anything is written. */
export async function writeStudyReport(study: MandelbrotStudy, dir: string): Promise<string[]> {
  checkStudy(study);
  if (typeof dir !== 'string' || dir === '') throw typeError('dir', 'a non-empty path string', dir);
  await chartLibraries();
  await mkdir(dir, { recursive: true });
  const { view } = study;
  const widest = study.measured.filter(
    (run) => run.workers === Math.max(...study.measured.map((other) => other.workers)),
  );
  const pictures: Picture[] = [
    ['mandelbrot.png', mandelbrotPng({ width: view.width, height: view.height, data: study.pixels }, view.maxIter)],
    ['cost-histogram.png', renderPng(costHistogram(study.pixels, view.maxIter))],
    ['row-time.png', renderPng(rowCostScatter(study.rows))],
    ['imbalance-predicted.png', renderPng(imbalanceByWorkers(study.predicted))],
  ];
  if (widest.length > 0) {
    const rows = widest.flatMap((run) =>
      run.perWorker.map(({ rank, busyMs }) => ({ schedule: run.schedule, rank, busyMs })),
    );
    pictures.push(['busy-by-schedule.png', renderPng(busyBySchedule(rows))]);
    for (const run of widest) {
      pictures.push([
        `timeline-${run.schedule}.png`,
        renderPng(chunkTimeline(run.trace, `Chunks per worker over time: ${run.schedule}, ${run.workers} workers`)),
      ]);
    }
  }
  const written = await writePictures(dir, pictures);
  const page = join(dir, 'study.md');
  await writeFile(
    page,
    studyMarkdown(
      study,
      pictures.map(([name]) => name),
    ),
  );
  return [...written, page];
}

/** A picture to write: its file name, and its PNG bytes (or their promise, rendered meanwhile). */
export type Picture = [name: string, png: Promise<Uint8Array> | Uint8Array];

/** Writes each picture into `dir`, in order; returns their paths. */
export async function writePictures(dir: string, pictures: readonly Picture[]): Promise<string[]> {
  const written: string[] = [];
  for (const [name, png] of pictures) {
    const path = join(dir, name);
    await writeFile(path, await png);
    written.push(path);
  }
  return written;
}

/** The study's Markdown page, linking the named `pictures` (file names beside the page). */
export function studyMarkdown(study: MandelbrotStudy, pictures: string[]): string {
  checkStudy(study);
  if (!Array.isArray(pictures)) throw typeError('pictures', 'an array of file names', pictures);
  pictures.forEach((name, i) => {
    if (typeof name !== 'string') throw typeError(`pictures[${i}]`, 'a file name', name);
  });
  const { view, fit } = study;
  const workerCounts = [...new Set(study.predicted.map((row) => row.workers))];
  const predicted = (schedule: string, workers: number): string =>
    study.predicted.find((row) => row.schedule === schedule && row.workers === workers)!.imbalance.toFixed(3);
  const lines = [
    `# Mandelbrot load-balancing study`,
    '',
    `View [${view.xmin}, ${view.xmax}] × [${view.ymin}, ${view.ymax}], ${view.width} × ${view.height} pixels, maxIter ${view.maxIter}; rows are the index space, chunk ${study.chunk} row(s) for every schedule but static.`,
    '',
    '![the image](mandelbrot.png)',
    '',
    '## Per-pixel cost',
    '',
    `A pixel costs its escape count in iterations. Row time against row iterations, one worker: ` +
      `${(fit.msPerIteration * 1e6).toFixed(2)} ns per iteration, intercept ${(fit.interceptMs * 1000).toFixed(1)} µs, r² = ${fit.r2.toFixed(4)}.`,
    '',
    '![histogram](cost-histogram.png) ![row time](row-time.png)',
    '',
    '## Imbalance (max busy / mean busy) predicted from the measured row times',
    '',
    `| schedule | ${workerCounts.map((workers) => `${workers} workers`).join(' | ')} |`,
    `|---|${workerCounts.map(() => '---').join('|')}|`,
    ...SCHEDULES.map(
      (schedule) => `| ${schedule} | ${workerCounts.map((workers) => predicted(schedule, workers)).join(' | ')} |`,
    ),
    '',
    '![predicted imbalance](imbalance-predicted.png)',
    '',
    '## Measured on this machine',
    '',
    '| schedule | workers | wall (ms) | imbalance |',
    '|---|---|---|---|',
    ...study.measured.map(
      (run) => `| ${run.schedule} | ${run.workers} | ${run.wallMs.toFixed(1)} | ${run.imbalance.toFixed(3)} |`,
    ),
    '',
    ...pictures
      .filter((name) => name.startsWith('busy') || name.startsWith('timeline'))
      .map((name) => `![${name}](${name})`),
    '',
  ];
  return lines.join('\n');
}

function checkStudy(study: unknown): void {
  if (study === null || typeof study !== 'object') throw typeError('study', 'a study from studyMandelbrot()', study);
}
