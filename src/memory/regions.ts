// The regions of a shared memory: what `lib.alloc` and `pool.alloc` hand out, and on the
// pool's memory also each operation's scratch (memory/arena.ts). First fit over a list of
// free ranges, merged with their neighbours when freed, and the memory grown (up to its
// maximum) when no free range is large enough. Every region starts on a 64-byte
// line, so no two regions share a cache line and any element type is aligned.
import { PAGE_BYTES } from './module.js';
import type { WasmMemory } from '../wasm-types.js';

const ALIGN = 64;

export class Regions {
  /** Free ranges [start, end), sorted, none touching another. */
  readonly #free: { start: number; end: number }[] = [];
  /** Live regions: offset -> bytes. */
  readonly #live = new Map<number, number>();
  #top: number;

  constructor(
    readonly memory: WasmMemory,
    /** First byte regions may use: above everything the module owns. */
    readonly base: number,
    /** The memory's maximum size in bytes. */
    readonly limit: number,
  ) {
    this.#top = alignUp(base);
  }

  /** Bytes that a region could still have at most (free ranges may be fragmented). */
  get available(): number {
    return this.limit - this.#top + this.#free.reduce((sum, range) => sum + range.end - range.start, 0);
  }

  /** Reserves `bytes` (at least one line) and returns their offset, or undefined if the
   * memory cannot hold them even at its maximum. */
  alloc(bytes: number): number | undefined {
    const size = alignUp(Math.max(bytes, 1));
    const index = this.#free.findIndex((range) => range.end - range.start >= size);
    let offset: number;
    if (index >= 0) {
      const range = this.#free[index]!;
      offset = range.start;
      range.start += size;
      if (range.start === range.end) this.#free.splice(index, 1);
    } else {
      if (this.#top + size > this.limit) return undefined;
      offset = this.#top;
      this.#top += size;
      const current = this.memory.buffer.byteLength;
      if (this.#top > current) this.memory.grow(Math.ceil((this.#top - current) / PAGE_BYTES));
    }
    this.#live.set(offset, size);
    return offset;
  }

  free(offset: number): void {
    const size = this.#live.get(offset);
    if (size === undefined) return;
    this.#live.delete(offset);
    const range = { start: offset, end: offset + size };
    const at = this.#free.findIndex((other) => other.start > offset);
    const index = at < 0 ? this.#free.length : at;
    this.#free.splice(index, 0, range);
    // Merge with the following range, then with the preceding one.
    const next = this.#free[index + 1];
    if (next?.start === range.end) {
      range.end = next.end;
      this.#free.splice(index + 1, 1);
    }
    const previous = this.#free[index - 1];
    if (previous?.end === range.start) {
      previous.end = range.end;
      this.#free.splice(index, 1);
    }
    // A free range at the top gives its bytes back to the top.
    const last = this.#free[this.#free.length - 1];
    if (last?.end === this.#top) {
      this.#top = last.start;
      this.#free.pop();
    }
  }
}

function alignUp(offset: number): number {
  return Math.ceil(offset / ALIGN) * ALIGN;
}
