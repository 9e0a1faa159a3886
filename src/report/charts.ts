// Vega-Lite specifications of the study's charts, and their rendering to SVG and PNG. Building
// a specification needs nothing installed; rendering loads the optional chart libraries.
import type { TopLevelSpec } from 'vega-lite';
import { rangeError, typeError } from '../errors.js';
import { finiteNumber, integerIn } from '../validate.js';
import { chartLibraries } from './chart-libraries.js';

/** A Vega-Lite specification (vega-lite's `TopLevelSpec`). Declared loosely so that parwasm's
 * declarations need neither vega-lite's types nor the DOM lib that those require. */
export type ChartSpec = Record<string, unknown>;

const FONT = 'DejaVu Sans';
const WIDTH = 600;

/** One histogram bin: values v with lo <= v < hi. */
export interface Bin {
  lo: number;
  hi: number;
  count: number;
}

/** Bins integer counts 0..maxIter into about `bins` equal-width integer bins; values above maxIter go in the last. */
export function binCounts(counts: Uint32Array, maxIter: number, bins = 50): Bin[] {
  checkCounts(counts, maxIter);
  integerIn(bins, 'bins', 1, 2 ** 31 - 1);
  const w = Math.max(1, Math.ceil((maxIter + 1) / bins));
  const n = Math.max(1, Math.ceil((maxIter + 1) / w));
  const tally = new Float64Array(n);
  for (const v of counts) tally[Math.min(Math.floor(v / w), n - 1)]! += 1;
  return Array.from(tally, (count, i) => ({ lo: i * w, hi: (i + 1) * w, count }));
}

function base(title: string): { title: string; width: number; config: { font: string } } {
  return { title, width: WIDTH, config: { font: FONT } };
}

/** Histogram of per-pixel iteration counts, log-scale y. */
export function costHistogram(counts: Uint32Array, maxIter: number): ChartSpec {
  // Empty bins are left out and stacking is off (it adds a 0 baseline): a log scale has no place for 0.
  const values = binCounts(counts, maxIter).filter((b) => b.count > 0);
  return {
    ...base('Per-pixel cost (iterations)'),
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'lo', type: 'quantitative', bin: { binned: true }, title: 'Escape count (iterations)' },
      x2: { field: 'hi' },
      y: {
        field: 'count',
        type: 'quantitative',
        scale: { type: 'log' },
        stack: null,
        title: 'Pixels (count, log scale)',
      },
    },
  } satisfies TopLevelSpec;
}

/** Grouped bars: busy ms per worker rank, one bar per schedule in each group. */
export function busyBySchedule(rows: { schedule: string; rank: number; busyMs: number }[]): ChartSpec {
  checkRecords(rows, 'rows', ['rank', 'busyMs'], ['schedule']);
  return busyBars('Busy time per worker, by schedule', rows, { field: 'rank', title: 'Worker rank (index)' });
}

/** Grouped bars: busy ms per node of a cluster, one bar per schedule in each group. */
export function busyByNode(rows: { schedule: string; node: string; busyMs: number }[]): ChartSpec {
  checkRecords(rows, 'rows', ['busyMs'], ['schedule', 'node']);
  return busyBars('Busy time per node, by schedule', rows, { field: 'node', title: 'Node' });
}

function busyBars(title: string, values: object[], lane: { field: string; title: string }): ChartSpec {
  return {
    ...base(title),
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: lane.field, type: 'ordinal', axis: { labelAngle: 0 }, title: lane.title },
      xOffset: { field: 'schedule', type: 'nominal' },
      y: { field: 'busyMs', type: 'quantitative', title: 'Busy time (ms)' },
      color: { field: 'schedule', type: 'nominal', title: 'Schedule' },
    },
  } satisfies TopLevelSpec;
}

/** Gantt timeline: one bar per chunk from t0 to t1 (ms) on its worker's row. */
export function chunkTimeline(
  trace: { rank: number; lo: number; hi: number; t0: number; t1: number }[],
  title: string,
): ChartSpec {
  checkRecords(trace, 'trace', ['rank', 'lo', 'hi', 't0', 't1']);
  return timeline(trace, { field: 'rank', title: 'Worker rank (index)' }, title);
}

/** Gantt timeline of a cluster run: one bar per job from t0 to t1 (ms) on its node's row. */
export function nodeTimeline(
  trace: { node: string; lo: number; hi: number; t0: number; t1: number }[],
  title: string,
): ChartSpec {
  checkRecords(trace, 'trace', ['lo', 'hi', 't0', 't1'], ['node']);
  return timeline(trace, { field: 'node', title: 'Node' }, title);
}

