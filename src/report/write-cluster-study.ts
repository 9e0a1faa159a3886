// Writes a cluster study as pictures (the image, each schedule's timeline per node, the busy
// time per node) and a Markdown page that links them.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { typeError } from '../errors.js';
import { chartLibraries } from './chart-libraries.js';
import { busyByNode, nodeTimeline, renderPng } from './charts.js';
import type { ClusterStudy } from './cluster-study.js';
import { mandelbrotPng } from './png.js';
import { writePictures, type Picture } from './write-study.js';

/** Writes the study into `dir` (created if missing) and returns the paths written, the
 * Markdown page `study.md` last. Needs the chart libraries (optional peer dependencies): a
 * MissingDependencyError names those that are absent, before anything is written. */
export async function writeClusterStudyReport(study: ClusterStudy, dir: string): Promise<string[]> {
  if (study === null || typeof study !== 'object' || !Array.isArray(study.runs)) {
    throw typeError('study', 'a study from studyClusterMandelbrot()', study);
  }
  if (typeof dir !== 'string' || dir === '') throw typeError('dir', 'a non-empty path string', dir);
  await chartLibraries();
  await mkdir(dir, { recursive: true });
  const { view, runs } = study;
  const pictures: Picture[] = [
    ['mandelbrot.png', mandelbrotPng({ width: view.width, height: view.height, data: study.pixels }, view.maxIter)],
    ...runs.map((run): [string, Promise<Uint8Array>] => [
      `timeline-${run.schedule}.png`,
      renderPng(nodeTimeline(run.trace, `Jobs per node over time: ${run.schedule}, ${run.jobs} jobs`)),
    ]),
    [
      'busy-by-node.png',
      renderPng(
        busyByNode(
          runs.flatMap((run) =>
            run.perNode.map(({ name, busyMs }) => ({ schedule: run.schedule, node: name, busyMs })),
          ),
        ),
      ),
    ],
  ];
  const written = await writePictures(dir, pictures);
  const page = join(dir, 'study.md');
  await writeFile(page, clusterStudyMarkdown(study));
  return [...written, page];
}

/** The study's Markdown page, linking the pictures writeClusterStudyReport writes beside it. */
function clusterStudyMarkdown({ view, runs }: ClusterStudy): string {
  const ms = (value: number) => value.toFixed(1);
  return [
    '# Mandelbrot across the nodes of a cluster',
    '',
    `View [${view.xmin}, ${view.xmax}] × [${view.ymin}, ${view.ymax}], ${view.width} × ${view.height} pixels, maxIter ${view.maxIter}; rows are the index space. ` +
      '`static` gives each node one block of rows on its own queue; `dynamic` cuts the rows into jobs on one queue all nodes pull from.',
    '',
    '![the image](mandelbrot.png)',
    '',
    '| schedule | wall (ms) | jobs | rows per job (max) | imbalance across nodes |',
    '|---|---|---|---|---|',
    ...runs.map(
      (run) => `| ${run.schedule} | ${ms(run.wallMs)} | ${run.jobs} | ${run.chunk} | ${run.imbalance.toFixed(3)} |`,
    ),
    '',
    '| schedule | node | host | jobs | rows | busy (ms) | retries |',
    '|---|---|---|---|---|---|---|',
    ...runs.flatMap((run) =>
      run.perNode.map(
        (node) =>
          `| ${run.schedule} | ${node.name} | ${node.host} | ${node.jobs} | ${node.items} | ${ms(node.busyMs)} | ${node.retries} |`,
      ),
    ),
    '',
    ...runs.map((run) => `![timeline, ${run.schedule}](timeline-${run.schedule}.png)`),
    '',
    '![busy time per node](busy-by-node.png)',
    '',
  ].join('\n');
}
