// A worker's share of the loaded kernel libraries: its own instance of each module (on the
// library's shared memory), its stack, and the adapters in its function table, whose slots
// the claim loop calls. Messages from the pool (src/engine/library.ts) add and remove them.
import type { Layout } from '../memory/layout.js';
import { decodeJavaScriptArguments } from '../engine/arguments.js';
import { javascriptAdapter } from '../engine/adapter.js';
import type { LibraryMessage } from '../engine/library-message.js';

interface Installed {
  slots: number[];
  /** Puts the worker's stack pointer back where it starts (after a trap left it anywhere). */
  resetStack(): void;
}

/** The arguments a JavaScript kernel takes after its index ones, decoded at each job start. */
interface JavaScriptKernel {
  memory: WebAssembly.Memory;
  args: unknown[];
}

export class WorkerLibraries {
  readonly #libraries = new Map<number, Installed>();
  readonly #javascript = new Map<number, JavaScriptKernel>();
  readonly #stackOwner = new Map<number, Installed>();
  /** The slots of parwasm's own kernels. */
  readonly #builtin = new Set<number>();

  constructor(
    readonly table: WebAssembly.Table,
    readonly parwasmMemory: WebAssembly.Memory,
    readonly layout: Layout,
    readonly rank: number,
    /** What parwasm's own kernels import besides their memory (src/ops/builtins.ts). */
    readonly builtinImports: WebAssembly.Imports,
  ) {}

  async apply(message: LibraryMessage): Promise<void> {
    if (message.type === 'unload') return this.#unload(message.id);
    const installed = message.kind === 'wasm' ? this.#installWasm(message) : await this.#installJavaScript(message);
    this.#libraries.set(message.id, installed);
    for (const slot of installed.slots) this.#stackOwner.set(slot, installed);
  }

  /** Called before each job: a JavaScript kernel reads its arguments from the descriptor. */
  prepare(kernel: number): void {
    const javascript = this.#javascript.get(kernel);
    if (javascript) javascript.args = decodeJavaScriptArguments(this.parwasmMemory, this.layout, javascript.memory);
  }

  /** Whether kernel `slot` is one of parwasm's own, whose traps are bugs. */
  isBuiltin(slot: number): boolean {
    return this.#builtin.has(slot);
  }

  /** After kernel `slot` failed: its library's stack pointer starts over. */
  recover(slot: number): void {
    this.#stackOwner.get(slot)?.resetStack();
  }

  #installWasm(message: Extract<LibraryMessage, { kind: 'wasm' }>): Installed {
    const instance = new WebAssembly.Instance(message.module, {
      env: { memory: message.memory, abort: abortFor(message.memory) },
      ...(message.builtin && this.builtinImports),
    });
    const stackPointer = instance.exports.__stack_pointer as WebAssembly.Global | undefined;
    const top = message.stackTops?.[this.rank];
    const resetStack = (): void => {
      if (stackPointer && top !== undefined) stackPointer.value = top;
    };
    resetStack();
    for (const { slot, name, adapter } of message.kernels) {
      const kernel = instance.exports[name] as WebAssembly.ImportValue;
      const { exports } = new WebAssembly.Instance(adapter, { env: { kernel, memory: this.parwasmMemory } });
      this.#place(slot, exports.run as () => void);
      if (message.builtin) this.#builtin.add(slot);
    }
    return { slots: message.kernels.map(({ slot }) => slot), resetStack };
  }

  async #installJavaScript(message: Extract<LibraryMessage, { kind: 'javascript' }>): Promise<Installed> {
    const exported = (await import(message.url)) as Record<string, unknown>;
    const adapter = new WebAssembly.Module(javascriptAdapter());
    for (const { slot, name, perIndex } of message.kernels) {
      const fn = exported[name] as (...args: unknown[]) => unknown;
      const state: JavaScriptKernel = { memory: message.memory, args: [] };
      const kernel = perIndex
        ? (lo: number, hi: number) => {
            for (let i = lo; i < hi; i++) fn(i, ...state.args);
          }
        : (lo: number, hi: number) => fn(lo, hi, ...state.args);
      const { exports } = new WebAssembly.Instance(adapter, { env: { kernel } });
      this.#place(slot, exports.run as () => void);
      this.#javascript.set(slot, state);
    }
    return { slots: message.kernels.map(({ slot }) => slot), resetStack: () => undefined };
  }

  #place(slot: number, run: () => void): void {
    if (this.table.length <= slot) this.table.grow(slot + 1 - this.table.length);
    this.table.set(slot, run);
  }

  #unload(id: number): void {
    const installed = this.#libraries.get(id);
    if (!installed) return;
    for (const slot of installed.slots) {
      this.table.set(slot, null);
      this.#javascript.delete(slot);
      this.#stackOwner.delete(slot);
      this.#builtin.delete(slot);
    }
    this.#libraries.delete(id);
  }
}

/** AssemblyScript's `abort(message, file, line, column)`: its strings are UTF-16 with their
 * byte length in the 4 bytes before them. Throws, so the call ends in a KernelError. */
function abortFor(memory: WebAssembly.Memory) {
  const text = (pointer: number): string => {
    const view = new DataView(memory.buffer);
    if (pointer < 4 || pointer > view.byteLength) return '';
    const units = Math.min(view.getUint32(pointer - 4, true), view.byteLength - pointer) >> 1;
    return String.fromCharCode(
      ...Array.from({ length: Math.min(units, 1000) }, (_, i) => view.getUint16(pointer + 2 * i, true)),
    );
  };
  return (message: number, file: number, line: number, column: number): never => {
    throw new Error(`abort: ${text(message) || 'no message'} at ${text(file)}:${line}:${column}`);
  };
}
