// Every 'parwasm/report' function refuses a bad argument as the rest of parwasm does: a
// ValidationError (a TypeError or RangeError) whose message starts with the argument's path.
import { describe, expect, it } from 'vitest';
import { ValidationError } from 'parwasm';
import {
  binCounts,
  busyByNode,
  busyBySchedule,
  chunkTimeline,
  costHistogram,
  imbalanceByWorkers,
  mandelbrotPng,
  nodeTimeline,
  palette,
  renderPng,
  renderSvg,
  rowCostScatter,
  studyMarkdown,
  writeClusterStudyReport,
  writeStudyReport,
} from 'parwasm/report';

const pixels = (n: number) => new Uint32Array(n);
const spec = costHistogram(pixels(4), 10);
type Kind = typeof TypeError | typeof RangeError;

const cases: [call: string, run: () => unknown, argument: string, kind: Kind][] = [
  ['mandelbrotPng, no image', () => mandelbrotPng(null as never, 10), 'image', TypeError],
  [
    'mandelbrotPng, 0 wide',
    () => mandelbrotPng({ width: 0, height: 2, data: pixels(0) }, 10),
    'image.width',
    RangeError,
  ],
  [
    'mandelbrotPng, 0 high',
    () => mandelbrotPng({ width: 5, height: 0, data: pixels(0) }, 10),
    'image.height',
    RangeError,
  ],
  [
    'mandelbrotPng, a width as text',
    () => mandelbrotPng({ width: '2' as never, height: 2, data: pixels(4) }, 10),
    'image.width',
    TypeError,
  ],
  [
    'mandelbrotPng, data too short',
    () => mandelbrotPng({ width: 2, height: 2, data: pixels(3) }, 10),
    'image.data',
    RangeError,
  ],
  [
    'mandelbrotPng, data of floats',
    () => mandelbrotPng({ width: 2, height: 1, data: new Float64Array(2) as never }, 10),
    'image.data',
    TypeError,
  ],
  [
    'mandelbrotPng, maxIter -1',
    () => mandelbrotPng({ width: 2, height: 1, data: pixels(2) }, -1),
    'maxIter',
    RangeError,
  ],
  ['palette, text', () => palette('0.5' as never), 't', TypeError],
  ['binCounts, an array', () => binCounts([1, 2] as never, 3), 'counts', TypeError],
  ['binCounts, 0 bins', () => binCounts(pixels(2), 3, 0), 'bins', RangeError],
  ['costHistogram, maxIter 1.5', () => costHistogram(pixels(2), 1.5), 'maxIter', RangeError],
  [
    'busyBySchedule, a busy time as text',
    () => busyBySchedule([{ schedule: 'static', rank: 0, busyMs: '1' as never }]),
    'rows[0].busyMs',
    TypeError,
  ],
  [
    'busyBySchedule, a schedule as a number',
    () => busyBySchedule([{ schedule: 3 as never, rank: 0, busyMs: 1 }]),
    'rows[0].schedule',
    TypeError,
  ],
  ['chunkTimeline, a title as a number', () => chunkTimeline([], 3 as never), 'title', TypeError],
  ['chunkTimeline, a record of null', () => chunkTimeline([null as never], 'x'), 'trace[0]', TypeError],
  [
    'busyByNode, a node as a number',
    () => busyByNode([{ schedule: 'static', node: 1 as never, busyMs: 1 }]),
    'rows[0].node',
    TypeError,
  ],
  ['nodeTimeline, a title as a number', () => nodeTimeline([], 3 as never), 'title', TypeError],
  [
    'nodeTimeline, an infinite end',
    () => nodeTimeline([{ node: 'a', lo: 0, hi: 1, t0: 0, t1: Infinity }], 'x'),
    'trace[0].t1',
    RangeError,
  ],
  ['imbalanceByWorkers, not an array', () => imbalanceByWorkers('rows' as never), 'rows', TypeError],
  [
    'rowCostScatter, a NaN time',
    () =>
      rowCostScatter([
        { iterations: 1, ms: 2 },
        { iterations: 1, ms: NaN },
      ]),
    'rows[1].ms',
    RangeError,
  ],
  ['renderSvg, no spec', () => renderSvg(null as never), 'spec', TypeError],
  ['renderPng, scale 0', () => renderPng(spec, 0), 'scale', RangeError],
  ['renderPng, scale as text', () => renderPng(spec, '2' as never), 'scale', TypeError],
  ['writeStudyReport, no study', () => writeStudyReport(undefined as never, 'dir'), 'study', TypeError],
  ['writeStudyReport, an empty folder name', () => writeStudyReport({} as never, ''), 'dir', TypeError],
  ['writeClusterStudyReport, no study', () => writeClusterStudyReport(null as never, 'dir'), 'study', TypeError],
  [
    'writeClusterStudyReport, no folder',
    () => writeClusterStudyReport({ runs: [] } as never, undefined as never),
    'dir',
    TypeError,
  ],
  ['studyMarkdown, no study', () => studyMarkdown(null as never, []), 'study', TypeError],
  ['studyMarkdown, a picture as a number', () => studyMarkdown({} as never, [3 as never]), 'pictures[0]', TypeError],
];

describe("'parwasm/report' refuses bad arguments with a ValidationError naming them", () => {
  it.each(cases)('%s', async (_, run, argument, kind) => {
    let error: unknown;
    try {
      await run();
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toBeInstanceOf(kind);
    expect((error as ValidationError).argument).toBe(argument);
    expect((error as Error).message.startsWith(`${argument} must be `)).toBe(true);
  });
});
