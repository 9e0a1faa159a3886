// What the pool sends each worker to load or unload a library (src/pool/worker-libraries.ts
// applies it).

/** A library as each worker receives it. */
export type LibraryMessage =
  | {
      type: 'load';
      id: number;
      kind: 'wasm';
      module: WebAssembly.Module;
      memory: WebAssembly.Memory;
      /** Per rank: where the worker's stack pointer starts, if the module exports one. */
      stackTops: number[] | undefined;
      kernels: { slot: number; name: string; adapter: WebAssembly.Module }[];
      /** parwasm's own kernels (src/ops/builtins.ts): instantiated with the worker's rank and
       * host functions as imports; a trap in them is a bug that crashes the worker. */
      builtin?: true;
    }
  | {
      type: 'load';
      id: number;
      kind: 'javascript';
      url: string;
      memory: WebAssembly.Memory;
      kernels: { slot: number; name: string; perIndex: boolean }[];
    }
  | { type: 'unload'; id: number };
