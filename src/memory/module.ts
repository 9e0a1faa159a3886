// The compiled kernels: one WebAssembly.Module per process, compiled once and handed to
// every worker, and the control-block layout read from the module's own exports.
import { readModuleInfo } from '../engine/wasm-binary.js';

const wasmUrl = new URL('./parwasm.wasm', import.meta.url);
// The same module built with relaxed SIMD (assembly/kernels/matmul.ts: fused matmul kernels),
// taken where the runtime validates it: Node >= 22 and Chromium by default, Node 20 only when
// the process runs with --experimental-wasm-relaxed-simd (or set it with v8.setFlagsFromString
// before the first pool). parwasm does not set that flag itself: it is experimental on Node
// 20 and process-wide, changing what every other module of the user's process may do.
const fmaWasmUrl = new URL('./parwasm-fma.wasm', import.meta.url);
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

/** @internal parwasm's module, compiled once per process, and what it declares; `read` fetches
 * the bytes (the platform's readBytes). */
export function kernelModule(read: (url: URL) => Promise<Uint8Array<ArrayBuffer>>): Promise<KernelModule> {
  compiled ??= chooseBytes(read).then(async (bytes) => {
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

async function chooseBytes(read: (url: URL) => Promise<Uint8Array<ArrayBuffer>>) {
  const fma = await read(fmaWasmUrl);
  return WebAssembly.validate(fma) ? fma : read(wasmUrl);
}

export const PAGE_BYTES = 65536;

/** The module's exports: its entry points and the constants it shares with the host. */
export interface KernelExports {
  setWorker(rank: number, threadId: number): void;
  runJob(): void;
  runKernel(kernel: number, lo: number, hi: number): void;
  /** The chunk the claim loop is computing, or last computed. */
  currentLo(): number;
  currentHi(): number;
  [constant: string]: unknown;
}

/** What the kernels import from the thread they run on. */
export interface HostImports {
  /** Milliseconds on the pool's clock. */
  now(): number;
  /** The STAT_FILES and READ_FILES kernels: files [lo, hi) of the job's file table. */
  statFiles(lo: number, hi: number): void;
  readFiles(lo: number, hi: number): void;
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

/** Reads the exported i32 constants (layout offsets, kernel and schedule ids) into a plain
 * object, so the host never keeps a second copy of numbers the kernels depend on. */
export function readConstants(exports: KernelExports): Record<string, number> {
  const constants: Record<string, number> = {};
  for (const [name, value] of Object.entries(exports)) {
    if (value instanceof WebAssembly.Global) constants[name] = value.value as number;
  }
  return constants;
}
