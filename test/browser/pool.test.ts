// parwasm/browser in Chromium: the same results as the Node pool, bit for bit.
import { afterAll, beforeAll, expect } from 'vitest';
import { createPool, SCHEDULES, type Pool } from 'parwasm';
import { browserTests, chromiumSession, parwasmPage } from './chromium.js';

const { describe, it } = browserTests;

describe('parwasm/browser in Chromium', () => {
  const session = chromiumSession();
  let node: Pool;
  beforeAll(async () => {
    node = await createPool({ workers: 2 });
  });
  afterAll(() => node?.close());

  it('refuses a page that is not cross-origin isolated, naming both headers', async () => {
    const page = await parwasmPage(session.browser, session.plain);
    const outcome = await page.evaluate(async () => {
      const isolated = crossOriginIsolated;
      try {
        await window.parwasm.createPool({ workers: 1 });
        return { isolated, message: 'started' };
      } catch (error) {
        return { isolated, message: (error as Error).message };
      }
    });
    expect(outcome.isolated).toBe(false);
    expect(outcome.message).toContain('Cross-Origin-Opener-Policy: same-origin');
    expect(outcome.message).toContain('Cross-Origin-Embedder-Policy: require-corp');
    await page.close();
  });

  it('starts in an isolated page, says hello from every worker, and holds at most 512 MiB by default', async () => {
    const page = await parwasmPage(session.browser, session.isolated);
    const replies = await page.evaluate(async () => {
      const pool = await window.parwasm.createPool({ workers: 3 });
      const hello = await pool.hello();
      // The browser's default maxMemory is 512 MiB: 600 MiB cannot fit, 400 MiB can.
      const tooLarge = (() => {
        try {
          return pool.alloc(Uint8Array, 600 * 2 ** 20).length;
        } catch (error) {
          return (error as Error).name;
        }
      })();
      const fits = pool.alloc(Uint8Array, 400 * 2 ** 20).length;
      await pool.close();
      return { isolated: crossOriginIsolated, hello, tooLarge, fits };
    });
    expect(replies.isolated).toBe(true);
    expect(replies.tooLarge).toBe('ValidationError');
    expect(replies.fits).toBe(400 * 2 ** 20);
    expect(replies.hello.map(({ rank }) => rank)).toEqual([0, 1, 2]);
    expect(new Set(replies.hello.map(({ threadId }) => threadId)).size).toBe(3);
    expect(replies.hello.every(({ hostname }) => hostname === '127.0.0.1')).toBe(true);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('computes the Node pool Mandelbrot pixel for pixel on every schedule', async () => {
    const view = { width: 61, height: 37, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 300 };
    const page = await parwasmPage(session.browser, session.isolated);
    const inBrowser = await page.evaluate(
      async ({ view, schedules }) => {
        const pool = await window.parwasm.createPool({ workers: 2 });
        const images: number[][] = [];
        for (const schedule of schedules)
          images.push([...(await pool.mandelbrot({ ...view, schedule, chunk: 3 })).data]);
        await pool.close();
        return images;
      },
      { view, schedules: [...SCHEDULES] },
    );
    for (const [i, schedule] of SCHEDULES.entries()) {
      const expected = await node.mandelbrot({ ...view, schedule, chunk: 3 });
      expect(inBrowser[i], schedule).toEqual([...expected.data]);
    }
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('polls for completion where Atomics.waitAsync is missing (Firefox < 145, Safari < 16.4)', async () => {
    const view = { width: 80, height: 50, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 2000 };
    const page = await session.browser.newPage();
    await page.addInitScript(() => {
      delete (Atomics as { waitAsync?: unknown }).waitAsync;
    });
    await page.goto(`${session.isolated.url}test/browser/page.html`);
    await page.waitForFunction(() => window.parwasm !== undefined);
    const outcome = await page.evaluate(async (view) => {
      const pool = await window.parwasm.createPool({ workers: 2 });
      const image = [...(await pool.mandelbrot({ ...view, schedule: 'guided' })).data];
      await pool.close();
      return { waitAsync: typeof (Atomics as { waitAsync?: unknown }).waitAsync, image };
    }, view);
    expect(outcome.waitAsync).toBe('undefined');
    expect(outcome.image).toEqual([...(await node.mandelbrot(view)).data]);
    await page.close();
  });
});
