import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import type { TopLevelSpec } from 'vega-lite';

/** A Vega-Lite specification (vega-lite's `TopLevelSpec`). Declared loosely so that parwasm's
 * declarations need neither vega-lite's types nor the DOM lib that those require. */
export type ChartSpec = Record<string, unknown>;

const FONT = 'DejaVu Sans';
const WIDTH = 600;

// Fonts come from an npm package, not the system, so every machine renders the same glyphs.
const require = createRequire(import.meta.url);
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => require.resolve(`dejavu-fonts-ttf/ttf/${f}`));

/** One histogram bin: values v with lo <= v < hi. */
export interface Bin {
  lo: number;
  hi: number;
  count: number;
}

/** Bins integer counts 0..maxIter into about `bins` equal-width integer bins; values above maxIter go in the last. */
export function binCounts(counts: Uint32Array, maxIter: number, bins = 50): Bin[] {
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
      y: { field: 'count', type: 'quantitative', scale: { type: 'log' }, stack: null, title: 'Pixels (count, log scale)' },
    },
  } satisfies TopLevelSpec;
}

/** Grouped bars: busy ms per worker rank, one bar per schedule in each group. */
export function busyBySchedule(rows: { schedule: string; rank: number; busyMs: number }[]): ChartSpec {
  return {
    ...base('Busy time per worker, by schedule'),
    data: { values: rows },
    mark: 'bar',
    encoding: {
      x: { field: 'rank', type: 'ordinal', axis: { labelAngle: 0 }, title: 'Worker rank (index)' },
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
  return {
    ...base(title),
    data: { values: trace },
    mark: { type: 'bar', stroke: 'white', strokeWidth: 0.5 },
    encoding: {
      x: { field: 't0', type: 'quantitative', title: 'Time (ms)' },
      x2: { field: 't1' },
      y: { field: 'rank', type: 'ordinal', title: 'Worker rank (index)' },
      color: { field: 'rank', type: 'nominal', legend: null },
      tooltip: [{ field: 'lo' }, { field: 'hi' }, { field: 't0' }, { field: 't1' }],
    },
  } satisfies TopLevelSpec;
}

/** Lines of load imbalance (max/mean busy) against worker count on a log2 axis, one per schedule. */
export function imbalanceByWorkers(rows: { schedule: string; workers: number; imbalance: number }[]): ChartSpec {
  return {
    ...base('Load imbalance vs. worker count'),
    data: { values: rows },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'workers', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'Workers (count, log2 scale)' },
      y: { field: 'imbalance', type: 'quantitative', scale: { zero: false }, title: 'Imbalance (max/mean busy time, ratio)' },
      color: { field: 'schedule', type: 'nominal', title: 'Schedule' },
    },
  } satisfies TopLevelSpec;
}

/** Scatter of measured ms per row against the row's total iterations, with a least-squares line. */
export function rowCostScatter(rows: { iterations: number; ms: number }[]): ChartSpec {
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

/** Renders a Vega-Lite spec to an SVG string (headless, no canvas). */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  // Loaded here, not at the top: vega's canvas probe uses a top-level await, and a module
  // graph with one cannot be require()d, so require('parwasm/report') would fail.
  const [{ parse, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new View(parse(compile(spec as unknown as TopLevelSpec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Renders a Vega-Lite spec to PNG bytes at `scale` times its CSS-pixel size, with the bundled DejaVu fonts. */
export async function renderPng(spec: ChartSpec, scale = 2): Promise<Uint8Array> {
  const svg = await renderSvg(spec);
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: FONT, sansSerifFamily: FONT },
  });
  return resvg.render().asPng();
}
