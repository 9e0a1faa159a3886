// Arrays the caller passes to an operation, and where they live: in the pool's memory (from
// `pool.alloc`: read and written in place) or ordinary (copied in, or copied into).
import type { OperationLimits } from '../engine/executor.js';

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

/** Whether two arrays share bytes. Two in the pool's memory are compared by where they lie in
 * it (one made before the memory grew views an older buffer object of the same memory); an
 * ordinary array shares none with the pool's memory; two ordinary arrays share bytes of one
 * buffer. */
export function overlaps(one: Placed<ArrayBufferView>, other: Placed<ArrayBufferView>): boolean {
  if (one.at !== undefined && other.at !== undefined) return intersect(one.at, one.array, other.at, other.array);
  if (one.at !== undefined || other.at !== undefined) return false;
  const [x, y] = [one.array, other.array];
  return x.buffer === y.buffer && intersect(x.byteOffset, x, y.byteOffset, y);
}

/** Whether `x`, from byte `xAt`, and `y`, from byte `yAt`, share a byte (an empty one shares none). */
function intersect(xAt: number, x: ArrayBufferView, yAt: number, y: ArrayBufferView): boolean {
  return x.byteLength > 0 && y.byteLength > 0 && xAt < yAt + y.byteLength && yAt < xAt + x.byteLength;
}

/** Writes one element of every 4 KiB page of a fresh array, which makes the system map them:
 * done while the workers compute, it keeps the first-touch cost (~11 µs a page here) out of
 * the copy into the array afterwards. */
export function touchPages(data: Float64Array | Float32Array | Uint32Array): void {
  const step = 4096 / data.BYTES_PER_ELEMENT;
  for (let i = 0; i < data.length; i += step) data[i] = 0;
}
