import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPool, SCHEDULES, studyMandelbrot } from 'parwasm';
import { writeStudyReport } from 'parwasm/report';
import { mandelbrotJs } from '../src/baselines/mandelbrot.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('the Mandelbrot study', () => {
  it('measures row costs, predicts and measures every schedule, and writes its report', async () => {
    await using pool = await createPool({ workers: 2 });
    const view = { width: 96, height: 64, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 300 };
    const study = await studyMandelbrot(pool, view, { predictFor: [2, 4, 8] });

    expect(study.pixels).toEqual(mandelbrotJs(view));
    expect(study.rows).toHaveLength(view.height);
    expect(study.rows.reduce((sum, row) => sum + row.iterations, 0)).toBe(study.pixels.reduce((a, b) => a + b, 0));
    expect(study.rows.every((row) => row.ms >= 0)).toBe(true);
    expect(study.fit.r2).toBeGreaterThanOrEqual(0);
    expect(study.fit.r2).toBeLessThanOrEqual(1);
    expect(study.predicted).toHaveLength(3 * SCHEDULES.length);
    for (const row of study.predicted) expect(row.imbalance).toBeGreaterThanOrEqual(1);
    expect(study.measured.map((run) => run.schedule)).toEqual([...SCHEDULES]);
    for (const run of study.measured) {
      expect(run.workers).toBe(2);
      expect(run.trace.reduce((sum, record) => sum + record.hi - record.lo, 0)).toBe(view.height);
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
