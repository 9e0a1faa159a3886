// The example kernels as test cases: for an index space [0, n), the inputs (random, from a
// seed), the arguments, and the outputs with what a one-thread TypeScript reference says they
// must hold. The same cases check the kernels on their own (test/kernel-fixtures.test.ts) and
// run on parwasm's pool (test/kernels.test.ts), so the two agree on what "correct" means.
import type { KernelLibrary } from './kernel-contract.js';
import {
  collatzReference,
  integrateReference,
  mandelbrotReference,
  medianReference,
  mix64Reference,
  saxpyReference,
  scale32Reference,
  type View,
} from './kernel-references.js';

/** What a case needs of a library: parwasm's `lib` and the single-thread one both have it. */
export type CaseLibrary = Pick<KernelLibrary, 'alloc'>;

export interface Prepared {
  /** The kernel's arguments after its index ones; arrays as the library's typed arrays. */
  args: unknown[];
  /** After the run: each output as it is in memory, beside what it must be. */
  outputs: () => { actual: ArrayBufferView; expected: ArrayBufferView }[];
}

export type Toolchain = 'assemblyscript' | 'c' | 'javascript';

export interface KernelCase {
  kernel: string;
  perIndex: boolean;
  /** Which example libraries export this kernel. */
  toolchains: readonly Toolchain[];
  /** Allocates and fills the inputs for [0, n); `memory()` is the library's memory, for
   * kernels that write at absolute addresses. */
  prepare(n: number, library: CaseLibrary, random: () => number, memory: () => ArrayBufferLike): Prepared;
}

const randomValues = (length: number, random: () => number, scale = 1000): number[] =>
  Array.from({ length }, () => (random() * 2 - 1) * scale);

/** The view `mandelbrotRow` draws: the full set, 37 pixels wide, one row per index. */
export const IMAGE: Omit<View, 'height'> = { width: 37, maxIter: 60, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25 };
/** The most rows the image at address 0 may have: it must stay inside the module's 1 MiB. */
export const MAX_IMAGE_ROWS = Math.floor((1 << 20) / (IMAGE.width * 4));

/** `median`'s window radius. */
export const MEDIAN_RADIUS = 5;

export const KERNEL_CASES: KernelCase[] = [
  {
    kernel: 'saxpy',
    perIndex: false,
    toolchains: ['assemblyscript', 'c', 'javascript'],
    prepare(n, library, random) {
      const a = random() * 4 - 2;
      const x = library.alloc(Float64Array, n);
      const y = library.alloc(Float64Array, n);
      x.set(randomValues(n, random));
      y.set(randomValues(n, random));
      const expected = saxpyReference(a, x, y);
      return { args: [a, x, y], outputs: () => [{ actual: y, expected }] };
    },
  },
  {
    kernel: 'scale32',
    perIndex: false,
    toolchains: ['assemblyscript'],
    prepare(n, library, random) {
      const a = Math.fround(random() * 3);
      const x = library.alloc(Float32Array, n);
      x.set(randomValues(n, random));
      const expected = scale32Reference(a, x);
      return { args: [a, x], outputs: () => [{ actual: x, expected }] };
    },
  },
  {
    kernel: 'collatz',
    perIndex: true,
    toolchains: ['assemblyscript', 'javascript'],
    prepare(n, library) {
      const out = library.alloc(Uint32Array, n).fill(0xffffffff);
      return { args: [out], outputs: () => [{ actual: out, expected: collatzReference(n) }] };
    },
  },
  {
    kernel: 'mix64',
    perIndex: true,
    toolchains: ['assemblyscript'],
    prepare(n, library, random) {
      // Above 2^53, so that it can only pass as a bigint.
      const seed = BigInt(Math.floor(random() * 2 ** 32)) * 2n ** 31n + 1n;
      const out = library.alloc(BigUint64Array, n);
      return { args: [seed, out], outputs: () => [{ actual: out, expected: mix64Reference(n, seed) }] };
    },
  },
  {
    kernel: 'mandelbrotRow',
    perIndex: true,
    toolchains: ['assemblyscript'],
    prepare(n, _library, _random, memory) {
      const view = { ...IMAGE, height: n };
      const image = () => new Uint32Array(memory(), 0, IMAGE.width * n);
      image().fill(0xffffffff);
      const { width, height, maxIter, xmin, xmax, ymin, ymax } = view;
      return {
        args: [width, height, maxIter, xmin, xmax, ymin, ymax],
        outputs: () => [{ actual: image(), expected: mandelbrotReference(view) }],
      };
    },
  },
  {
    kernel: 'median',
    perIndex: true,
    toolchains: ['c'],
    prepare(n, library, random) {
      const x = library.alloc(Float64Array, n);
      x.set(randomValues(n, random));
      const out = library.alloc(Float64Array, n).fill(NaN);
      const expected = medianReference(x, MEDIAN_RADIUS);
      return { args: [x, out, n, MEDIAN_RADIUS], outputs: () => [{ actual: out, expected }] };
    },
  },
  {
    kernel: 'integrate',
    perIndex: false,
    toolchains: ['assemblyscript', 'c', 'javascript'],
    prepare(n, library) {
      const out = library.alloc(Float64Array, n).fill(NaN);
      return { args: [out], outputs: () => [{ actual: out, expected: integrateReference(n) }] };
    },
  },
];

/** Sizes that break naive splits: empty, one item, primes, fewer items than workers. */
export const AWKWARD_SIZES = [0, 1, 2, 3, 4, 7, 97, 1009];
