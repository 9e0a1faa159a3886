// pool.load: from a source to a library on every worker. For a wasm module: read what the
// binary declares (memory limits, export signatures, heap base, stack pointer), make the
// library's shared memory, give each worker a stack, generate one adapter per kernel shape,
// and send all of it to the workers. For JavaScript: import the module to list its functions.
import { rangeError, typeError } from '../errors.js';
import { PAGE_BYTES } from '../memory/module.js';
import { integerIn, knownKeys, optionsObject } from '../validate.js';
import { wasmAdapter } from './adapter.js';
import { Allocations } from './allocations.js';
import { Library, type ExportedKernel, type LibraryHost } from './library.js';
import type { LoadOptions } from './types.js';
import { Regions } from '../memory/regions.js';
import { resolveSource } from './source.js';
import type { Platform } from '../platform/platform.js';
import { probeModuleInfo } from './probe.js';
import { readModuleInfo, type ModuleInfo, type ValueType } from './wasm-binary.js';

/** What the pool gives the loader besides the host. */
export interface LoadContext extends LibraryHost {
  /** What reads a source and describes a compiled module on this runtime. */
  readonly platform: Platform;
  /** Workers (ranks) of the pool. */
  readonly size: number;
  /** Free function-table slots for a new library's adapters. */
  takeSlots(count: number): number[];
  /** Records a library (so replacement workers load it) under a new id. */
  nextLibraryId(): number;
  register(library: Library): void;
}

const DEFAULT_STACK = 65536;
const JAVASCRIPT_MAX_MEMORY = 2 ** 31;
const STACK_ALIGN = 16;

export function validateLoadOptions(value: unknown): { maxMemory: number | undefined; stackSize: number } {
  const options = optionsObject(value, 'options');
  knownKeys(options, 'options', ['maxMemory', 'stackSize']);
  return {
    maxMemory:
      options.maxMemory === undefined ? undefined : integerIn(options.maxMemory, 'options.maxMemory', 1, 2 ** 32),
    stackSize:
      options.stackSize === undefined
        ? DEFAULT_STACK
        : integerIn(options.stackSize, 'options.stackSize', STACK_ALIGN, 2 ** 30),
  };
}

export async function loadLibrary(source: unknown, options: LoadOptions | undefined, context: LoadContext) {
  const { maxMemory, stackSize } = validateLoadOptions(options);
  const resolved = await resolveSource(source, context.platform);
  if (resolved.kind === 'javascript') return loadJavaScript(resolved.url, maxMemory, context);
  const module = resolved.kind === 'module' ? resolved.module : await compile(resolved.bytes);
  const info = resolved.kind === 'module' ? probeModuleInfo(module, context.platform) : readModuleInfo(resolved.bytes);
  return loadWasm(module, info, maxMemory, stackSize, context);
}

async function compile(bytes: Uint8Array<ArrayBuffer>): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes);
  } catch (error) {
    throw typeError('source', `a valid WebAssembly module (${(error as Error).message})`, bytes);
  }
}

async function loadWasm(
  module: WebAssembly.Module,
  info: ModuleInfo,
  maxMemory: number | undefined,
  stackSize: number,
  context: LoadContext,
): Promise<Library> {
  const limits = checkImports(info);
  const declaredMax = limits.maximum! * PAGE_BYTES;
  if (maxMemory !== undefined && maxMemory > declaredMax)
    throw rangeError('options.maxMemory', `at most the module's declared maximum (${declaredMax} bytes)`, maxMemory);
  const maximumPages = Math.max(limits.initial, Math.ceil((maxMemory ?? declaredMax) / PAGE_BYTES));
  const memory = new WebAssembly.Memory({ initial: limits.initial, maximum: maximumPages, shared: true });
  const regions = new Regions(memory, heapBase(info, limits.initial), maximumPages * PAGE_BYTES);
  const stackTops = workerStacks(info, regions, stackSize, context.size);

  const { kernels, adapters } = wasmKernels(info, context);
  const id = context.nextLibraryId();
  const message = () => ({ type: 'load', id, kind: 'wasm', module, memory, stackTops, kernels: adapters }) as const;
  const arrays = new Allocations(memory, regions, "this library's");
  return install(new Library(context, id, memory, arrays, kernels, message), context);
}

