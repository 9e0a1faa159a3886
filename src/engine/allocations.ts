// The typed arrays handed out on one shared memory (a kernel library's, by `lib.alloc`, or
// the pool's own, by `pool.alloc`): made on regions of the memory, known by a registry of
// live allocations (by offset and length, so arrays made before a growth stay valid), and
// taken back by `free`. Every buffer an array was made on is recorded for the whole process,
// so an array can be told apart as ordinary, of this memory, or of another parwasm memory.
import { rangeError, typeError } from '../errors.js';
import type { Regions } from '../memory/regions.js';
import { integerIn } from '../validate.js';
import { TYPED_ARRAYS, type ArrayOwner } from './arguments.js';
import type { KernelArray, KernelArrayConstructor } from './types.js';

/** Which Allocations each buffer (one per growth of each memory) belongs to. */
const owners = new WeakMap<ArrayBufferLike, Allocations>();

export class Allocations implements ArrayOwner {
  /** Allocations: offset -> bytes. */
  readonly #arrays = new Map<number, number>();
  /** The arrays alloc handed out and free has not taken back: a freed array stays freed even
   * when a later allocation reuses its bytes. */
  readonly #handedOut = new WeakSet<ArrayBufferView>();
  readonly #freed = new WeakSet<ArrayBufferView>();
  #liveBytes = 0;

  constructor(
    readonly memory: { readonly buffer: ArrayBufferLike },
    readonly regions: Regions,
    /** Whose memory, in messages: "the library's", "the pool's". */
    readonly whose: string,
  ) {}

  /** The Allocations that made arrays on `buffer`, if any did. */
  static ownerOf(buffer: ArrayBufferLike): Allocations | undefined {
    return owners.get(buffer);
  }

  /** Bytes held by live allocations. */
  get liveBytes(): number {
    return this.#liveBytes;
  }

  alloc<T extends KernelArray>(type: KernelArrayConstructor<T>, length: number): T {
    if (!(TYPED_ARRAYS as readonly unknown[]).includes(type))
      throw typeError('type', 'a typed array constructor (Float64Array, Int32Array, ...)', type);
    integerIn(length, 'length', 0, Number.MAX_SAFE_INTEGER);
    const bytes = length * type.BYTES_PER_ELEMENT;
    const offset = this.regions.alloc(bytes);
    if (offset === undefined) {
      throw rangeError(
        'length',
        `small enough for ${this.whose} maxMemory (${this.regions.available} bytes free)`,
        `${length} elements (${bytes} bytes)`,
      );
    }
    const { buffer } = this.memory;
    new Uint8Array(buffer, offset, bytes).fill(0); // a region freed earlier keeps its old bytes
    const array = new type(buffer, offset, length);
    this.#arrays.set(offset, bytes);
    this.#liveBytes += bytes;
    owners.set(buffer, this);
    this.#handedOut.add(array);
    return array;
  }

  free(array: KernelArray, expected: string): void {
    if (!ArrayBuffer.isView(array) || !this.#handedOut.has(array)) throw typeError('array', expected, array);
    this.#handedOut.delete(array);
    this.#freed.add(array);
    this.#liveBytes -= this.#arrays.get(array.byteOffset)!;
    this.#arrays.delete(array.byteOffset);
    this.regions.free(array.byteOffset);
  }

  /** Whether `array` is a view of this memory (from alloc, or made by hand on its buffer). */
  owns(array: ArrayBufferView): boolean {
    return owners.get(array.buffer) === this || array.buffer === this.memory.buffer;
  }

  /** The byte offset of an array inside one of the live allocations. */
  offsetOf(array: ArrayBufferView, path: string): number {
    if (!this.owns(array)) throw typeError(path, `a typed array of ${this.whose} memory (from alloc)`, array);
    if (this.#freed.has(array))
      throw rangeError(path, `an array of ${this.whose} memory that is not freed`, 'a freed array');
    const start = array.byteOffset;
    const end = start + array.byteLength;
    for (const [offset, bytes] of this.#arrays) {
      if (start >= offset && end <= offset + Math.max(bytes, 1)) return start;
    }
    throw rangeError(
      path,
      `inside an allocation of ${this.whose} memory that is not freed`,
      `bytes ${start} to ${end}`,
    );
  }
}
