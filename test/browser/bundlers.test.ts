// docs/browser.md "Bundlers" as a user follows it: a fresh project that installed the packed
// tarball (node_modules/parwasm, not the source) and whose entry imports parwasm/browser, built
// by Vite (and served by its dev server) and by webpack 5 through their Node APIs, served with
// the isolation headers on 127.0.0.1; the page computes a Mandelbrot on 2 workers in Chromium
// and gets the Node pool's image, pixel for pixel, and runs a kernel of the user's module,
// loaded by URL at run time (a bundler must leave that import alone).
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser } from 'playwright-core';
import { build as viteBuild, createServer as viteServer } from 'vite';
import webpack from 'webpack';
import { createPool } from 'parwasm';
import { mandelbrotJs } from '../../src/baselines/mandelbrot.js';
import { ISOLATION_HEADERS, serveStatic } from '../../src/platform/static-server.js';
import { installProject, packTarball, root } from '../tarball.js';
import { browserTests, launchChromium, openPage } from './chromium.js';

const { describe, it } = browserTests;

// The app's entry: all it does with parwasm is import it, as a user's code would.
const ENTRY = `import { createPool } from 'parwasm/browser';
window.createPool = createPool;
`;

// The config docs/browser.md prescribes for Vite, with or without parwasm kept out of the
// dev server's dependency pre-bundling.
const viteConfig = (optimizeDeps: string): string => `const headers = ${JSON.stringify(ISOLATION_HEADERS)};
export default {
  ${optimizeDeps}
  server: { headers },
  preview: { headers },
};
`;

// Vite's page names the entry as a module script; webpack's bundle is a classic script.
const page = (script: string): string => `<!doctype html>
<meta charset="utf-8" />
<link rel="icon" href="data:," />
${script}
`;

// The user's kernels, served beside the page: Vite copies public/ into its output.
const KERNELS = readFileSync(join(root, 'examples/kernels/javascript/kernels.mjs'), 'utf8');

const VIEW = { width: 67, height: 41, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 500 };

declare global {
  interface Window {
    createPool: typeof import('../../src/browser.js').createPool;
  }
}

describe('parwasm/browser bundled into a page', () => {
  let tarball: string;
  let project: string;
  let browser: Browser;
  let nodeImage: number[];

  beforeAll(async () => {
    tarball = packTarball();
    project = installProject(
      tarball,
      'bundled-app',
      { type: 'module' },
      {
        'main.js': ENTRY,
        'index.html': page('<script type="module" src="./main.js"></script>'),
        'vite.config.js': viteConfig("optimizeDeps: { exclude: ['parwasm'] },"),
        'vite.prebundled.config.js': viteConfig(''),
      },
    );
    mkdirSync(join(project, 'public'));
    writeFileSync(join(project, 'public', 'kernels.mjs'), KERNELS);
    browser = await launchChromium();
    const pool = await createPool({ workers: 2 });
    nodeImage = [...(await pool.mandelbrot(VIEW)).data];
    await pool.close();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (tarball) rmSync(join(tarball, '..'), { recursive: true, force: true });
  });

  /** Opens `url`, computes VIEW on 2 workers there and a saxpy of ./kernels.mjs, closes the
   * pool; expects the Node pool's image and the saxpy's values. */
  async function expectWorkingPage(url: string): Promise<void> {
    const tab = await openPage(browser, url);
    try {
      await tab.waitForFunction(() => window.createPool !== undefined);
      const { image, y } = await tab.evaluate(async (view) => {
        const pool = await window.createPool({ workers: 2 });
        const result = await pool.mandelbrot(view);
        const lib = await pool.load('./kernels.mjs');
        const x = lib.alloc(Float64Array, 101);
        const y = lib.alloc(Float64Array, 101);
        for (let i = 0; i < x.length; i++) [x[i], y[i]] = [i, 1];
        await pool.parallelFor(x.length, lib.kernel('saxpy'), { args: [2.5, x, y] });
        const out = { image: [...result.data], y: [...y] };
        await pool.close();
        return out;
      }, VIEW);
      expect(y).toEqual(Array.from({ length: 101 }, (_, i) => 2.5 * i + 1));
      expect(image).toEqual(nodeImage);
      expect(image).toEqual([...mandelbrotJs(VIEW)]);
      expect(tab.errors).toEqual([]);
    } finally {
      await tab.close();
    }
  }

  /** Serves `dir` with the isolation headers while `use` runs. */
  async function served(dir: string, use: (url: string) => Promise<void>): Promise<void> {
    const server = await serveStatic({ root: dir });
    try {
      await use(server.url);
    } finally {
      await server.close();
    }
  }

  it('works built by Vite (build())', async () => {
    const outDir = join(project, 'vite-dist');
    await viteBuild({ root: project, logLevel: 'silent', build: { outDir } });
    await served(outDir, expectWorkingPage);
  }, 60_000);

  // Vite 8 rewrites the URLs of a pre-bundled dependency to the package's files; before 8 it
  // did not (vite#8427), hence the exclude. Each server has its own cache: it shows what was
  // pre-bundled.
  for (const [configFile, prebundled] of [
    ['vite.config.js', false],
    ['vite.prebundled.config.js', true],
  ] as const) {
    it(`works on the Vite dev server (${configFile})`, async () => {
      const cacheDir = join(project, `.vite-cache-${configFile}`);
      const server = await viteServer({
        root: project,
        configFile: join(project, configFile),
        cacheDir,
        logLevel: 'silent',
        server: { host: '127.0.0.1', port: 0, strictPort: false, watch: null, hmr: false },
      });
      try {
        await server.listen();
        await expectWorkingPage(server.resolvedUrls!.local[0]!);
      } finally {
        await server.close();
      }
      expect(existsSync(join(cacheDir, 'deps', 'parwasm_browser.js'))).toBe(prebundled);
    }, 60_000);
  }

  it('works built by webpack 5 (webpack(config).run)', async () => {
    const outDir = join(project, 'webpack-dist');
    const compiler = webpack({
      mode: 'production',
      context: project,
      entry: './main.js',
      output: { path: outDir, filename: 'main.js' },
      stats: 'none',
      infrastructureLogging: { level: 'none' },
    });
    const stats = await new Promise<webpack.Stats>((resolve, reject) =>
      compiler.run((error, result) => (error ? reject(error) : resolve(result!))),
    );
    await new Promise<void>((resolve) => compiler.close(() => resolve()));
    expect(stats.toJson({ all: false, errors: true, warnings: true })).toMatchObject({ errors: [], warnings: [] });
    writeFileSync(join(outDir, 'index.html'), page('<script src="./main.js"></script>'));
    copyFileSync(join(project, 'public', 'kernels.mjs'), join(outDir, 'kernels.mjs'));
    await served(outDir, expectWorkingPage);
  }, 60_000);
});
