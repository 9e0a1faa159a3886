// The compiled modules: the runtime (claim loop, schedules, layout) and parwasm's own kernels,
// each one WebAssembly.Module per process, compiled once and handed to every worker. Their
// bytes come through the platform's reader (a file in Node, a fetch in a browser).
// Each file is named by a literal `new URL(…, import.meta.url)` (what bundlers look for) inside
// the function that reads it, never at the top level: the browser worker imports this file but
// reads none of them, and its bundle must hold no `import.meta` (webpack copies the worker as an
// asset and minifies it as a classic script; docs/browser.md, "Bundlers").
import { readModuleInfo, type ModuleInfo } from '../engine/wasm-binary.js';

/** @internal */
interface KernelModule {
  module: WebAssembly.Module;
  /** The initial memory the module declares (asconfig.json "initialMemory"), which the
   * memory it imports may not start below. */
  initialPages: number;
  /** The worker slots of its control block (assembly/runtime/layout.ts MAX_WORKERS), read
   * before any instance exists: pool options are checked against it. */
  maxWorkers: number;
}
let compiled: Promise<KernelModule> | undefined;
let builtins: Promise<{ module: WebAssembly.Module; info: ModuleInfo }> | undefined;

/** Reads a packaged file's bytes (the platform's readBytes). */
type ReadBytes = (url: URL) => Promise<Uint8Array<ArrayBuffer>>;

/** @internal parwasm's runtime module, compiled once per process, and what it declares. */
export function kernelModule(read: ReadBytes): Promise<KernelModule> {
  compiled ??= read(new URL('./parwasm.wasm', import.meta.url)).then(async (bytes) => {
    const info = readModuleInfo(bytes);
    const memory = info.imports.find((entry) => entry.kind === 'memory');
    const maxWorkers = info.exports.get('MAX_WORKERS');
    return {
      module: await WebAssembly.compile(bytes),
      initialPages: memory!.limits!.initial,
      maxWorkers: info.globals[maxWorkers!.index]!.initial!,
    };
  });
  return compiled;
}

/** @internal parwasm's own kernels (the fused build where it validates), compiled once per
 * process, and what their binary declares. */
export function builtinsModule(read: ReadBytes): Promise<{ module: WebAssembly.Module; info: ModuleInfo }> {
  builtins ??= chooseBuiltins(read).then(async (bytes) => ({
    module: await WebAssembly.compile(bytes),
    info: readModuleInfo(bytes),
  }));
  return builtins;
}

// parwasm's own kernels, a library of their own (assembly/kernels/index.ts), and the same
// built with relaxed SIMD (fused matmul kernels), taken where the runtime validates it: Node
// >= 22 and Chromium by default, Node 20 only when the process runs with
// --experimental-wasm-relaxed-simd (or set it with v8.setFlagsFromString before the first
// pool). parwasm does not set that flag itself: it is experimental on Node 20 and
// process-wide, changing what every other module of the user's process may do.
async function chooseBuiltins(read: ReadBytes) {
  const fma = await read(new URL('./builtins-fma.wasm', import.meta.url));
  return WebAssembly.validate(fma) ? fma : read(new URL('./builtins.wasm', import.meta.url));
}

export const PAGE_BYTES = 65536;

/** The module's exports: its entry points and the constants it shares with the host. */
export interface KernelExports {
  setWorker(rank: number, threadId: number): void;
  runJob(): void;
  /** The chunk the claim loop is computing, or last computed. */
  currentLo(): number;
  currentHi(): number;
  [constant: string]: unknown;
}

/** What the runtime imports from the thread it runs on. */
export interface HostImports {
  /** Milliseconds on the pool's clock. */
  now(): number;
}

/** @internal Instantiates parwasm's module on the pool's memory, with the function table through which
 * its claim loop calls library kernels (one table per thread: tables are not shared). */
export function instantiate(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  table: WebAssembly.Table,
  host: HostImports,
): KernelExports {
  const instance = new WebAssembly.Instance(module, { env: { memory, table, ...host } });
  return instance.exports as unknown as KernelExports;
}

/** Reads the exported i32 constants (layout offsets, schedule ids, kernel parameters) into a
 * plain object, so the host never keeps a second copy of numbers the kernels depend on. */
export function readConstants(exports: Record<string, unknown>): Record<string, number> {
  const constants: Record<string, number> = {};
  for (const [name, value] of Object.entries(exports)) {
    if (value instanceof WebAssembly.Global) constants[name] = value.value as number;
  }
  return constants;
}
