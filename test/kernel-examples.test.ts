// The programs in examples/kernels run as a user runs them (they import 'parwasm' by name),
// on libraries built by the commands examples/kernels/README.md prints; and the AssemblyScript
// config the package ships builds a module parwasm can load.
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILDS, buildKernel } from './kernel-modules.js';
import { needs } from './os-package.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 120_000 });
const clang = needs('clang', 'clang lld');
const JS_KERNELS = 'examples/kernels/javascript/kernels.mjs';

const built: { assemblyscript?: string; c?: string } = {};
beforeAll(async () => {
  built.assemblyscript = await buildKernel(BUILDS.assemblyscript);
  if (clang.found) built.c = await buildKernel(BUILDS.c);
}, 300_000);

describe('examples/kernels', () => {
  it('README.md prints the build commands the tests run', () => {
    const readme = readFileSync(join(root, 'examples/kernels/README.md'), 'utf8');
    expect(readme).toContain(`cd ${BUILDS.assemblyscript.folder}\n${BUILDS.assemblyscript.command}\n`);
    expect(readme).toContain(`cd ${BUILDS.c.folder}\n${BUILDS.c.command}\n`);
  });

  const saxpyRuns = (library: () => string) => () => {
    const child = run('examples/kernels/saxpy.mjs', library());
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout).toMatch(/^saxpy over 500000 items on \d+ workers: the same as plain JavaScript$/m);
  };
  it(
    'saxpy.mjs with the AssemblyScript library',
    saxpyRuns(() => built.assemblyscript!),
  );
  clang.it(
    'saxpy.mjs with the C library',
    saxpyRuns(() => built.c!),
  );
  it(
    'saxpy.mjs with the JavaScript library',
    saxpyRuns(() => JS_KERNELS),
  );

  const integrateRuns = (library: () => string) => () => {
    const child = run('examples/kernels/integrate.mjs', library(), '3001');
    expect(child.status).toBe(0);
    for (const schedule of ['static', 'cyclic', 'dynamic', 'guided', 'stealing']) {
      expect(child.stdout).toMatch(
        new RegExp(`^${schedule} +\\d+\\.\\d ms, imbalance \\d\\.\\d{3} \\([\\d +]+ items\\)$`, 'm'),
      );
    }
    // The midpoint rule with 3001 panels is within 2·10⁻⁸ of π.
    const [, error] = /π - out\[3000\] = (\S+)$/m.exec(child.stdout) ?? [];
    expect(Math.abs(Number(error))).toBeLessThan(2e-8);
  };
  it(
    'integrate.mjs with the AssemblyScript library',
    integrateRuns(() => built.assemblyscript!),
  );
  clang.it(
    'integrate.mjs with the C library',
    integrateRuns(() => built.c!),
  );
  it(
    'integrate.mjs with the JavaScript library',
    integrateRuns(() => JS_KERNELS),
  );

  clang.it('median.mjs removes the spikes with the C per-index kernel', () => {
    const child = run('examples/kernels/median.mjs', built.c!);
    expect(child.status).toBe(0);
    expect(child.stdout).toMatch(/^spikes: 1031 before, 0 after$/m);
  });

  it('each program explains itself when the library is missing', () => {
    for (const program of ['saxpy', 'integrate', 'median']) {
      const child = run(`examples/kernels/${program}.mjs`);
      expect(child.status).toBe(2);
      expect(child.stderr).toMatch(/^usage: /);
    }
  });
});

describe('asconfig.kernel.json', () => {
  it('a project whose asconfig.json extends it builds a module that imports a shared env.memory', async () => {
    const project = mkdtempSync(join(tmpdir(), 'parwasm-asconfig-'));
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(root, join(project, 'node_modules/parwasm'));
    mkdirSync(join(project, 'assembly'));
    copyFileSync(join(root, 'examples/kernels/assemblyscript/kernels.ts'), join(project, 'assembly/kernels.ts'));
    writeFileSync(
      join(project, 'asconfig.json'),
      JSON.stringify({
        extends: './node_modules/parwasm/asconfig.kernel.json',
        entries: ['assembly/kernels.ts'],
        targets: { release: { outFile: 'build/kernels.wasm', optimizeLevel: 3 } },
      }),
    );
    await promisify(execFile)(process.execPath, [join(root, 'node_modules/assemblyscript/bin/asc.js')], {
      cwd: project,
    });
    const module = new WebAssembly.Module(readFileSync(join(project, 'build/kernels.wasm')));
    expect(WebAssembly.Module.imports(module)).toContainEqual({ module: 'env', name: 'memory', kind: 'memory' });
    // Its memory must be shared: an unshared one does not link, a shared one does.
    const imports = (memory: WebAssembly.Memory) => ({ env: { memory, abort: () => undefined } });
    const maximum = 32768;
    expect(() => new WebAssembly.Instance(module, imports(new WebAssembly.Memory({ initial: 1, maximum })))).toThrow(
      WebAssembly.LinkError,
    );
    const shared = new WebAssembly.Memory({ initial: 1, maximum, shared: true });
    expect(new WebAssembly.Instance(module, imports(shared)).exports).toHaveProperty('saxpy');
  }, 120_000);

  it('is in the package', () => {
    const packed = JSON.parse(
      spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }).stdout,
    ) as { files: { path: string }[] }[];
    expect(packed[0]!.files.map((file) => file.path)).toContain('asconfig.kernel.json');
  });
});
