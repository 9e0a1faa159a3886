// The worker's side of the doorbell: a wake is not a job. The pool bumps JOB_SEQ and then
// notifies; under load a worker can see the bump, run the job, finish and park again before
// that notify arrives. Such a late notify once made a worker run the job a second time and
// count PENDING down past 0, and the pool's next call never settled. Here the test sends
// the late notify itself, between calls, so the race happens every time rather than once in
// some 100,000 calls.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createPool } from 'parwasm';
import { withTurn } from 'parwasm/internal';

const JS_KERNELS = fileURLToPath(new URL('../examples/kernels/javascript/kernels.mjs', import.meta.url));
const CALLS = 50;

describe('a notify without a new job', () => {
  it('runs no job: every call settles and runs once (y += x counts the runs)', async () => {
    await using pool = await createPool({ workers: 2 });
    const { words, layout } = await withTurn(pool, (turn) => Promise.resolve(turn.control));
    const library = await pool.load(JS_KERNELS);
    const n = 101;
    const x = library.alloc(Float64Array, n).fill(1);
    const y = library.alloc(Float64Array, n);
    for (let call = 0; call < CALLS; call++) {
      // The same descriptor every time, so that a job run twice adds to y whenever it runs.
      await pool.parallelFor(n, library.kernel('saxpy'), { args: [1, x, y], schedule: 'static' });
      Atomics.notify(words, layout.JOB_SEQ >> 2); // the late notify of the job just finished
    }
    await pool.parallelFor(0, library.kernel('saxpy'), { args: [1, x, y] }); // every worker has taken the last wake
    expect([...y]).toEqual(Array(n).fill(CALLS));
  });
});
