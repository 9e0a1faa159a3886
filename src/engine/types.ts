// The public types of kernel libraries. Kept apart from the code, in parwasm's own
// interfaces (wasm-types.ts) rather than the global WebAssembly namespace, so that the
// declarations compile without the DOM lib.
import type { RunOptions } from '../schedule/parallel-for.js';
import type { RunStats } from '../schedule/telemetry.js';
import type { WasmMemory, WasmModule } from '../wasm-types.js';

/** A typed array that `lib.alloc` makes and a kernel takes. */
export type KernelArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/** A kernel library: a path or URL of a `.wasm` file or of an ES module of JavaScript
 * kernels (`.mjs` or `.js`), the bytes of a wasm module, or a compiled `WebAssembly.Module`. */
export type LibrarySource = string | URL | ArrayBuffer | ArrayBufferView | WasmModule;

/** A typed array type that `lib.alloc` can make. */
export interface KernelArrayConstructor<T extends KernelArray = KernelArray> {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

/** A module of kernels loaded on every worker of a pool: see `pool.load`. */
export interface KernelLibrary {
  /** The library's shared memory (its `WebAssembly.Memory`), which every worker's instance
   * of the module uses. Its `buffer` is a new object after every growth. */
  readonly memory: WasmMemory;
  /** A typed array of `length` elements on the library's memory, above everything the
   * module owns, zero-filled. Passed to a kernel it arrives as its byte offset (wasm) or as
   * a view of the same memory (JavaScript). Stays valid after the memory grows. */
  alloc<T extends KernelArray>(type: KernelArrayConstructor<T>, length: number): T;
  /** Gives an array from `alloc` back; passing it to a kernel afterwards is a ValidationError. */
  free(array: KernelArray): void;
  /** The exported function `name` as a kernel: a range kernel `(lo, hi, ...args)` computing
   * `[lo, hi)`, or with `perIndex: true` an `(i, ...args)` called for every index. */
  kernel(name: string, options?: KernelOptions): Kernel;
  /** Removes the library from every worker; its kernels cannot run afterwards. */
  unload(): Promise<void>;
}

export interface KernelOptions {
  /** The kernel computes one index per call: `(i, ...args)`. Default: false (a range
   * kernel, `(lo, hi, ...args)`). */
  perIndex?: boolean;
}

/** A kernel of a library, for `pool.parallelFor`. */
export interface Kernel {
  readonly name: string;
  readonly perIndex: boolean;
}

export interface LoadOptions {
  /** The most bytes the library's memory may grow to, rounded up to whole 64 KiB pages.
   * Default and ceiling: the maximum the module declares for its memory. A JavaScript
   * library has no declared maximum: 2 GiB by default, at most 4 GiB. */
  maxMemory?: number;
  /** Bytes of the stack each worker gets, for a module that exports `__stack_pointer`.
   * Default: 65536 (wasm-ld's default stack size). */
  stackSize?: number;
}

export interface ParallelForOptions extends RunOptions {
  /** The kernel's arguments after its index ones, as its signature types them: numbers for
   * i32, f32 and f64, a bigint or a safe integer for i64, and typed arrays of the kernel's
   * library (passed as their byte offset). A JavaScript kernel takes numbers, bigints and
   * typed arrays of its library (passed as views). Default: none. */
  args?: readonly unknown[];
}

export interface ParallelForResult {
  stats: RunStats;
}
