// A kernel library run on the test's own thread, without parwasm: the module instantiated on
// a shared WebAssembly.Memory, arrays placed by a bump pointer, the kernel called over [0, n)
// in chunks. It checks the example kernels themselves (test/kernel-fixtures.test.ts), so
// that a failure in test/kernels.test.ts points at the engine, not at a fixture.
import { readFileSync } from 'node:fs';
import type { KernelArray, KernelArrayConstructor } from './kernel-contract.js';

const PAGE = 65536;
/** Arrays start here: above the module's own memory (1 MiB for the AssemblyScript examples'
 * 16 initial pages; the C example's data and stack end near 66 KiB). */
const ARRAYS_START = 1 << 20;

/** The argument a kernel receives for an array: its byte offset (wasm) or itself (JS). */
type ArgumentOf = (array: ArrayBufferView) => unknown;

export interface SingleThreadLibrary {
  /** The kernel's function by name. */
  kernel(name: string): (...args: unknown[]) => unknown;
  /** A zeroed array on the library's memory. */
  alloc<T extends KernelArray>(type: KernelArrayConstructor<T>, length: number): T;
  /** What a kernel receives for an array of this library. */
  argument: ArgumentOf;
  /** The shared memory's bytes, for kernels that write at absolute addresses. */
  buffer(): ArrayBufferLike;
}

/** A wasm library on a fresh shared memory of `maximumPages`. */
export function loadWasm(path: string, maximumPages: number): SingleThreadLibrary {
  const memory = new WebAssembly.Memory({ initial: ARRAYS_START / PAGE, maximum: maximumPages, shared: true });
  const abort = () => {
    throw new Error('abort called');
  };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), {
    env: { memory, abort },
  });
  let next = ARRAYS_START;
  return {
    kernel: (name) => instance.exports[name] as (...args: unknown[]) => unknown,
    alloc: (type, length) => {
      const at = next;
      next += Math.ceil((length * type.BYTES_PER_ELEMENT) / 64) * 64 + 64;
      const pages = Math.ceil(next / PAGE) - memory.buffer.byteLength / PAGE;
      if (pages > 0) memory.grow(pages);
      return new type(memory.buffer, at, length);
    },
    argument: (array) => array.byteOffset,
    buffer: () => memory.buffer,
  };
}

/** A JavaScript library: the module's functions, arrays on SharedArrayBuffers. */
export async function loadJavaScript(url: URL): Promise<SingleThreadLibrary> {
  const module = (await import(url.href)) as Record<string, (...args: unknown[]) => unknown>;
  return {
    kernel: (name) => module[name]!,
    alloc: (type, length) => new type(new SharedArrayBuffer(length * type.BYTES_PER_ELEMENT), 0, length),
    argument: (array) => array,
    buffer: () => {
      throw new Error('a JavaScript library has no memory of its own');
    },
  };
}

/** Calls a range kernel over [0, n) in random chunks of 1 to `n` items (so chunk edges fall
 * anywhere), or a per-index kernel once per index; array arguments become what the library
 * passes. */
export function runOver(
  library: SingleThreadLibrary,
  name: string,
  n: number,
  args: unknown[],
  { perIndex = false, random = Math.random }: { perIndex?: boolean; random?: () => number } = {},
): void {
  const kernel = library.kernel(name);
  const passed = args.map((arg) => (ArrayBuffer.isView(arg) ? library.argument(arg) : arg));
  if (perIndex) {
    for (let i = 0; i < n; i++) kernel(i, ...passed);
    return;
  }
  for (let lo = 0; lo < n;) {
    const hi = Math.min(n, lo + 1 + Math.floor(random() * n));
    kernel(lo, hi, ...passed);
    lo = hi;
  }
}
