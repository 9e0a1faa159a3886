import { decode, hasPngSignature } from 'fast-png';
import { describe, expect, it } from 'vitest';
import {
  binCounts,
  type ChartSpec,
  busyBySchedule,
  chunkTimeline,
  costHistogram,
  imbalanceByWorkers,
  mandelbrotPng,
  palette,
  renderPng,
  renderSvg,
  rowCostScatter,
} from '../src/report/index.js';

const MAX = 100;

/** A small deterministic count image: a gradient with an "inside" (MAX) block. */
function counts(width: number, height: number): Uint32Array {
  const data = new Uint32Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) % MAX;
  for (let y = 0; y < height / 2; y++) for (let x = 0; x < width / 2; x++) data[y * width + x] = MAX;
  return data;
}

describe('mandelbrotPng', () => {
  it('encodes a PNG of the requested size, black exactly where count === maxIter', () => {
    const [width, height] = [40, 30];
    const data = counts(width, height);
    const png = mandelbrotPng({ width, height, data }, MAX);
    expect(hasPngSignature(png)).toBe(true);
    const img = decode(png);
    expect([img.width, img.height, img.channels]).toEqual([width, height, 3]);
    for (let p = 0; p < data.length; p++) {
      const rgb = Array.from(img.data.subarray(p * 3, p * 3 + 3));
      if (data[p] === MAX) expect(rgb).toEqual([0, 0, 0]);
      else expect(rgb).toEqual([...palette(Math.log1p(data[p]!) / Math.log1p(MAX))]);
    }
  });

  it('throws a RangeError for an empty image or a wrong data length', () => {
    expect(() => mandelbrotPng({ width: 0, height: 0, data: new Uint32Array(0) }, MAX)).toThrow(RangeError);
    expect(() => mandelbrotPng({ width: 5, height: 0, data: new Uint32Array(0) }, MAX)).toThrow(RangeError);
    expect(() => mandelbrotPng({ width: 2, height: 2, data: new Uint32Array(3) }, MAX)).toThrow(RangeError);
  });

  it('palette clamps and hits its end stops', () => {
    expect(palette(-1)).toEqual(palette(0));
    expect(palette(2)).toEqual(palette(1));
    expect(palette(0)).not.toEqual([0, 0, 0]);
  });
});

describe('binCounts', () => {
  it.each([0, 1, 7, 49, 50, 1000, 4096])('bins sum to the number of pixels (maxIter %i)', (maxIter) => {
    const data = new Uint32Array(10_001).map((_, i) => (i * 31) % (maxIter + 3)); // some above maxIter
    const bins = binCounts(data, maxIter);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(data.length);
    expect(bins.length).toBeLessThanOrEqual(51);
    expect(bins.at(-1)!.hi).toBeGreaterThan(maxIter);
  });
});

const charts: [string, ChartSpec][] = [
  ['Per-pixel cost (iterations)', costHistogram(counts(64, 64), MAX)],
  [
    'Busy time per worker, by schedule',
    busyBySchedule(
      ['static', 'dynamic'].flatMap((schedule) => [0, 1].map((rank) => ({ schedule, rank, busyMs: 10 + rank }))),
    ),
  ],
  [
    'Chunks of run 1',
    chunkTimeline(
      [
        { rank: 0, lo: 0, hi: 8, t0: 0, t1: 2.5 },
        { rank: 1, lo: 8, hi: 16, t0: 0.1, t1: 3 },
      ],
      'Chunks of run 1',
    ),
  ],
  [
    'Load imbalance vs. worker count',
    imbalanceByWorkers([1, 2, 4].map((workers) => ({ schedule: 'static', workers, imbalance: 1 + workers / 10 }))),
  ],
  [
    'Time per row vs. iterations per row',
    rowCostScatter([1, 2, 3, 4].map((i) => ({ iterations: i * 100, ms: i * 0.3 }))),
  ],
];

describe('charts', () => {
  it.each(charts)('%s renders to SVG with its title and to a PNG', async (title, spec) => {
    expect(spec).toMatchObject({ title, width: 600 });
    expect(await renderSvg(spec)).toContain(title);
    const png = await renderPng(spec);
    expect(hasPngSignature(png)).toBe(true);
    expect(png.length).toBeGreaterThan(5_000);
    expect(decode(png).width).toBeGreaterThan(600); // default scale 2
  });

  it('draws text glyphs: titles change pixels without changing the size', async () => {
    const trace = [{ rank: 0, lo: 0, hi: 1, t0: 0, t1: 1 }];
    const [a, b, none] = await Promise.all(
      ['Title AAAA', 'Title BBBB', ''].map(async (t) => decode(await renderPng(chunkTimeline(trace, t), 1))),
    );
    expect([a!.width, a!.height]).toEqual([b!.width, b!.height]);
    expect(Buffer.from(a!.data).equals(Buffer.from(b!.data))).toBe(false);
    expect(Buffer.from(a!.data).equals(Buffer.from(none!.data))).toBe(false);
  });

  it('renders charts with no data', async () => {
    for (const spec of [costHistogram(new Uint32Array(0), MAX), busyBySchedule([]), chunkTimeline([], 'empty')]) {
      expect(hasPngSignature(await renderPng(spec, 1))).toBe(true);
    }
  });
});
