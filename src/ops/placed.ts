// Arrays the caller passes to an operation, and where they live: in the pool's memory (from
// `pool.alloc`: read and written in place) or ordinary (copied in, or copied into).
import type { OperationLimits } from '../engine/executor.js';
import { SharedArena } from '../memory/arena.js';

export interface Placed<T extends ArrayBufferView> {
  array: T;
  /** Byte offset in the pool's memory, or undefined for an ordinary array. */
  at: number | undefined;
  /** The argument, for error messages. */
  path: string;
}

/** What locates arrays: an executor without a memory of its own (a cluster client) has none,
 * and every array is ordinary there. */
export type ArrayLocator = Partial<Pick<OperationLimits, 'locate'>>;

/** Locates `array`; a freed one, or one of another memory of parwasm's, is a ValidationError. */
export function place<T extends ArrayBufferView>(limits: ArrayLocator, array: T, path: string): Placed<T> {
  return { array, at: limits.locate?.(array, path), path };
}

/** Whether two arrays share bytes of the pool's memory (ordinary arrays share none with it). */
export function overlaps(one: Placed<ArrayBufferView>, other: Placed<ArrayBufferView>): boolean {
  if (one.at === undefined || other.at === undefined) return false;
  return one.at < other.at + other.array.byteLength && other.at < one.at + one.array.byteLength;
}

/** A result computed into `view` (the pool's memory) as the caller gets it: `out` itself,
 * where it already is `view` or gets a copy of it, or else a new ordinary array. */
export function deliver<T extends Float64Array | Float32Array | Uint32Array>(view: T, out: Placed<T> | undefined): T {
  if (out === undefined) return SharedArena.copyOut(view);
  if (out.at === undefined) out.array.set(view);
  return out.array;
}
