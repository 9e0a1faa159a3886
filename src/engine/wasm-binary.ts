// Reads what parwasm needs to know about a kernel library from its binary, which the
// JavaScript API does not tell: the types of exported functions, the limits of the imported
// memory, the initial values of exported globals (`__heap_base`, `__stack_pointer`) and the
// global names of the "name" custom section (a stack pointer the module does not export).
//
// Written here rather than taken from @webassemblyjs/wasm-parser (webpack's): that one
// decodes the whole module into an AST through 11 packages and skips the global-names
// subsection. Only six sections' headers are read; code and data are skipped by size.
// Format: https://webassembly.github.io/spec/core/binary/modules.html

export type ValueType = 'i32' | 'i64' | 'f32' | 'f64';

/** A function type; a type parwasm cannot pass (v128, references) reads as `other`. */
export interface FunctionType {
  params: (ValueType | 'other')[];
  results: (ValueType | 'other')[];
}

export interface MemoryLimits {
  /** Pages of 64 KiB. */
  initial: number;
  maximum: number | undefined;
  shared: boolean;
}

export interface ModuleImport {
  module: string;
  name: string;
  kind: 'function' | 'table' | 'memory' | 'global' | 'tag';
  /** For a memory import. */
  limits?: MemoryLimits;
}

export interface GlobalInfo {
  type: ValueType | 'other';
  mutable: boolean;
  /** The value of an `i32.const` initialiser; undefined for anything else (or an import). */
  initial: number | undefined;
}

export interface ModuleInfo {
  imports: ModuleImport[];
  /** Memories the module defines itself (not imported). */
  definedMemories: number;
  /** Exports by name: their kind and index in the function or global index space. */
  exports: Map<string, { kind: 'function' | 'table' | 'memory' | 'global' | 'tag'; index: number }>;
  /** Types of every function, imported ones first (the function index space). */
  functionTypes: FunctionType[];
  /** Every global, imported ones first (the global index space). */
  globals: GlobalInfo[];
  /** Global names from the "name" section, where the module has one. */
  globalNames: Map<number, string>;
  /** Whether the "producers" section names an LLVM toolchain (clang, rustc), whose linker
   * makes the first global the stack pointer. */
  llvm: boolean;
}

const VALUE_TYPES: Record<number, ValueType> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64' };
const KINDS = ['function', 'table', 'memory', 'global', 'tag'] as const;

/** Throws an Error (with what was wrong) if `bytes` is not a well-formed module header. */
export function readModuleInfo(bytes: Uint8Array): ModuleInfo {
  const reader = new Reader(bytes);
  if (reader.u32le() !== 0x6d736100 || reader.u32le() !== 1) throw new Error('not a WebAssembly module (version 1)');
  const types: FunctionType[] = [];
  const info: ModuleInfo = {
    imports: [],
    definedMemories: 0,
    exports: new Map(),
    functionTypes: [],
    globals: [],
    globalNames: new Map(),
    llvm: false,
  };
  while (!reader.done) {
    const id = reader.byte();
    const size = reader.uleb();
    const end = reader.at + size;
    const section = new Reader(bytes.subarray(reader.at, end));
    switch (id) {
      case 0: {
        const name = section.name();
        if (name === 'name') readGlobalNames(section, info.globalNames);
        if (name === 'producers') info.llvm = namesLlvm(section.bytes.subarray(section.at));
        break;
      }
      case 1:
        section.vector(() => types.push(readFunctionType(section)));
        break;
      case 2:
        section.vector(() => readImport(section, types, info));
        break;
      case 3:
        section.vector(() => info.functionTypes.push(types[section.uleb()]!));
        break;
      case 5:
        info.definedMemories = section.uleb();
        break;
      case 6:
        readGlobals(section, info.globals);
        break;
      case 7:
        section.vector(() => {
          const name = section.name();
          const kind = KINDS[section.byte()] ?? 'tag';
          info.exports.set(name, { kind, index: section.uleb() });
        });
        break;
    }
    reader.at = end;
  }
  return info;
}

