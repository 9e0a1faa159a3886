// The done-when of issue 17: a fresh project that installed the packed tarball serves a page
// that imports parwasm/browser unbundled (an import map names the package's file) and gets the
// reference Mandelbrot image and a correct matmul on every schedule in Chromium.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { SCHEDULES } from 'parwasm';
import { mandelbrotJs } from '../../src/baselines/mandelbrot.js';
import { matmulReference, relativeFrobeniusError } from '../../src/baselines/matmul.js';
import { serveStatic } from '../../src/platform/static-server.js';
import { seededRandom } from '../helpers.js';
import { installProject, packTarball } from '../tarball.js';
import { browserTests, launchChromium, openPage } from './chromium.js';

const { describe, it } = browserTests;

const PAGE = `<!doctype html>
<meta charset="utf-8" />
<link rel="icon" href="data:," />
<script type="importmap">
  { "imports": { "parwasm/browser": "./node_modules/parwasm/dist/browser.js" } }
</script>
<script type="module">
  import * as parwasm from 'parwasm/browser';
  window.parwasm = parwasm;
</script>
`;

describe('parwasm/browser from the packed tarball', () => {
  it('serves a page that computes the reference Mandelbrot and a correct matmul on every schedule', async () => {
    const project = installProject(packTarball(), 'browser-app', { type: 'module' });
    writeFileSync(join(project, 'index.html'), PAGE);
    const server = await serveStatic({ root: project });
    const browser = await launchChromium();
    try {
      const view = { width: 67, height: 41, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 500 };
      const [m, k, n] = [23, 19, 17];
      const random = seededRandom(17);
      const a = Array.from({ length: m * k }, () => random() - 0.5);
      const b = Array.from({ length: k * n }, () => random() - 0.5);
      const page = await openPage(browser, server.url);
      await page.waitForFunction(() => window.parwasm !== undefined);
      const results = await page.evaluate(
        async ({ view, a, b, m, k, n, schedules }) => {
          const pool = await window.parwasm.createPool({ workers: 2 });
          const out = [];
          for (const schedule of schedules) {
            const image = await pool.mandelbrot({ ...view, schedule });
            const c = await pool.matmul(
              { rows: m, cols: k, data: Float64Array.from(a) },
              { rows: k, cols: n, data: Float64Array.from(b) },
              { schedule },
            );
            out.push({ image: [...image.data], c: [...c.data] });
          }
          await pool.close();
          return out;
        },
        { view, a, b, m, k, n, schedules: [...SCHEDULES] },
      );
      const image = [...mandelbrotJs(view)];
      const reference = matmulReference(
        { rows: m, cols: k, data: Float64Array.from(a) },
        { rows: k, cols: n, data: Float64Array.from(b) },
      );
      for (const [i, schedule] of SCHEDULES.entries()) {
        expect(results[i]!.image, schedule).toEqual(image);
        expect(relativeFrobeniusError(results[i]!.c, reference), schedule).toBeLessThanOrEqual(1e-12);
      }
      expect(page.errors).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  }, 180_000);
});