/** @internal parwasm's own kernels (src/ops/builtins.ts) as a library on a memory that is not
 * its own: the pool's, whose arrays are `arrays`. The module has no data and no stack, so it
 * writes nothing there but what its kernels are told to. Registered, not sent: the pool loads
 * it before its workers start, and each worker from its `workerData`. */
export function registerBuiltins(
  module: WebAssembly.Module,
  info: ModuleInfo,
  memory: WebAssembly.Memory,
  arrays: Allocations,
  context: LoadContext,
): Library {
  const { kernels, adapters } = wasmKernels(info, context);
  const id = context.nextLibraryId();
  const message = () =>
    ({
      type: 'load',
      id,
      kind: 'wasm',
      module,
      memory,
      stackTops: undefined,
      kernels: adapters,
      builtin: true,
    }) as const;
  const library = new Library(context, id, memory, arrays, kernels, message);
  context.register(library);
  return library;
}

/** A kernel module imports a shared `env.memory` with a maximum, and nothing else but
 * AssemblyScript's `env.abort`. */
function checkImports(info: ModuleInfo) {
  if (info.definedMemories > 0)
    throw typeError(
      'source',
      'a module that imports its memory (--importMemory, -Wl,--import-memory)',
      'a module defining its own memory',
    );
  const memory = info.imports.find((entry) => entry.kind === 'memory');
  if (!memory?.limits || memory.module !== 'env' || memory.name !== 'memory')
    throw typeError('source', 'a module that imports its memory as env.memory', 'a module without a memory import');
  if (!memory.limits.shared || memory.limits.maximum === undefined)
    throw typeError(
      'source',
      'a module whose env.memory is shared, with a maximum (--sharedMemory --maximumMemory, -Wl,--shared-memory,--max-memory=N)',
      'an unshared memory',
    );
  const others = info.imports.filter(
    (entry) => entry !== memory && !(entry.module === 'env' && entry.name === 'abort'),
  );
  if (others.length > 0) {
    const names = others.map((entry) => `${entry.module}.${entry.name}`).join(', ');
    throw typeError('source', 'a module that imports only env.memory (and env.abort)', `imports of ${names}`);
  }
  return memory.limits;
}

/** Where the module's own data ends: its exported `__heap_base`, else its initial memory. */
function heapBase(info: ModuleInfo, initialPages: number): number {
  const exported = info.exports.get('__heap_base');
  const value = exported?.kind === 'global' ? info.globals[exported.index]?.initial : undefined;
  return value !== undefined ? value >>> 0 : initialPages * PAGE_BYTES;
}

/** One stack region per worker for a module that exports its stack pointer; an explanation
 * for one that has a stack pointer and does not export it. */
function workerStacks(info: ModuleInfo, regions: Regions, stackSize: number, workers: number): number[] | undefined {
  const exported = info.exports.get('__stack_pointer');
  if (exported?.kind !== 'global') {
    if (hasHiddenStackPointer(info)) {
      throw typeError(
        'source',
        'a module that exports its stack pointer, so each worker gets a stack of its own (link with -mmutable-globals -Wl,--export=__stack_pointer)',
        'a module with an unexported __stack_pointer',
      );
    }
    return undefined;
  }
  if (!info.globals[exported.index]?.mutable)
    throw typeError(
      'source',
      'a module whose __stack_pointer is exported mutable (-mmutable-globals)',
      'an immutable one',
    );
  const size = Math.ceil(stackSize / STACK_ALIGN) * STACK_ALIGN;
  return Array.from({ length: workers }, () => {
    const offset = regions.alloc(size);
    if (offset === undefined)
      throw rangeError('options.stackSize', `such that ${workers} stacks fit the library's memory`, stackSize);
    return offset + size; // stacks grow down
  });
}

/** A stack pointer the module does not export: named so in its "name" section, or, in a
 * module linked by LLVM's wasm-ld (which puts `__stack_pointer` first), a first own global
 * that is a mutable i32. (A compiled Module whose name section was stripped cannot tell.) */
function hasHiddenStackPointer(info: ModuleInfo): boolean {
  if ([...info.globalNames.values()].includes('__stack_pointer')) return true;
  const imported = info.imports.filter((entry) => entry.kind === 'global').length;
  const first = info.globals[imported];
  const exported = [...info.exports.values()].some(({ kind, index }) => kind === 'global' && index === imported);
  return info.llvm && first?.type === 'i32' && first.mutable && !exported;
}

