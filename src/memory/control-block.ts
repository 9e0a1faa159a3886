// Typed access to the control block at the bottom of the shared memory. Its views never go
// stale: the block lies inside the memory's initial size, which growth never moves.
import type { Layout } from './layout.js';
import type { WasmMemory } from '../wasm-types.js';

export interface WorkerCounters {
  busyMs: number;
  chunks: number;
  items: number;
  stealAttempts: number;
  steals: number;
}

export class ControlBlock {
  readonly #i32: Int32Array;
  readonly #f64: Float64Array;

  constructor(
    readonly memory: WasmMemory,
    readonly layout: Layout,
  ) {
    this.#i32 = new Int32Array(memory.buffer, 0, layout.CONTROL_BYTES / 4);
    this.#f64 = new Float64Array(memory.buffer, 0, layout.CONTROL_BYTES / 8);
  }

  /** The Int32Array that Atomics.wait / waitAsync / notify operate on. */
  get words(): Int32Array {
    return this.#i32;
  }

  load(byteOffset: number): number {
    return Atomics.load(this.#i32, byteOffset >> 2);
  }

  store(byteOffset: number, value: number): void {
    Atomics.store(this.#i32, byteOffset >> 2, value);
  }

  storeF64(byteOffset: number, value: number): void {
    this.#f64[byteOffset >> 3] = value;
  }

  /** Stores a 64-bit integer in two halves. Only for fields that no worker reads until the
   * next doorbell, whose sequentially consistent store publishes them. */
  storeI64(byteOffset: number, value: number): void {
    this.#i32[byteOffset >> 2] = value % 2 ** 32;
    this.#i32[(byteOffset >> 2) + 1] = Math.floor(value / 2 ** 32);
  }

  /** Stores a packed (lo, hi) range for the stealing schedule (lo low, hi high word). */
  storeRange(byteOffset: number, lo: number, hi: number): void {
    this.#i32[byteOffset >> 2] = lo;
    this.#i32[(byteOffset >> 2) + 1] = hi;
  }

  telemetrySlot(rank: number): number {
    return this.layout.TELEMETRY + rank * this.layout.LINE;
  }

  counters(rank: number): WorkerCounters {
    const slot = this.telemetrySlot(rank);
    const { T_BUSY_MS, T_CHUNKS, T_ITEMS, T_STEAL_ATTEMPTS, T_STEALS } = this.layout;
    return {
      busyMs: this.#f64[(slot + T_BUSY_MS) >> 3]!,
      chunks: this.load(slot + T_CHUNKS),
      items: this.load(slot + T_ITEMS),
      stealAttempts: this.load(slot + T_STEAL_ATTEMPTS),
      steals: this.load(slot + T_STEALS),
    };
  }
}
