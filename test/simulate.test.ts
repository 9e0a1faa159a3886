// The schedule model against answers worked out by hand.
import { describe, expect, it } from 'vitest';
import { simulateSchedule } from '../src/schedule/simulate.js';
import { fitLine } from '../src/report/study.js';

// Four cheap items, then four items five times as costly.
const COSTS = [1, 1, 1, 1, 5, 5, 5, 5];

describe('simulateSchedule', () => {
  it('static: 2 workers get [1,1,1,1] and [5,5,5,5]: 4 and 20, mean 12, imbalance 20/12', () => {
    const result = simulateSchedule('static', COSTS, 2, 1);
    expect(result.busy).toEqual([4, 20]);
    expect(result.imbalance).toBeCloseTo(20 / 12, 12);
  });

  it('static: 4 workers get 2, 2, 10, 10: imbalance 10/6', () => {
    expect(simulateSchedule('static', COSTS, 4, 1).busy).toEqual([2, 2, 10, 10]);
    expect(simulateSchedule('static', COSTS, 4, 1).imbalance).toBeCloseTo(10 / 6, 12);
  });

  it('cyclic with chunk 1 deals alternately: 12 and 12', () => {
    expect(simulateSchedule('cyclic', COSTS, 2, 1).busy).toEqual([12, 12]);
    expect(simulateSchedule('cyclic', COSTS, 2, 2).busy).toEqual([2 + 10, 2 + 10]);
    expect(simulateSchedule('cyclic', COSTS, 3, 1).busy).toEqual([1 + 1 + 5, 1 + 5 + 5, 1 + 5]);
  });

  it('dynamic with chunk 1: the earliest free worker takes the next item', () => {
    expect(simulateSchedule('dynamic', COSTS, 2, 1).busy).toEqual([12, 12]);
    // chunk 3: w0 [1,1,1]=3, w1 [1,5,5]=11, w0 (free at 3) [5,5]=10 → 13 and 11
    expect(simulateSchedule('dynamic', COSTS, 2, 3).busy).toEqual([13, 11]);
  });

  it('guided: claims of max(chunk, ceil(remaining / workers))', () => {
    // w0 takes 4 items (1,1,1,1)=4; w1 takes ceil(4/2)=2 (5,5)=10; w0 (free at 4) takes 1 (5) → 9;
    // w0 (9 < 10) takes the last (5) → 14
    expect(simulateSchedule('guided', COSTS, 2, 1).busy).toEqual([14, 10]);
  });

  it("stealing: worker 0 finishes its cheap block, then steals the back half of worker 1's", () => {
    // w0 eats 1,1,1,1 (t=4) while w1 is in item 4 (t=5); w0 steals [6,8), w1 keeps [5,6):
    // w0 does 5, 5 → 14; w1 does 5 → 10.
    const result = simulateSchedule('stealing', COSTS, 2, 1);
    expect(result.busy).toEqual([14, 10]);
    expect(result.imbalance).toBeCloseTo(14 / 12, 12);
  });

  it('every schedule accounts for all the work, with more workers than items too', () => {
    for (const schedule of ['static', 'cyclic', 'dynamic', 'guided', 'stealing'] as const) {
      for (const workers of [1, 2, 3, 8, 13]) {
        const { busy } = simulateSchedule(schedule, COSTS, workers, 2);
        expect(busy).toHaveLength(workers);
        expect(busy.reduce((a, b) => a + b)).toBe(24);
      }
    }
    expect(simulateSchedule('dynamic', [], 4, 1)).toMatchObject({ imbalance: 1, makespan: 0 });
  });
});

describe('fitLine', () => {
  it('recovers an exact line', () => {
    const points = [0, 1, 2, 3, 10].map((iterations) => ({ iterations, ms: 0.5 * iterations + 2 }));
    const fit = fitLine(points);
    expect(fit.msPerIteration).toBeCloseTo(0.5, 12);
    expect(fit.interceptMs).toBeCloseTo(2, 12);
    expect(fit.r2).toBeCloseTo(1, 12);
  });

  it('fits scattered points by least squares, worked by hand', () => {
    // Means (1.5, 2); Sxy = 1.5 + 0.5 + 0.5 + 1.5 = 4, Sxx = 5, Syy = 4:
    // slope 4/5, intercept 2 - 0.8 · 1.5 = 0.8, r² = 4² / (5 · 4) = 0.8.
    const points = [1, 1, 3, 3].map((ms, iterations) => ({ iterations, ms }));
    const fit = fitLine(points);
    expect(fit.msPerIteration).toBeCloseTo(0.8, 12);
    expect(fit.interceptMs).toBeCloseTo(0.8, 12);
    expect(fit.r2).toBeCloseTo(0.8, 12);
  });
});
