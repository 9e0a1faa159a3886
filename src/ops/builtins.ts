// parwasm's own kernels (assembly/kernels/index.ts): a kernel library like any user's, whose
// exports take `(lo, hi, ...args)` and run through the same adapters and function table. It
// is loaded on the pool's own memory rather than a memory of its own, so that `pool.alloc`
// arrays and each operation's arena are where its kernels read and write them. Operations
// name a kernel and pass its arguments: `{ kernel: turn.builtins.kernel('mandelbrotSimd'),
// args: [...] }`.
import { typeError } from '../errors.js';
import type { Allocations } from '../engine/allocations.js';
import type { ArgumentSlot } from '../engine/arguments.js';
import { registerBuiltins, type LoadContext } from '../engine/load.js';
import type { Library, LibraryKernel } from '../engine/library.js';
import { builtinsModule, readConstants } from '../memory/module.js';
import type { BuiltinKernels, JobKernel } from '../schedule/parallel-for.js';
import { CONSTANTS, type BuiltinConstants } from './builtin-constants.js';

/** What the kernels import besides the memory: who runs them, and the file kernels, which
 * run in JavaScript on the worker (src/ops/read-files.ts). */
export interface BuiltinImports {
  worker: { rank: number; threadId: number };
  host: {
    statFiles(lo: number, hi: number, table: number, status: number): void;
    readFiles(lo: number, hi: number, table: number, status: number): void;
  };
}

type Exported = (lo: number, hi: number, ...args: (number | bigint)[]) => void;

export class Builtins implements BuiltinKernels {
  readonly #kernels = new Map<string, LibraryKernel>();

  constructor(
    readonly library: Library,
    readonly constants: BuiltinConstants,
    /** The calling thread's own instance, for work smaller than waking the workers. */
    readonly caller: Readonly<Record<string, unknown>>,
  ) {}

  /** The kernel `name` (an export of assembly/kernels/index.ts). */
  kernel(name: string): LibraryKernel {
    let kernel = this.#kernels.get(name);
    if (!kernel) {
      kernel = this.library.kernel(name);
      this.#kernels.set(name, kernel);
    }
    return kernel;
  }

  /** Runs `kernel` over [lo, hi) on the calling thread, blocking it, as rank 0. */
  runOnCaller(kernel: JobKernel, lo: number, hi: number, args: readonly ArgumentSlot[]): void {
    if (kernel.library !== this.library) throw typeError('kernel', "one of parwasm's own kernels", kernel.name);
    (this.caller[kernel.name] as Exported)(lo, hi, ...args.map((slot) => slot.value));
  }
}

/** Loads the kernels on `memory` (the pool's), before the pool's workers start. */
export async function loadBuiltins(
  memory: WebAssembly.Memory,
  arrays: Allocations,
  context: LoadContext,
): Promise<Builtins> {
  const { module, info } = await builtinsModule(context.platform.readBytes);
  const library = registerBuiltins(module, info, memory, arrays, context);
  const imports: BuiltinImports = {
    // The calling thread runs kernels only while the workers are idle: rank 0's scratch is free.
    worker: { rank: 0, threadId: 0 },
    host: { statFiles: filesOnWorkersOnly, readFiles: filesOnWorkersOnly },
  };
  const { exports } = new WebAssembly.Instance(module, { env: { memory }, ...imports });
  const constants = readConstants(exports);
  for (const name of CONSTANTS) {
    if (typeof constants[name] !== 'number') throw new Error(`builtins.wasm does not export ${name}`);
  }
  return new Builtins(library, constants as BuiltinConstants, exports);
}

function filesOnWorkersOnly(): never {
  throw new Error('files are read by the workers, not on the calling thread');
}
