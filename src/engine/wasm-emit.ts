// The few pieces of the wasm binary format that parwasm writes: sections, names, LEB128
// integers and function types (https://webassembly.github.io/spec/core/binary/).
import type { ValueType } from './wasm-binary.js';

export const TYPE_CODE: Record<ValueType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c };

export const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

export function functionType(params: readonly ValueType[], results: readonly ValueType[]): number[] {
  const codes = (types: readonly ValueType[]): number[] => [...uleb(types.length), ...types.map((t) => TYPE_CODE[t])];
  return [0x60, ...codes(params), ...codes(results)];
}

export function importEntry(moduleName: string, field: string, description: number[]): number[] {
  return [...name(moduleName), ...name(field), ...description];
}

export function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

export function name(text: string): number[] {
  const bytes = new TextEncoder().encode(text);
  return [...uleb(bytes.length), ...bytes];
}

export function uleb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}
