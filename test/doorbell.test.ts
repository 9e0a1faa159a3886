// The worker's side of the doorbell: a wake is not a job. The pool bumps JOB_SEQ and then
// notifies; under load a worker can see the bump, run the job, finish and park again before
// that notify arrives. Such a late notify once made a worker run the job a second time and
// count PENDING down past 0, and the pool's next call never settled. Here the test sends
// the late notify itself, between calls, so the race happens every time rather than once in
// some 100,000 calls.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createPool, WorkerCrashError } from 'parwasm';
import { withTurn } from 'parwasm/internal';

const JS_KERNELS = fileURLToPath(new URL('../examples/kernels/javascript/kernels.mjs', import.meta.url));
const EXITS_LATER = fileURLToPath(new URL('fixtures/exits-later.mjs', import.meta.url));
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

describe('a broadcast that a crash fails', () => {
  // A crash rejects the ring at once, while a survivor may not have woken yet. The command it
  // reads when it does must still be the broadcast's: a command put back to "run" sent it to
  // the last job instead, and its message stayed on its port for the next broadcast to take
  // (in Chromium, where the survivor's own error waited for that message, it was never
  // replaced). Reading the word after the failed ring is what such a late survivor does.
  it('leaves COMMAND_MESSAGE for a worker that wakes late', async () => {
    await using pool = await createPool({ workers: 2 });
    const library = await pool.load(EXITS_LATER);
    await pool.parallelFor(2, library.kernel('exitLaterOnFirst'), { schedule: 'static' });
    await expect(library.unload()).rejects.toBeInstanceOf(WorkerCrashError);
    const { command, layout } = await withTurn(pool, (turn) =>
      Promise.resolve({ command: turn.control.load(turn.control.layout.COMMAND), layout: turn.control.layout }),
    );
    expect(command).toBe(layout.COMMAND_MESSAGE);
    expect((await pool.hello()).length).toBe(2); // and rank 0 was replaced
  });
});
