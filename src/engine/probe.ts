// What a library needs to know about a compiled `WebAssembly.Module`, whose bytes the
// JavaScript API does not give back. V8's type reflection (a flag, set at run time here:
// it only adds a `type` to what WebAssembly.Module.imports and .exports return) gives the
// memory limits and every signature; exported globals' values come from an instance on a
// throwaway memory. Where that flag has no effect (another engine), they are found by trying:
// - the memory's limits: instantiating with a shared memory of 0..65536 pages; V8's LinkError
//   names the declared initial size, then the declared maximum ("smaller than initial N",
//   "declared maximum N"), and the third try links;
// - each exported function's arity: the `length` of the export of that instance;
// - its parameter and result types: linking tiny probe modules that import the export with
//   each candidate signature (first parameter i32, as every kernel's is); a wrong one is a
//   LinkError. 5 · 4^(arity - 1) probes at most, so functions of more than MAX_PROBED_PARAMS
//   parameters are not probed: load the module's bytes to use them as kernels.
// - exported globals' values (`__heap_base`, `__stack_pointer`) from the instance, and global
//   names from the module's "name" custom section, which the API does give.
import { typeError } from '../errors.js';
import type { Platform } from '../platform/platform.js';
import {
  namesLlvm,
  readNameSection,
  type FunctionType,
  type GlobalInfo,
  type MemoryLimits,
  type ModuleInfo,
  type ValueType,
} from './wasm-binary.js';
import { functionType, HEADER, importEntry, section } from './wasm-emit.js';

const MAX_PROBED_PARAMS = 6;
const VALUE_TYPES: readonly ValueType[] = ['i32', 'i64', 'f32', 'f64'];
const abort = (): never => {
  throw new Error('abort');
};

/** A type as type reflection describes it. */
interface ReflectedType {
  minimum?: number;
  maximum?: number;
  shared?: boolean;
  parameters?: string[];
  results?: string[];
  mutable?: boolean;
  value?: string;
}

export function probeModuleInfo(module: WebAssembly.Module, platform: Platform): ModuleInfo {
  platform.enableTypeReflection(); // only when a Module is loaded
  const imports: ModuleInfo['imports'] = WebAssembly.Module.imports(module).map(({ module, name, kind }) => ({
    module,
    name,
    kind,
  }));
  const info: ModuleInfo = {
    imports,
    definedMemories: 0,
    exports: new Map(),
    functionTypes: [],
    globals: [],
    globalNames: new Map(),
    llvm: WebAssembly.Module.customSections(module, 'producers').some((content) => namesLlvm(new Uint8Array(content))),
  };
  const memory = imports.find((entry) => entry.kind === 'memory');
  const onlyMemoryAndAbort = imports.every(
    (entry) => entry === memory || (entry.module === 'env' && entry.name === 'abort'),
  );
  // Without a memory import, or with other imports, the loader refuses the module anyway.
  if (memory?.module !== 'env' || memory.name !== 'memory' || !onlyMemoryAndAbort) return info;
  const reflected = (WebAssembly.Module.imports(module) as { kind: string; type?: ReflectedType }[]).find(
    (entry) => entry.kind === 'memory',
  )?.type;
  const probed = reflected ? reflectedMemory(module, reflected) : probeMemory(module);
  memory.limits = probed.limits;
  if (!probed.instance) return info;
  for (const section of WebAssembly.Module.customSections(module, 'name'))
    for (const [index, name] of readNameSection(new Uint8Array(section))) info.globalNames.set(index, name);
  const exports = WebAssembly.Module.exports(module) as { name: string; kind: string; type?: ReflectedType }[];
  for (const { name, kind, type } of exports) {
    const value = probed.instance.exports[name];
    if (kind === 'function') {
      info.exports.set(name, { kind, index: info.functionTypes.length });
      info.functionTypes.push(
        type ? reflectedSignature(type) : probeSignature(value as (...args: unknown[]) => unknown),
      );
    } else if (kind === 'global') {
      info.exports.set(name, { kind, index: info.globals.length });
      info.globals.push(globalInfo(value as WebAssembly.Global));
    }
  }
  return info;
}