function readFunctionType(section: Reader): FunctionType {
  if (section.byte() !== 0x60) throw new Error('a type of the type section is not a function type');
  const valueTypes = (): (ValueType | 'other')[] => {
    const list: (ValueType | 'other')[] = [];
    section.vector(() => list.push(VALUE_TYPES[section.byte()] ?? 'other'));
    return list;
  };
  return { params: valueTypes(), results: valueTypes() };
}

function readImport(section: Reader, types: FunctionType[], info: ModuleInfo): void {
  const module = section.name();
  const name = section.name();
  const kind = KINDS[section.byte()] ?? 'tag';
  switch (kind) {
    case 'function':
      info.functionTypes.push(types[section.uleb()]!);
      break;
    case 'table':
      section.byte(); // element type
      section.limits();
      break;
    case 'memory':
      info.imports.push({ module, name, kind, limits: section.limits() });
      return;
    case 'global':
      info.globals.push({
        type: VALUE_TYPES[section.byte()] ?? 'other',
        mutable: section.byte() === 1,
        initial: undefined,
      });
      break;
    case 'tag':
      section.byte();
      section.uleb();
      break;
  }
  info.imports.push({ module, name, kind });
}

function readGlobals(section: Reader, globals: GlobalInfo[]): void {
  section.vector(() => {
    const type = VALUE_TYPES[section.byte()] ?? 'other';
    const mutable = section.byte() === 1;
    // A constant expression: the i32.const that linkers emit, or anything else, read up to
    // its `end`. An expression this reader does not know (extended constants) ends the section.
    let initial: number | undefined;
    for (let op = section.byte(); op !== 0x0b; op = section.byte()) {
      if (op === 0x41) initial = section.sleb();
      else if (op === 0x42 || op === 0x23 || op === 0xd2) section.sleb();
      else if (op === 0x43) section.at += 4;
      else if (op === 0x44) section.at += 8;
      else if (op === 0xd0) section.byte();
      else throw new StopSection();
    }
    globals.push({ type, mutable, initial: initial === undefined ? undefined : initial | 0 });
  });
}

/** The global names of a "name" section's content (after its own name). */
export function readNameSection(content: Uint8Array): Map<number, string> {
  const names = new Map<number, string>();
  readGlobalNames(new Reader(content), names);
  return names;
}

/** Subsection 7 of the "name" section: global names. */
function readGlobalNames(section: Reader, names: Map<number, string>): void {
  while (!section.done) {
    const id = section.byte();
    const end = section.uleb() + section.at;
    if (id === 7) section.vector(() => names.set(section.uleb(), section.name()));
    section.at = end;
  }
}

/** Whether a "producers" section's content names clang, rustc or LLVM. */
export function namesLlvm(content: Uint8Array): boolean {
  return /clang|rustc|LLVM/.test(new TextDecoder().decode(content));
}

class StopSection extends Error {}

class Reader {
  at = 0;
  constructor(readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.at >= this.bytes.length;
  }

  byte(): number {
    if (this.at >= this.bytes.length) throw new Error('unexpected end of the module');
    return this.bytes[this.at++]!;
  }

  u32le(): number {
    return (this.byte() | (this.byte() << 8) | (this.byte() << 16) | (this.byte() << 24)) >>> 0;
  }

  uleb(): number {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
    }
  }

  /** A signed LEB128 of up to 64 bits, as a number (exact up to 2^53, enough for i32). */
  sleb(): number {
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return byte & 0x40 ? result - 2 ** shift : result;
  }

  name(): string {
    const length = this.uleb();
    const text = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + length));
    this.at += length;
    return text;
  }

  /** Reads a vector: its count, then `item` once per element. A StopSection from `item` ends
   * the vector early (the caller skips to the section's end by its size). */
  vector(item: () => void): void {
    const count = this.uleb();
    try {
      for (let i = 0; i < count; i++) item();
    } catch (error) {
      if (!(error instanceof StopSection)) throw error;
    }
  }

  limits(): MemoryLimits {
    const flags = this.byte();
    const initial = this.uleb();
    const maximum = flags & 1 ? this.uleb() : undefined;
    return { initial, maximum, shared: (flags & 2) !== 0 };
  }
}
