// The example kernels on their own, without parwasm: each built module instantiated on a
// shared memory in this thread and run over [0, n) in random chunks, against the one-thread
// TypeScript references. What test/kernels.test.ts then asks of the pool rests on this.
import { readFileSync } from 'node:fs';
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

  it('the trap fixtures trap with the message the tests expect at index `bad`, and only there', async () => {
    const traps = await wasm(BUILDS.traps);
    const out = traps.alloc(Int32Array, 100);
    const throws = await loadJavaScript(new URL('fixtures/kernels/throws.mjs', import.meta.url));
    const cases: [SingleThreadLibrary, string, unknown[], RegExp][] = [
      [traps, 'trapUnreachable', [57], /unreachable/],
      [traps, 'trapOutOfBounds', [57], /out of bounds/],
      [traps, 'trapDivide', [57, out.byteOffset], /divi(de|sion) by zero/],
      [throws, 'throwAt', [57], /kernel refused index 57/],
    ];
    for (const [library, name, args, says] of cases) {
      const kernel = library.kernel(name);
      expect(() => kernel(0, 57, ...args)).not.toThrow();
      expect(() => kernel(58, 100, ...args)).not.toThrow();
      expect(() => kernel(50, 60, ...args)).toThrow(says);
    }
    expect(() => traps.kernel('trapAtIndex')(56, 57)).not.toThrow();
    expect(() => traps.kernel('trapAtIndex')(57, 57)).toThrow(/unreachable/);
    expect(() => throws.kernel('throwAtIndex')(57, 57)).toThrow(/kernel refused index 57/);
    const filled = traps.alloc(Int32Array, 7);
    traps.kernel('fill')(3, 6, filled.byteOffset);
    expect([...filled]).toEqual([0, 0, 0, 3, 4, 5, 0]);
  });

  clang.it(
    'two instances of the C library on one memory start their stacks at one address, where median writes',
    async () => {
      // Why per-worker stacks matter: without them, every worker's window would be these bytes.
      const path = await buildKernel(BUILDS.c);
      const memory = new WebAssembly.Memory({ initial: 32, maximum: maximumPages(BUILDS.c), shared: true });
      const module = new WebAssembly.Module(readFileSync(path));
      const [a, b] = [0, 1].map(() => new WebAssembly.Instance(module, { env: { memory } }).exports);
      const stackTop = (exports: WebAssembly.Exports) =>
        (exports.__stack_pointer as WebAssembly.Global).value as number;
      expect(stackTop(a!)).toBe(stackTop(b!));
      const below = new Uint8Array(memory.buffer, stackTop(a!) - 1024, 1024).fill(0xa5);
      const x = new Float64Array(memory.buffer, 1 << 20, 100);
      x.set(x.map((_, i) => i));
      const out = new Float64Array(memory.buffer, (1 << 20) + 800, 100);
      (a!.median as (...args: number[]) => void)(50, x.byteOffset, out.byteOffset, 100, 32);
      expect(out[50]).toBe(50);
      expect(
        below.some((byte) => byte !== 0xa5),
        'median left its stack untouched',
      ).toBe(true);
    },
  );
});
