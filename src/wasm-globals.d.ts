// The part of the global `WebAssembly` namespace that parwasm's own code calls at run time.
// TypeScript declares the namespace only in lib.dom and lib.webworker, and neither belongs in
// a Node library. This file is internal: public declarations use ./wasm-types.ts instead, so
// a user's project compiles without the DOM lib (dist/types never refers to this file).
declare namespace WebAssembly {
  class Module {
    private constructor();
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(delta: number): number;
  }
  class Instance {
    constructor(module: import('./wasm-types.js').WasmModule, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class Global {
    private constructor();
    value: unknown;
  }
  function compile(bytes: BufferSource): Promise<Module>;
}
