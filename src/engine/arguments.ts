// A library kernel's arguments: checked against the kernel's signature (before any work),
// written into the job descriptor's slots (ARGS, 8 bytes each) where the kernel's adapter
// loads them, and — for a JavaScript kernel, which has no signature — tagged so the worker
// can rebuild numbers, bigints and typed arrays (views of the library's memory) from them.
import { rangeError, typeError } from '../errors.js';
import type { Layout } from '../memory/layout.js';
import type { KernelArray } from './types.js';
import type { ValueType } from './wasm-binary.js';

/** The typed arrays `lib.alloc` makes, in the order of their tags. */
export const TYPED_ARRAYS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
] as const;

// Tag of an argument slot of a JavaScript kernel; typed arrays are TAG_ARRAY + their index
// in TYPED_ARRAYS, their slot holding (byte offset, length) as two u32. 0 ends the list.
const TAG_END = 0;
const TAG_NUMBER = 1;
const TAG_BIGINT = 2;
const TAG_ARRAY = 3;

export interface ArgumentSlot {
  type: ValueType | 'array';
  value: number | bigint;
  /** For an array of a JavaScript kernel: its length. */
  length?: number;
  tag: number;
}

/** Where a library's arrays are: throws a ValidationError naming `path` if `array` is not
 * (inside) a live allocation of this library. */
export interface ArrayOwner {
  offsetOf(array: ArrayBufferView, path: string): number;
}

/** Checks `values` against `params` (a wasm kernel's parameters after its index ones), or
 * against nothing but their kinds for a JavaScript kernel (`params` undefined). */
export function encodeArguments(
  values: unknown,
  path: string,
  params: readonly ValueType[] | undefined,
  owner: ArrayOwner,
  maxSlots: number,
): ArgumentSlot[] {
  const list = values === undefined ? [] : values;
  if (!Array.isArray(list)) throw typeError(path, 'an array of arguments', values);
  const expected = params?.length;
  if (expected !== undefined && list.length !== expected) {
    throw rangeError(path, `${expected} argument${expected === 1 ? '' : 's'} (${params!.join(', ')})`, list);
  }
  if (list.length > maxSlots) throw rangeError(path, `at most ${maxSlots} arguments`, list);
  return list.map((value: unknown, j) =>
    params
      ? wasmArgument(value, `${path}[${j}]`, params[j]!, owner)
      : javascriptArgument(value, `${path}[${j}]`, owner),
  );
}

function wasmArgument(value: unknown, path: string, type: ValueType, owner: ArrayOwner): ArgumentSlot {
  switch (type) {
    case 'i32':
      if (ArrayBuffer.isView(value)) return { type, value: owner.offsetOf(value, path), tag: TAG_NUMBER };
      if (typeof value !== 'number') throw typeError(path, 'an i32: an integer or an array of this library', value);
      if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 32)
        throw rangeError(path, 'an i32: an integer from -2^31 to 2^32 - 1', value);
      return { type, value: value | 0, tag: TAG_NUMBER };
    case 'i64': {
      if (typeof value !== 'bigint' && !Number.isSafeInteger(value))
        throw typeError(path, 'an i64: a bigint or a safe integer', value);
      const big = BigInt(value as bigint | number);
      if (big < -(2n ** 63n) || big >= 2n ** 64n) throw rangeError(path, 'an i64: from -2^63 to 2^64 - 1', value);
      return { type, value: BigInt.asIntN(64, big), tag: TAG_BIGINT };
    }
    case 'f32':
    case 'f64':
      if (typeof value !== 'number') throw typeError(path, `an ${type}: a number`, value);
      return { type, value, tag: TAG_NUMBER };
  }
}

function javascriptArgument(value: unknown, path: string, owner: ArrayOwner): ArgumentSlot {
  if (typeof value === 'number') return { type: 'f64', value, tag: TAG_NUMBER };
  if (typeof value === 'bigint') {
    if (value < -(2n ** 63n) || value >= 2n ** 63n) throw rangeError(path, 'a bigint from -2^63 to 2^63 - 1', value);
    return { type: 'i64', value, tag: TAG_BIGINT };
  }
  const kind = TYPED_ARRAYS.findIndex((type) => value instanceof type);
  if (kind < 0) throw typeError(path, 'a number, a bigint or a typed array of this library', value);
  const array = value as KernelArray;
  return { type: 'array', value: owner.offsetOf(array, path), length: array.length, tag: TAG_ARRAY + kind };
}

/** Writes the arguments into the descriptor's slots, and their tags. */
export function writeArguments(memory: { buffer: ArrayBufferLike }, layout: Layout, slots: readonly ArgumentSlot[]) {
  const view = new DataView(memory.buffer);
  const tags = new Uint8Array(memory.buffer, layout.ARG_TAGS, layout.ARG_SLOTS);
  tags.fill(TAG_END);
  slots.forEach((slot, j) => {
    const at = layout.ARGS + j * layout.ARG_SLOT_BYTES;
    tags[j] = slot.tag;
    switch (slot.type) {
      case 'i32':
        return view.setInt32(at, Number(slot.value), true);
      case 'i64':
        return view.setBigInt64(at, BigInt(slot.value), true);
      case 'f32':
        return view.setFloat32(at, Number(slot.value), true);
      case 'f64':
        return view.setFloat64(at, Number(slot.value), true);
      case 'array':
        view.setUint32(at, Number(slot.value), true);
        return view.setUint32(at + 4, slot.length!, true);
    }
  });
}

/** On a worker, at the start of a job of a JavaScript kernel: its arguments as values, typed
 * arrays as views of the library's memory as it is now (it may have grown). */
export function decodeJavaScriptArguments(
  parwasmMemory: { buffer: ArrayBufferLike },
  layout: Layout,
  libraryMemory: { buffer: ArrayBufferLike },
): unknown[] {
  const view = new DataView(parwasmMemory.buffer);
  const args: unknown[] = [];
  for (let j = 0; j < layout.ARG_SLOTS; j++) {
    const tag = view.getUint8(layout.ARG_TAGS + j);
    const at = layout.ARGS + j * layout.ARG_SLOT_BYTES;
    if (tag === TAG_END) break;
    if (tag === TAG_NUMBER) args.push(view.getFloat64(at, true));
    else if (tag === TAG_BIGINT) args.push(view.getBigInt64(at, true));
    else {
      const type = TYPED_ARRAYS[tag - TAG_ARRAY] as unknown as new (
        buffer: ArrayBufferLike,
        offset: number,
        length: number,
      ) => unknown;
      args.push(new type(libraryMemory.buffer, view.getUint32(at, true), view.getUint32(at + 4, true)));
    }
  }
  return args;
}
