// parwasm/browser's pool in Chromium when things go wrong: abort, a worker terminated (which
// Chromium does not stop while it is parked in Atomics.wait: the generation fix), an uncaught
// error in a worker, and close.
import { afterAll, beforeAll, expect } from 'vitest';
import { createPool, SCHEDULES, type Pool } from 'parwasm';
import { browserTests, chromiumSession, parwasmPage } from './chromium.js';
import type { Page } from 'playwright-core';

const { describe, it } = browserTests;

const VIEW = { width: 48, height: 40, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 200 };
// Long enough to be running when the test interferes (a few hundred ms on one core).
const LONG_VIEW = { width: 600, height: 600, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 3000 };

/** Waits until the page has `count` dedicated workers. */
async function workersBecome(page: Page, count: number): Promise<number> {
  for (let tries = 0; tries < 200 && page.workers().length !== count; tries++) await page.waitForTimeout(25);
  return page.workers().length;
}

describe('parwasm/browser lifecycle in Chromium', () => {
  const session = chromiumSession();
  let node: Pool;
  let expected: number[];
  beforeAll(async () => {
    node = await createPool({ workers: 2 });
    expected = [...(await node.mandelbrot(VIEW)).data];
  });
  afterAll(() => node?.close());

  it('aborts a running call with AbortError, and the pool goes on', async () => {
    const page = await parwasmPage(session.browser, session.isolated);
    const outcome = await page.evaluate(
      async ({ LONG_VIEW, VIEW }) => {
        const pool = await window.parwasm.createPool({ workers: 2 });
        const controller = new AbortController();
        const running = pool.mandelbrot({ ...LONG_VIEW, signal: controller.signal });
        setTimeout(() => controller.abort(), 20);
        const error = await running.then(
          () => 'finished',
          (thrown: Error) => thrown.name,
        );
        const after = [...(await pool.mandelbrot(VIEW)).data];
        await pool.close();
        return { error, after };
      },
      { LONG_VIEW, VIEW },
    );
    expect(outcome.error).toBe('AbortError');
    expect(outcome.after).toEqual(expected);
    await page.close();
  });

  it('replaces a terminated worker under every schedule, parked or computing, with no hang', async () => {
    const page = await parwasmPage(session.browser, session.isolated);
    await page.evaluate(async () => {
      (window as unknown as { pool: unknown }).pool = await window.parwasm.createPool({ workers: 2 });
    });
    expect(await workersBecome(page, 2)).toBe(2);
    for (const schedule of SCHEDULES) {
      const outcome = await page.evaluate(
        async ({ schedule, VIEW, LONG_VIEW }) => {
          const pool = (window as unknown as { pool: Awaited<ReturnType<typeof window.parwasm.createPool>> }).pool;
          const before = (await pool.hello()).map(({ threadId }) => threadId);
          await pool.workerThread(0)!.terminate(); // parked
          const parked = [...(await pool.mandelbrot({ ...VIEW, schedule, chunk: 2 })).data];
          const running = pool.mandelbrot({ ...LONG_VIEW, schedule, chunk: 4 });
          setTimeout(() => void pool.workerThread(1)!.terminate(), 20); // computing
          const crash = await running.then(
            () => 'finished',
            (thrown: Error) => thrown.name,
          );
          const computing = [...(await pool.mandelbrot({ ...VIEW, schedule, chunk: 2 })).data];
          const after = (await pool.hello()).map(({ threadId }) => threadId);
          return { before, after, parked, crash, computing };
        },
        { schedule, VIEW, LONG_VIEW },
      );
      expect(outcome.parked, schedule).toEqual(expected);
      expect(outcome.computing, schedule).toEqual(expected);
      expect(['WorkerCrashError', 'finished'], schedule).toContain(outcome.crash);
      expect(outcome.after[0], schedule).not.toBe(outcome.before[0]);
      expect(outcome.after[1], schedule).not.toBe(outcome.before[1]);
      // The replaced workers have left, by themselves or by terminate().
      expect(await workersBecome(page, 2), schedule).toBe(2);
    }
    await page.evaluate(() =>
      (window as unknown as { pool: Awaited<ReturnType<typeof window.parwasm.createPool>> }).pool.close(),
    );
    expect(await workersBecome(page, 0)).toBe(0);
    await page.close();
  });

  it('takes an uncaught error in a worker for a crash: the worker is replaced', async () => {
    const page = await parwasmPage(session.browser, session.isolated);
    await page.route('**/throws-later.mjs', (route) =>
      route.fulfill({
        contentType: 'text/javascript',
        // Thrown once the worker's event loop runs (at its next library message), outside
        // any kernel call: an uncaught error, which a Web Worker survives.
        body: 'export function later(lo, hi) { queueMicrotask(() => { throw new Error("uncaught in a worker"); }); }',
      }),
    );
    const outcome = await page.evaluate(async (VIEW) => {
      const pool = await window.parwasm.createPool({ workers: 2 });
      const before = (await pool.hello()).map(({ threadId }) => threadId);
      const lib = await pool.load('throws-later.mjs');
      const settled = (promise: Promise<unknown>) =>
        promise.then(
          () => 'ok',
          (thrown: Error) => thrown.name,
        );
      const outcomes = [
        await settled(pool.parallelFor(2, lib.kernel('later'), { schedule: 'static' })),
        await settled(lib.unload()),
      ];
      // Both workers throw at their next event-loop turn (the unload's message). The pool sees
      // each crash when its error event arrives: during a call, which rejects, or between
      // calls. Ask until both ranks answer from new threads (a few hundred ms; the deadline is
      // far above it, for a loaded machine).
      let after = before;
      const deadline = performance.now() + 10_000;
      while (after.some((id, rank) => id === before[rank]) && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const replies = await pool.hello().catch((thrown: Error) => void outcomes.push(thrown.name));
        if (replies) after = replies.map(({ threadId }) => threadId);
      }
      const image = [...(await pool.mandelbrot(VIEW)).data];
      await pool.close();
      return { before, after, outcomes, image };
    }, VIEW);
    for (const settled of outcome.outcomes) expect(['ok', 'WorkerCrashError']).toContain(settled);
    expect(outcome.after[0]).not.toBe(outcome.before[0]);
    expect(outcome.after[1]).not.toBe(outcome.before[1]);
    expect(outcome.image).toEqual(expected);
    expect(await workersBecome(page, 0)).toBe(0);
    await page.close();
  });
});
