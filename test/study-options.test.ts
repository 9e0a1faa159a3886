// studyMandelbrot checks its arguments as every entry point does: a bad one is a
// ValidationError naming it, thrown before the first Mandelbrot run.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPool, studyMandelbrot, ValidationError, type Pool } from 'parwasm';

const VIEW = { width: 8, height: 6, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 50 };

let pool: Pool;
beforeAll(async () => {
  pool = await createPool({ workers: 2 });
});
afterAll(() => pool.close());

describe('studyMandelbrot refuses bad arguments before any run', () => {
  it.each<[string, unknown[], string, typeof TypeError | typeof RangeError]>([
    ['a misspelt option', [VIEW, { chunck: 3 }], 'options.chunck', TypeError],
    ['a negative worker count to predict', [VIEW, { predictFor: [-1] }], 'options.predictFor[0]', RangeError],
    ['a fractional worker count to predict', [VIEW, { predictFor: [2, 2.5] }], 'options.predictFor[1]', RangeError],
    ['a worker count that is not a number', [VIEW, { predictFor: ['4'] }], 'options.predictFor[0]', TypeError],
    ['predictFor that is not an array', [VIEW, { predictFor: 4 }], 'options.predictFor', TypeError],
    ['a chunk of 0', [VIEW, { chunk: 0 }], 'options.chunk', RangeError],
    ['options that are not an object', [VIEW, 'fast'], 'options', TypeError],
    ['no view', [undefined], 'view', TypeError],
    ['a run option in the view', [{ ...VIEW, schedule: 'static' }], 'view.schedule', TypeError],
    ['a view of no rows', [{ ...VIEW, height: 0 }], 'view.height', RangeError],
    ['a view of no columns', [{ ...VIEW, width: 0 }], 'view.width', RangeError],
    ['a view whose xmax is left of xmin', [{ ...VIEW, xmax: -3 }], 'view.xmax', RangeError],
    ['a maxIter that is not an integer', [{ ...VIEW, maxIter: 1.5 }], 'view.maxIter', RangeError],
  ])('%s', async (_, args, argument, kind) => {
    const runs = vi.spyOn(pool, 'mandelbrot');
    try {
      const error = await (studyMandelbrot as (pool: Pool, ...rest: unknown[]) => Promise<unknown>)(pool, ...args).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toBeInstanceOf(kind);
      expect((error as ValidationError).argument).toBe(argument);
      expect((error as Error).message.startsWith(`${argument} must be `)).toBe(true);
      expect(runs).not.toHaveBeenCalled();
    } finally {
      runs.mockRestore();
    }
  });

  it('refuses something that is not a pool', async () => {
    const error = await studyMandelbrot({ size: 2 } as unknown as Pool, VIEW).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as ValidationError).argument).toBe('pool');
  });

  it('runs a study with every option given, after all those refusals', async () => {
    const study = await studyMandelbrot(pool, VIEW, { predictFor: [3], chunk: 2 });
    expect(study.predicted.map((row) => row.workers)).toEqual([3, 3, 3, 3, 3]);
    expect(study.chunk).toBe(2);
    expect(study.rows).toHaveLength(VIEW.height);
  });
});
