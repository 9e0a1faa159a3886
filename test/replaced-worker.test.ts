// A replaced worker that is not gone: in Chromium, terminate() does not stop a worker parked in
// Atomics.wait, and the next job woke it. It ran that job beside its replacement, PENDING went
// to -1 and the pool hung. Here a platform whose terminate leaves the thread running (as
// Chromium's does) plays that on Node: the old worker must leave at its next wake, under every
// schedule, whether it was parked or computing when it was replaced.
import { describe, expect, it } from 'vitest';
import { SCHEDULES } from 'parwasm';
import { markRun, nodePlatform, spinRun, startPool, terminateWorker, type Platform } from 'parwasm/internal';
import { outcomeOf, settlesWithin } from './helpers.js';

const STEP_MS = 10_000;

/** nodePlatform, except that terminate() only reports the worker's exit: the thread runs on. */
function terminateLeavesThreadRunning(): Platform & { threadsExited: () => number } {
  let exited = 0;
  return {
    ...nodePlatform,
    threadsExited: () => exited,
    spawnWorker(entry, data, onExit) {
      const started = nodePlatform.spawnWorker(entry, data, (_, exitCode, error) => onExit(handle, exitCode, error));
      void started.worker.exited.then(() => exited++);
      const worker = { ...started.worker, terminate: () => Promise.resolve(onExit(handle, 1, undefined)) };
      let handle = undefined as unknown as Awaited<typeof started.ready>;
      const ready = started.ready.then((real) => (handle = { ...real, worker }));
      return { worker, ready };
    },
  };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('a replaced worker whose thread is still running', () => {
  for (const schedule of SCHEDULES) {
    it(`leaves at its next wake and never joins a job (${schedule})`, async () => {
      const platform = terminateLeavesThreadRunning();
      const pool = await startPool({ workers: 2 }, platform);
      try {
        for (let round = 0; round < 3; round++) {
          // Replaced while parked between jobs.
          await terminateWorker(pool, round % 2);
          const { counts } = await settlesWithin(markRun(pool, 5003, { schedule, chunk: 7 }), STEP_MS, 'a run');
          expect(counts.every((count) => count === 1)).toBe(true);
          // Replaced while computing: the run rejects, the next one is whole.
          const cost = new Uint32Array(400).fill(100_000);
          const running = spinRun(pool, cost, { schedule, chunk: 1 });
          setTimeout(() => void terminateWorker(pool, 1), 10);
          await settlesWithin(outcomeOf(running), STEP_MS, 'the run whose worker was replaced');
          const again = await settlesWithin(markRun(pool, 1009, { schedule, chunk: 3 }), STEP_MS, 'the next run');
          expect(again.counts.every((count) => count === 1)).toBe(true);
          const replies = await settlesWithin(pool.hello(), STEP_MS, 'hello');
          expect(replies.map(({ rank }) => rank)).toEqual([0, 1]);
        }
        // Every replaced thread leaves by itself (the pool never stopped them).
        await settlesWithin(
          until(() => platform.threadsExited() === 6),
          STEP_MS,
          'the replaced threads leaving',
        );
      } finally {
        await settlesWithin(pool.close(), STEP_MS, 'close');
      }
    });
  }
});