function wasmKernels(info: ModuleInfo, context: LoadContext) {
  const kernels = new Map<string, ExportedKernel>();
  const adapters: { slot: number; name: string; adapter: WebAssembly.Module }[] = [];
  const compiled = new Map<string, WebAssembly.Module>();
  const adapterFor = (args: ValueType[], results: ValueType[], perIndex: boolean): WebAssembly.Module => {
    const key = `${perIndex}:${args.join()}:${results.join()}`;
    let adapter = compiled.get(key);
    if (!adapter) {
      const { ARGS: argsAt, ARG_SLOT_BYTES: slotBytes } = context.layout;
      adapter = new WebAssembly.Module(wasmAdapter({ args, results, perIndex, argsAt, slotBytes }));
      compiled.set(key, adapter);
    }
    return adapter;
  };
  for (const [name, { kind, index }] of info.exports) {
    if (kind !== 'function') continue;
    const type = info.functionTypes[index];
    if (!type) continue;
    const { params, results } = type;
    const plain = !params.includes('other') && !results.includes('other');
    const range = plain && params[0] === 'i32' && params[1] === 'i32' && params.length - 2 <= context.layout.ARG_SLOTS;
    const perIndex = plain && params[0] === 'i32' && params.length - 1 <= context.layout.ARG_SLOTS;
    const [rangeSlot, indexSlot] = context.takeSlots((range ? 1 : 0) + (perIndex ? 1 : 0));
    const exported: ExportedKernel = { params, rangeSlot: range ? rangeSlot : undefined, indexSlot: undefined };
    if (range)
      adapters.push({
        slot: rangeSlot!,
        name,
        adapter: adapterFor(params.slice(2) as ValueType[], results as ValueType[], false),
      });
    if (perIndex) {
      exported.indexSlot = range ? indexSlot : rangeSlot;
      adapters.push({
        slot: exported.indexSlot!,
        name,
        adapter: adapterFor(params.slice(1) as ValueType[], results as ValueType[], true),
      });
    }
    kernels.set(name, exported);
  }
  return { kernels, adapters };
}

async function loadJavaScript(url: string, maxMemory: number | undefined, context: LoadContext): Promise<Library> {
  let exported: Record<string, unknown>;
  try {
    // The user's module, loaded at run time: webpack would make this import a module of its
    // own build (an empty context that rejects every URL) and warn "Critical dependency".
    // Vite leaves it alone in a package. The worker's import needs no comment: webpack copies
    // the worker as it is (docs/browser.md, "Bundlers").
    exported = (await import(/* webpackIgnore: true */ url)) as Record<string, unknown>;
  } catch (error) {
    throw typeError('source', `an ES module that imports (${(error as Error).message})`, url);
  }
  const maximumPages = Math.ceil((maxMemory ?? JAVASCRIPT_MAX_MEMORY) / PAGE_BYTES);
  const memory = new WebAssembly.Memory({ initial: 1, maximum: maximumPages, shared: true });
  const arrays = new Allocations(memory, new Regions(memory, 0, maximumPages * PAGE_BYTES), "this library's");
  const kernels = new Map<string, ExportedKernel>();
  const slots: { slot: number; name: string; perIndex: boolean }[] = [];
  for (const [name, value] of Object.entries(exported)) {
    if (typeof value !== 'function') continue;
    const [rangeSlot, indexSlot] = context.takeSlots(2);
    kernels.set(name, { params: undefined, rangeSlot, indexSlot });
    slots.push({ slot: rangeSlot!, name, perIndex: false }, { slot: indexSlot!, name, perIndex: true });
  }
  const id = context.nextLibraryId();
  const message = () => ({ type: 'load', id, kind: 'javascript', url, memory, kernels: slots }) as const;
  return install(new Library(context, id, memory, arrays, kernels, message), context);
}

/** Loads the library on every worker; if any fails, on none. */
async function install(library: Library, context: LoadContext): Promise<Library> {
  context.register(library);
  try {
    await context.broadcast(library.message);
  } catch (error) {
    await library.unload().catch(() => undefined);
    throw typeError('source', `a module every worker can instantiate (${(error as Error).message})`, 'this one');
  }
  return library;
}
