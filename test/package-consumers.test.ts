// The packed tarball from each kind of project a user has: an ES module project, a CommonJS
// one, a TypeScript one (nodenext, no DOM lib); and what the tarball holds.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { installProject, packTarball, root } from './tarball.js';

let tarball = '';

function project(name: string, packageJson: object, files: Record<string, string>, extra: string[] = []): string {
  return installProject(tarball, name, packageJson, files, extra);
}

function run(dir: string, file: string): string {
  return execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
}

describe('the packed tarball', () => {
  beforeAll(() => {
    tarball = packTarball();
  }, 60_000);

  it('holds the library, its CLI and declarations, and no benchmark bundles', () => {
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
    expect(listing).toEqual(
      expect.arrayContaining(['package/dist/index.js', 'package/dist/index.cjs', 'package/dist/cli.js']),
    );
    expect(listing.filter((path) => /\/(bench|stress|matmul-task|wordcount-task)\.js$/.test(path))).toEqual([]);
    // The internal ambient declaration of the global WebAssembly namespace stays internal.
    expect(listing.filter((path) => path.includes('wasm-globals'))).toEqual([]);
  });

  it('installs into a fresh ES module project and says hello, from import and from the bin', () => {
    const dir = project(
      'esm-app',
      { type: 'module' },
      {
        'main.js': `
          import { createPool } from 'parwasm';
          const pool = await createPool({ workers: 2 });
          console.log(JSON.stringify(await pool.hello()));
          await pool.close();`,
      },
    );
    const replies = JSON.parse(run(dir, 'main.js')) as { rank: number }[];
    expect(replies.map((reply) => reply.rank)).toEqual([0, 1]);
    const bin = execFileSync(join(dir, 'node_modules/.bin/parwasm'), ['hello', '--workers', '3'], {
      encoding: 'utf8',
    });
    expect(bin.trim().split('\n')).toHaveLength(3);
    // The benchmark suites need devDependencies: an install says to run them from a clone.
    const bench = spawnSync(join(dir, 'node_modules/.bin/parwasm'), ['bench'], { encoding: 'utf8' });
    expect(bench.status).toBe(2);
    expect(bench.stderr).toMatch(
      /^parwasm: the benchmark suites need parwasm's devDependencies: run them from a clone/,
    );
  }, 120_000);

  it("works from a CommonJS project: require('parwasm') and require('parwasm/report')", () => {
    const dir = project(
      'cjs-app',
      { type: 'commonjs' },
      {
        'main.js': `
          const { createPool, ValidationError } = require('parwasm');
          const { mandelbrotPng } = require('parwasm/report');
          (async () => {
            const pool = await createPool({ workers: 2 });
            const image = await pool.mandelbrot({ width: 8, height: 4, xmin: -2, xmax: 0.5, ymin: -1, ymax: 1, maxIter: 50 });
            const png = mandelbrotPng(image, 50);
            let argument;
            try { await createPool({ workers: 0 }); } catch (error) { if (error instanceof ValidationError) argument = error.argument; }
            console.log(JSON.stringify({ ranks: (await pool.hello()).map((r) => r.rank), png: [...png.subarray(1, 4)], argument }));
            await pool.close();
          })();`,
      },
    );
    expect(JSON.parse(run(dir, 'main.js'))).toEqual({
      ranks: [0, 1],
      png: [0x50, 0x4e, 0x47],
      argument: 'options.workers',
    });
  }, 120_000);

  it('type-checks and runs from TypeScript (module nodenext, CommonJS package, no DOM lib, strict)', () => {
    const typesNode = (
      JSON.parse(readFileSync(join(root, 'node_modules/@types/node/package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    const dir = project(
      'ts-app',
      { type: 'commonjs' },
      {
        'tsconfig.json': JSON.stringify({
          compilerOptions: {
            module: 'nodenext',
            moduleResolution: 'nodenext',
            target: 'es2022',
            lib: ['es2022'],
            types: ['node'],
            strict: true,
            skipLibCheck: false,
            outDir: 'out',
          },
          files: ['main.ts'],
        }),
        'main.ts': `
          import { createPool, ValidationError } from 'parwasm';
          import { mandelbrotPng } from 'parwasm/report';

          async function main(): Promise<void> {
            const pool = await createPool({ workers: 2 });
            const a = { rows: 2, cols: 3, data: new Float64Array([1, 2, 3, 4, 5, 6]) };
            const b = { rows: 3, cols: 1, data: new Float64Array([1, 0, -1]) };
            const product = await pool.matmul(a, b);
            let argument = '';
            try {
              await pool.matmul(a, a);
            } catch (e) {
              // Narrowed by instanceof: no cast.
              if (e instanceof ValidationError) argument = e.argument;
            }
            const png: Uint8Array = mandelbrotPng(
              await pool.mandelbrot({ width: 4, height: 4, xmin: -2, xmax: 0.5, ymin: -1, ymax: 1, maxIter: 20 }),
              20,
            );
            console.log(JSON.stringify({ product: [...product.data], argument, png: png.length > 8 }));
            await pool.close();
          }
          void main();`,
      },
      [`@types/node@${typesNode}`],
    );
    // The repository's TypeScript, so the test needs no second copy from the registry.
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(JSON.parse(run(dir, 'out/main.js'))).toEqual({ product: [-2, -2], argument: 'b.rows', png: true });
  }, 120_000);
});
