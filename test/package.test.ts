// The package as a user gets it: packed into a tarball, installed into another project,
// imported by name, with its worker entry and .wasm found next to its own modules. The
// computing entry installs no native code: the chart libraries are optional peers, and
// without them the chart functions and the report commands say which packages to install.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import { mandelbrotJs } from '../src/baselines/mandelbrot.js';
import { installProject, packTarball } from './tarball.js';

const CHART_PACKAGES = ['vega', 'vega-lite', '@resvg/resvg-js', 'dejavu-fonts-ttf'];
let project: string;

/** Runs an ES module in the installed project and returns what it printed. */
function runInProject(source: string): string {
  writeFileSync(join(project, 'main.mjs'), source);
  return execFileSync(process.execPath, ['main.mjs'], { cwd: project, encoding: 'utf8', timeout: 30_000 });
}

/** Every installed package's folder under `modules`, scoped ones included. */
function installedPackages(modules: string): string[] {
  if (!existsSync(modules)) return [];
  return readdirSync(modules)
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) =>
      name.startsWith('@')
        ? readdirSync(join(modules, name)).map((inner) => join(modules, name, inner))
        : [join(modules, name)],
    )
    .flatMap((folder) => [folder, ...installedPackages(join(folder, 'node_modules'))]);
}

/** Files of a package that mark native code: a compiled addon, or a node-gyp build. */
function nativeFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter(
    (file) => file.endsWith('.node') || file.endsWith('binding.gyp'),
  );
}

beforeAll(() => {
  project = installProject(packTarball(), 'app', { type: 'module' });
}, 120_000);

describe('the packed tarball, installed into a fresh project', () => {
  it('installs no native package and none of the optional peers (charts, cluster)', () => {
    const packages = installedPackages(join(project, 'node_modules'));
    const names = packages.map(
      (folder) => (JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { name: string }).name,
    );
    expect(names).toContain('parwasm');
    expect(names).toContain('fast-png');
    for (const peer of CHART_PACKAGES) expect(names).not.toContain(peer);
    // bullmq and ioredis are optional peers too, for the cluster (bullmq brings a native optional package).
    for (const peer of ['bullmq', 'ioredis', 'msgpackr-extract']) expect(names).not.toContain(peer);
    for (const folder of packages) {
      const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as Record<string, unknown>;
      // A package restricted to some systems or processors is a prebuilt binary (resvg's are).
      expect([folder, manifest.os, manifest.cpu, manifest.gypfile]).toEqual([folder, undefined, undefined, undefined]);
      expect([folder, nativeFiles(folder)]).toEqual([folder, []]);
    }
  });

  it('runs every operation: hello, mandelbrot, matmul and wordCount', () => {
    const view = { width: 37, height: 23, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 200 };
    const out = runInProject(`
      import { createPool } from 'parwasm';
      const pool = await createPool({ workers: 2 });
      const hello = await pool.hello();
      const image = await pool.mandelbrot({ ...${JSON.stringify(view)}, schedule: 'stealing' });
      const a = { rows: 2, cols: 3, data: new Float64Array([1, 2, 3, 4, 5, 6]) };
      const b = { rows: 3, cols: 2, data: new Float64Array([7, 8, 9, 10, 11, 12]) };
      const product = await pool.matmul(a, b);
      const words = await pool.wordCount(['The cat and the hat', 'THE END']);
      await pool.close();
      console.log(JSON.stringify({
        ranks: hello.map((reply) => reply.rank),
        pixels: [...image.data],
        product: [...product.data],
        counts: [...words.counts].sort(),
      }));`);
    const result = JSON.parse(out) as {
      ranks: number[];
      pixels: number[];
      product: number[];
      counts: [string, number][];
    };
    expect(result.ranks).toEqual([0, 1]);
    expect(result.pixels).toEqual([...mandelbrotJs(view)]);
    // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12], by hand.
    expect(result.product).toEqual([58, 64, 139, 154]);
    expect(result.counts).toEqual([
      ['and', 1],
      ['cat', 1],
      ['end', 1],
      ['hat', 1],
      ['the', 3],
    ]);
  });

  it('runs the command line, and writes a Mandelbrot PNG without the chart libraries', () => {
    const hello = execFileSync(join(project, 'node_modules/.bin/parwasm'), ['hello', '--workers', '3'], {
      encoding: 'utf8',
    });
    expect(hello.trim().split('\n')).toHaveLength(3);
    execFileSync(join(project, 'node_modules/.bin/parwasm'), ['mandelbrot', '--size', '48', '--out', 'm.png'], {
      cwd: project,
      stdio: 'pipe',
    });
    const png = decode(readFileSync(join(project, 'm.png')));
    expect([png.width, png.height]).toEqual([48, 48]);
  });

  it('says which packages to install when a chart is rendered without them; the PNG needs none', () => {
    const out = runInProject(`
      import { costHistogram, mandelbrotPng, renderPng, renderSvg } from 'parwasm/report';
      const spec = costHistogram(new Uint32Array([1, 2, 3]), 3);
      const errors = [];
      for (const render of [renderSvg, renderPng]) {
        try {
          await render(spec);
          errors.push(null);
        } catch (error) {
          errors.push({ name: error.name, message: error.message, packages: error.packages });
        }
      }
      const png = mandelbrotPng({ width: 2, height: 1, data: new Uint32Array([0, 3]) }, 3);
      console.log(JSON.stringify({ errors, png: png.length }));`);
    const { errors, png } = JSON.parse(out) as {
      errors: ({ name: string; message: string; packages: string[] } | null)[];
      png: number;
    };
    expect(png).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error?.name).toBe('MissingDependencyError');
      expect(error?.packages).toEqual(CHART_PACKAGES);
      expect(error?.message).toContain(`npm install ${CHART_PACKAGES.join(' ')}`);
    }
  });

  it.each([['tour'], ['study']])('parwasm %s fails at once with one line naming the packages', (command) => {
    const run = spawnSync(join(project, 'node_modules/.bin/parwasm'), [command, '--workers', '1', '--out', 'r'], {
      cwd: project,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      `parwasm: parwasm/report's charts need ${CHART_PACKAGES.join(', ')}, not installed: npm install ${CHART_PACKAGES.join(' ')}`,
    ]);
    expect(existsSync(join(project, 'r'))).toBe(false); // nothing done before the check
  });
});