function reflectedMemory(module: WebAssembly.Module, type: ReflectedType) {
  const limits = { initial: type.minimum ?? 0, maximum: type.maximum, shared: type.shared ?? false };
  if (!limits.shared || limits.maximum === undefined) return { limits };
  const memory = new WebAssembly.Memory({ initial: limits.initial, maximum: limits.maximum, shared: true });
  try {
    return { limits, instance: new WebAssembly.Instance(module, { env: { memory, abort } }) };
  } catch (error) {
    throw typeError('source', `a module that instantiates (${(error as Error).message})`, module);
  }
}

function reflectedSignature(type: ReflectedType): FunctionType {
  const valueType = (name: string): ValueType | 'other' =>
    (VALUE_TYPES as readonly string[]).includes(name) ? (name as ValueType) : 'other';
  return { params: (type.parameters ?? []).map(valueType), results: (type.results ?? []).map(valueType) };
}

function probeMemory(module: WebAssembly.Module): { limits: MemoryLimits; instance?: WebAssembly.Instance } {
  let initial = 0;
  let maximum = 65536;
  for (;;) {
    try {
      const memory = new WebAssembly.Memory({ initial, maximum, shared: true });
      return {
        limits: { initial, maximum, shared: true },
        instance: new WebAssembly.Instance(module, { env: { memory, abort } }),
      };
    } catch (error) {
      const message = (error as Error).message;
      // Node 20's V8: "smaller than initial N"; Chromium 156's: "smaller than the declared initial of N".
      const smaller = /smaller than (?:the declared )?initial (?:of )?(\d+)/.exec(message);
      const larger = /declared maximum (\d+)/.exec(message);
      if (message.includes('shared state')) return { limits: { initial, maximum: undefined, shared: false } };
      if (smaller && Number(smaller[1]) > initial) initial = Number(smaller[1]);
      else if (larger && Number(larger[1]) < maximum) maximum = Number(larger[1]);
      else
        throw typeError(
          'source',
          `the bytes or the URL of the module, since a compiled module could not be probed (${message})`,
          module,
        );
    }
  }
}

function probeSignature(fn: (...args: unknown[]) => unknown): FunctionType {
  const arity = fn.length;
  const unknown = { params: new Array<'other'>(Math.max(arity, 1)).fill('other'), results: [] };
  if (arity === 0 || arity > MAX_PROBED_PARAMS) return unknown;
  for (const params of candidates(arity - 1)) {
    for (const results of [[], ...VALUE_TYPES.map((type) => [type])]) {
      const signature = { params: ['i32', ...params] as ValueType[], results };
      if (links(signature, fn)) return signature;
    }
  }
  return unknown; // some parameter is not a number type
}

function* candidates(count: number): Generator<ValueType[]> {
  if (count === 0) {
    yield [];
    return;
  }
  for (const rest of candidates(count - 1)) for (const type of VALUE_TYPES) yield [...rest, type];
}

/** Whether `fn` links as an import of type `signature`. */
function links(signature: { params: ValueType[]; results: ValueType[] }, fn: unknown): boolean {
  const bytes = Uint8Array.from([
    ...HEADER,
    ...section(1, [1, ...functionType(signature.params, signature.results)]),
    ...section(2, [1, ...importEntry('env', 'f', [0x00, 0])]),
  ]);
  try {
    new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { f: fn as WebAssembly.ImportValue } });
    return true;
  } catch {
    return false;
  }
}

function globalInfo(global: WebAssembly.Global): GlobalInfo {
  const value: unknown = global.value;
  let mutable = true;
  try {
    global.value = value;
  } catch {
    mutable = false;
  }
  return {
    type: typeof value === 'number' && Number.isInteger(value) ? 'i32' : 'other',
    mutable,
    initial: typeof value === 'number' ? value : undefined,
  };
}
