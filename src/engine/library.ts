// A kernel library: a user's module (wasm from any toolchain, or JavaScript) loaded on every
// worker of a pool, on a shared memory of its own. The library owns the memory below its
// heap base; `alloc` hands out regions above it and `kernel` names an export to run.
import { PoolClosedError, rangeError, typeError } from '../errors.js';
import type { Layout } from '../memory/layout.js';
import type { LibraryMessage } from '../engine/library-message.js';
import { booleanArg } from '../validate.js';
import type { Allocations } from './allocations.js';
import type { ArrayOwner } from './arguments.js';
import type { Kernel, KernelArray, KernelArrayConstructor, KernelLibrary, KernelOptions } from './types.js';
import type { ValueType } from './wasm-binary.js';

/** What a library needs of the pool it is loaded on. */
export interface LibraryHost {
  readonly layout: Layout;
  /** Sends each worker its message, resolves once every worker has applied it. */
  broadcast(message: (rank: number) => LibraryMessage): Promise<void>;
  /** Forgets a library: its slots are free again and replacement workers do not load it. */
  release(library: Library): void;
}

/** What the loader found out about one export. */
export interface ExportedKernel {
  /** Parameter types (wasm), or undefined for a JavaScript function. */
  params: readonly (ValueType | 'other')[] | undefined;
  /** Table slots of its adapters, where the signature allows each shape. */
  rangeSlot: number | undefined;
  indexSlot: number | undefined;
}

export class LibraryKernel implements Kernel {
  constructor(
    readonly library: Library,
    readonly name: string,
    readonly perIndex: boolean,
    readonly slot: number,
    /** The parameters after the index ones; undefined for a JavaScript kernel. */
    readonly args: readonly ValueType[] | undefined,
  ) {}
}

export class Library implements KernelLibrary, ArrayOwner {
  #unloaded = false;
  readonly #arrays: Allocations;

  constructor(
    readonly host: LibraryHost,
    readonly id: number,
    readonly memory: WebAssembly.Memory,
    /** The arrays `alloc` hands out on the memory. */
    arrays: Allocations,
    readonly kernels: ReadonlyMap<string, ExportedKernel>,
    /** Every worker's message, kept for replacement workers. */
    readonly message: (rank: number) => LibraryMessage,
  ) {
    this.#arrays = arrays;
  }

  get unloaded(): boolean {
    return this.#unloaded;
  }

  alloc<T extends KernelArray>(type: KernelArrayConstructor<T>, length: number): T {
    this.#checkLoaded('lib');
    return this.#arrays.alloc(type, length);
  }

  free(array: KernelArray): void {
    this.#checkLoaded('lib');
    this.#arrays.free(array, 'an array from alloc of this library, not freed yet');
  }

  kernel(name: string, options?: KernelOptions): LibraryKernel {
    this.#checkLoaded('lib');
    if (typeof name !== 'string') throw typeError('name', 'the name of an exported function', name);
    const exported = this.kernels.get(name);
    if (!exported) {
      const names = [...this.kernels.keys()].join(', ') || 'none';
      throw rangeError('name', `an exported function of this library (${names})`, name);
    }
    if (options !== undefined && (options === null || typeof options !== 'object'))
      throw typeError('options', 'an object', options);
    const perIndex = options?.perIndex === undefined ? false : booleanArg(options.perIndex, 'options.perIndex');
    const slot = perIndex ? exported.indexSlot : exported.rangeSlot;
    const { params } = exported;
    const indexParams = perIndex ? 1 : 2;
    if (slot === undefined || params?.includes('other')) {
      const shape = perIndex ? '(i: i32, ...args)' : '(lo: i32, hi: i32, ...args)';
      throw typeError(
        'name',
        `a function of the shape ${shape} with i32, i64, f32 or f64 arguments`,
        `${name}(${params?.join(', ') ?? ''})`,
      );
    }
    return new LibraryKernel(this, name, perIndex, slot, params?.slice(indexParams) as ValueType[] | undefined);
  }

  async unload(): Promise<void> {
    if (this.#unloaded) return;
    this.#unloaded = true;
    try {
      await this.host.broadcast(() => ({ type: 'unload', id: this.id }));
    } catch (error) {
      if (!(error instanceof PoolClosedError)) throw error; // a closed pool's workers are gone
    } finally {
      this.host.release(this);
    }
  }

  /** The byte offset of an array inside one of this library's live allocations. */
  offsetOf(array: ArrayBufferView, path: string): number {
    return this.#arrays.offsetOf(array, path);
  }

  #checkLoaded(path: string): void {
    if (this.#unloaded) throw rangeError(path, 'a library that is still loaded', 'an unloaded library');
  }
}
