import { describe, expect, it } from 'vitest';
import { createPool, ValidationError } from 'parwasm';

describe('createPool options', () => {
  it.each([
    [{ workers: 0 }, RangeError, 'options.workers must be an integer from 1 to 512 (got 0)'],
    [{ workers: -1 }, RangeError, 'options.workers'],
    [{ workers: 1.5 }, RangeError, 'options.workers'],
    [{ workers: NaN }, RangeError, 'options.workers'],
    [{ workers: Infinity }, RangeError, 'options.workers'],
    [{ workers: 513 }, RangeError, 'options.workers'],
    [{ workers: '2' }, TypeError, 'options.workers must be an integer from 1 to 512 (got "2")'],
    [{ workers: null }, TypeError, 'options.workers'],
    [{ maxMemory: 0 }, RangeError, 'options.maxMemory must be an integer from 1048576 to 4294967296'],
    [{ maxMemory: 2 ** 33 }, RangeError, 'options.maxMemory'],
    [{ maxMemory: '1GB' }, TypeError, 'options.maxMemory'],
    [{ wrokers: 2 }, TypeError, 'options.wrokers'],
    [null, TypeError, 'options must be an object (got null)'],
    [4, TypeError, 'options must be an object (got 4)'],
  ])('rejects %o with a %o naming the option', async (options, kind, message) => {
    const error = await createPool(options as never).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(kind);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ name: 'ValidationError' });
    expect((error as Error).message).toContain(message);
  });

  it('accepts the documented ranges', async () => {
    await using pool = await createPool({ workers: 1, maxMemory: 1 << 20 });
    expect(pool.size).toBe(1);
  });
});
