// The example kernels on their own, without parwasm: each built module instantiated on a
// shared memory in this thread and run over [0, n) in random chunks, against the one-thread
// TypeScript references. What test/kernels.test.ts then asks of the pool rests on this.
import { describe, expect, it } from 'vitest';
import { BUILDS, buildKernel, maximumPages, type KernelBuild } from './kernel-modules.js';
import { AWKWARD_SIZES, KERNEL_CASES, type Toolchain } from './kernel-cases.js';
import { firstDifference, random } from './kernel-references.js';
import { needs, type Needed } from './os-package.js';
import { loadJavaScript, loadWasm, runOver, type SingleThreadLibrary } from './single-thread.js';

const JS_KERNELS = new URL('../examples/kernels/javascript/kernels.mjs', import.meta.url);
const wasm = async (build: KernelBuild) => loadWasm(await buildKernel(build), maximumPages(build));

const clang = needs('clang', 'clang lld');
const LIBRARIES: Record<Toolchain, { load: () => Promise<SingleThreadLibrary>; it: Needed['it'] }> = {
  assemblyscript: { load: () => wasm(BUILDS.assemblyscript), it },
  c: { load: () => wasm(BUILDS.c), it: clang.it },
  javascript: { load: () => loadJavaScript(JS_KERNELS), it },
};

describe('example kernels, one thread, without parwasm', () => {
  for (const [toolchain, { load, it: test }] of Object.entries(LIBRARIES)) {
    for (const { kernel, perIndex, toolchains, ...fixture } of KERNEL_CASES) {
      if (!toolchains.includes(toolchain as Toolchain)) continue;
      test(`${toolchain} ${kernel} agrees with the reference for n in ${AWKWARD_SIZES.join(', ')}`, async () => {
        const library = await load();
        for (const n of AWKWARD_SIZES) {
          const rng = random(n + 1);
          const { args, outputs } = fixture.prepare(n, library, rng, () => library.buffer());
          runOver(library, kernel, n, args, { perIndex, random: rng });
          for (const { actual, expected } of outputs())
            expect(firstDifference(actual, expected), `n = ${n}`).toBeUndefined();
        }
      }, 120_000);
    }
  }

  it('a kernel that did not run leaves its outputs unlike the reference (the check can fail)', async () => {
    const library = await LIBRARIES.assemblyscript.load();
    const integrate = KERNEL_CASES.find((c) => c.kernel === 'integrate')!;
    const { args, outputs } = integrate.prepare(5, library, random(1), () => library.buffer());
    runOver(library, 'integrate', 4, args);
    const [{ actual, expected }] = outputs() as [{ actual: Float64Array; expected: Float64Array }];
    expect(firstDifference(actual, expected)).toMatchObject({ index: 4 });
  });
});
