import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPool, SCHEDULES, studyMandelbrot } from 'parwasm';
import { writeStudyReport } from 'parwasm/report';
import { mandelbrotJs } from './helpers.js';

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** The fit is the least-squares line: its residuals sum to zero and are uncorrelated with
 * the iterations (the normal equations), and r² = 1 − SS_residual / SS_total. */
function expectLeastSquares(
  points: { iterations: number; ms: number }[],
  fit: { msPerIteration: number; interceptMs: number; r2: number },
) {
  const residuals = points.map(({ iterations, ms }) => ms - (fit.msPerIteration * iterations + fit.interceptMs));
  const meanMs = sum(points.map((point) => point.ms)) / points.length;
  const scale = sum(points.map((point) => Math.abs(point.ms))) || 1;
  const meanIterations = sum(points.map((point) => point.iterations)) / points.length;
  expect(Math.abs(sum(residuals)) / scale).toBeLessThan(1e-9);
  const spread = points.map((point) => point.iterations - meanIterations);
  expect(
    Math.abs(sum(residuals.map((r, i) => r * spread[i]!))) / (scale * Math.max(...spread.map(Math.abs)) || 1),
  ).toBeLessThan(1e-9);
  const total = sum(points.map((point) => (point.ms - meanMs) ** 2));
  if (total > 0) expect(fit.r2).toBeCloseTo(1 - sum(residuals.map((r) => r * r)) / total, 9);
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('the Mandelbrot study', () => {
  it('measures row costs, predicts and measures every schedule, and writes its report', async () => {
    await using pool = await createPool({ workers: 2 });
    const view = { width: 96, height: 64, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 300 };
    const study = await studyMandelbrot(pool, view, { predictFor: [2, 4, 8] });

    const expected = mandelbrotJs(view);
    expect(study.pixels).toEqual(expected);
    // Each row's iterations: the sum of its pixels in the reference image.
    expect(study.rows.map((row) => row.row)).toEqual([...Array(view.height).keys()]);
    expect(study.rows.map((row) => row.iterations)).toEqual(
      study.rows.map((_, y) => expected.subarray(y * view.width, (y + 1) * view.width).reduce((a, b) => a + b, 0)),
    );
    expectLeastSquares(study.rows, study.fit);

    // The predictions for static and cyclic, worked from the measured row times by the
    // schedules' definitions: row blocks from floor(height · rank / workers), and row i
    // (chunk 1) to worker i mod workers.
    const ms = study.rows.map((row) => row.ms);
    const imbalanceOf = (busy: number[]) => Math.max(...busy) / (busy.reduce((a, b) => a + b, 0) / busy.length);
    expect(study.chunk).toBe(1);
    for (const workers of [2, 4, 8]) {
      const predicted = (schedule: string) =>
        study.predicted.find((row) => row.schedule === schedule && row.workers === workers)!.imbalance;
      const blocks = Array.from({ length: workers }, (_, rank) =>
        sum(ms.slice(Math.floor((view.height * rank) / workers), Math.floor((view.height * (rank + 1)) / workers))),
      );
      const dealt = Array.from({ length: workers }, (_, rank) => sum(ms.filter((_, row) => row % workers === rank)));
      expect(predicted('static')).toBeCloseTo(imbalanceOf(blocks), 9);
      expect(predicted('cyclic')).toBeCloseTo(imbalanceOf(dealt), 9);
    }
    expect(study.predicted.map((row) => `${row.schedule} ${row.workers}`).sort()).toEqual(
      [2, 4, 8].flatMap((workers) => SCHEDULES.map((schedule) => `${schedule} ${workers}`)).sort(),
    );

    // The measured runs: one per schedule on this pool's 2 workers, each row by the worker
    // its schedule names where the rule is fixed.
    expect(study.measured.map((run) => [run.schedule, run.workers])).toEqual(SCHEDULES.map((s) => [s, 2]));
    for (const run of study.measured) {
      const rows = new Array<number>(view.height).fill(-1);
      for (const { rank, lo, hi } of run.trace) rows.fill(rank, lo, hi);
      expect(rows.every((rank) => rank === 0 || rank === 1)).toBe(true);
      expect(run.trace.reduce((total, record) => total + record.hi - record.lo, 0)).toBe(view.height);
      expect(run.perWorker.map((worker) => worker.items)).toEqual(
        [0, 1].map((rank) => rows.filter((r) => r === rank).length),
      );
      if (run.schedule === 'static') expect(rows).toEqual(rows.map((_, row) => (row < view.height / 2 ? 0 : 1)));
      if (run.schedule === 'cyclic') expect(rows).toEqual(rows.map((_, row) => row % 2));
    }

    const dir = mkdtempSync(join(tmpdir(), 'parwasm-study-'));
    const files = await writeStudyReport(study, dir);
    const page = readFileSync(files.at(-1)!, 'utf8');
    for (const file of files.slice(0, -1)) {
      expect([...readFileSync(file).subarray(0, 8)]).toEqual(PNG_SIGNATURE);
      expect(page).toContain(`(${basename(file)})`);
    }
    expect(files.map((file) => basename(file))).toEqual(
      expect.arrayContaining([
        'mandelbrot.png',
        'cost-histogram.png',
        'row-time.png',
        'imbalance-predicted.png',
        'busy-by-schedule.png',
        ...SCHEDULES.map((schedule) => `timeline-${schedule}.png`),
        'study.md',
      ]),
    );
    expect(page).toMatch(/\| static \| \d\.\d{3} \| \d\.\d{3} \| \d\.\d{3} \|/);
    expect(existsSync(join(dir, 'mandelbrot.png'))).toBe(true);
  });
});
