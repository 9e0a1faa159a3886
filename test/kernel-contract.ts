// The API of issue 14 (users' own kernels) as the kernel tests use it, by its contract
// names in DESIGN.md. The tests were written before the engine's declarations reached this
// branch, so they see a pool through `kernelPool(pool)`; once 'parwasm' exports these types
// this file can re-export them instead.
import type { Pool, RunOptions, RunStats } from 'parwasm';

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

export interface KernelArrayConstructor<T extends KernelArray = KernelArray> {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

/** A kernel of a library, for `pool.parallelFor`. */
export interface Kernel {
  readonly name: string;
  readonly perIndex: boolean;
}

export interface KernelLibrary {
  readonly memory: { readonly buffer: ArrayBufferLike; grow(delta: number): number };
  alloc<T extends KernelArray>(type: KernelArrayConstructor<T>, length: number): T;
  free(array: KernelArray): void;
  kernel(name: string, options?: { perIndex?: boolean }): Kernel;
  unload(): Promise<void>;
}

export interface LoadOptions {
  /** Bytes the library's memory may grow to. */
  maxMemory?: number;
}

export interface ParallelForOptions extends RunOptions {
  args?: readonly unknown[];
}

export interface KernelPool {
  load(source: string | URL | ArrayBufferView | ArrayBuffer | object, options?: LoadOptions): Promise<KernelLibrary>;
  parallelFor(n: number, kernel: Kernel, options?: ParallelForOptions): Promise<{ stats: RunStats }>;
}

/** The pool, with the kernel API typed. */
export function kernelPool(pool: Pool): Pool & KernelPool {
  return pool;
}

/** What a KernelError carries (src/errors.ts on the engine's branch). */
export interface KernelErrorFields {
  name: 'KernelError';
  /** The kernel's name in its library. */
  kernel: string;
  /** The range being computed when it failed: [lo, hi). */
  lo: number;
  hi: number;
  message: string;
}