function timeline(values: object[], lane: { field: string; title: string }, title: unknown): ChartSpec {
  if (typeof title !== 'string') throw typeError('title', 'a string', title);
  return {
    ...base(title),
    data: { values },
    mark: { type: 'bar', stroke: 'white', strokeWidth: 0.5 },
    encoding: {
      x: { field: 't0', type: 'quantitative', title: 'Time (ms)' },
      x2: { field: 't1' },
      y: { field: lane.field, type: 'ordinal', title: lane.title },
      color: { field: lane.field, type: 'nominal', legend: null },
      tooltip: [{ field: 'lo' }, { field: 'hi' }, { field: 't0' }, { field: 't1' }],
    },
  } satisfies TopLevelSpec;
}

/** Lines of load imbalance (max/mean busy) against worker count on a log2 axis, one per schedule. */
export function imbalanceByWorkers(rows: { schedule: string; workers: number; imbalance: number }[]): ChartSpec {
  checkRecords(rows, 'rows', ['workers', 'imbalance'], ['schedule']);
  return {
    ...base('Load imbalance vs. worker count'),
    data: { values: rows },
    mark: { type: 'line', point: true },
    encoding: {
      x: {
        field: 'workers',
        type: 'quantitative',
        scale: { type: 'log', base: 2 },
        title: 'Workers (count, log2 scale)',
      },
      y: {
        field: 'imbalance',
        type: 'quantitative',
        scale: { zero: false },
        title: 'Imbalance (max/mean busy time, ratio)',
      },
      color: { field: 'schedule', type: 'nominal', title: 'Schedule' },
    },
  } satisfies TopLevelSpec;
}

/** Scatter of measured ms per row against the row's total iterations, with a least-squares line. */
export function rowCostScatter(rows: { iterations: number; ms: number }[]): ChartSpec {
  checkRecords(rows, 'rows', ['iterations', 'ms']);
  const x = { field: 'iterations', type: 'quantitative', title: 'Iterations in row (count)' } as const;
  const y = { field: 'ms', type: 'quantitative', title: 'Time for row (ms)' } as const;
  return {
    ...base('Time per row vs. iterations per row'),
    data: { values: rows },
    layer: [
      { mark: { type: 'point', opacity: 0.6 }, encoding: { x, y } },
      {
        transform: [{ regression: 'ms', on: 'iterations' }],
        mark: { type: 'line', color: 'firebrick' },
        encoding: { x, y },
      },
    ],
  } satisfies TopLevelSpec;
}

/** Renders a Vega-Lite spec to an SVG string (headless, no canvas). Needs the chart
 * libraries, parwasm's optional peer dependencies (loaded together on the first render): a
 * MissingDependencyError names those that are absent. */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  checkSpec(spec);
  const { vega, vegaLite } = await chartLibraries();
  const view = new vega.View(vega.parse(vegaLite.compile(spec as unknown as TopLevelSpec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Renders a Vega-Lite spec to PNG bytes at `scale` times its CSS-pixel size, with the bundled
 * DejaVu fonts. Needs the optional peer dependencies vega, vega-lite, @resvg/resvg-js and
 * dejavu-fonts-ttf: a MissingDependencyError names those that are absent.
 * @param scale - Output pixels per CSS pixel, a finite number > 0; 2 when not given. */
export async function renderPng(spec: ChartSpec, scale = 2): Promise<Uint8Array> {
  checkSpec(spec);
  if (finiteNumber(scale, 'scale') <= 0) throw rangeError('scale', 'a finite number > 0', scale);
  const { resvg, fontFiles } = await chartLibraries();
  const svg = await renderSvg(spec);
  const image = new resvg.Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { fontFiles, loadSystemFonts: false, defaultFontFamily: FONT, sansSerifFamily: FONT },
  });
  return image.render().asPng();
}

function checkSpec(spec: unknown): void {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw typeError('spec', 'a Vega-Lite specification (an object)', spec);
  }
}

/** Checks that `value` is an array of records with finite numbers in the fields `numbers`
 * and strings in `strings`, naming the first bad one (`rows[2].busyMs`). */
function checkRecords(value: unknown, argument: string, numbers: readonly string[], strings: readonly string[] = []) {
  if (!Array.isArray(value)) throw typeError(argument, 'an array of records', value);
  for (let i = 0; i < value.length; i++) {
    const record: unknown = value[i];
    if (record === null || typeof record !== 'object') throw typeError(`${argument}[${i}]`, 'an object', record);
    const fields = record as Record<string, unknown>;
    for (const field of numbers) finiteNumber(fields[field], `${argument}[${i}].${field}`);
    for (const field of strings) {
      if (typeof fields[field] !== 'string') throw typeError(`${argument}[${i}].${field}`, 'a string', fields[field]);
    }
  }
}

/** Checks escape counts and their limit, as the image and the histogram take them. */
export function checkCounts(counts: unknown, maxIter: unknown): void {
  if (!(counts instanceof Uint32Array)) throw typeError('counts', 'a Uint32Array', counts);
  integerIn(maxIter, 'maxIter', 0, 2 ** 31 - 1);
}
