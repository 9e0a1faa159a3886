// parwasm's own structural types for the WebAssembly objects that cross its public API.
// TypeScript declares the global `WebAssembly` namespace only in lib.dom and lib.webworker,
// so a public declaration that names `WebAssembly.Memory` fails to compile in a Node project
// without the DOM lib. These describe what parwasm needs of the objects; real
// `WebAssembly.Memory` and `WebAssembly.Module` values satisfy them.

/** A `WebAssembly.Memory`: here always shared, so its buffer is a SharedArrayBuffer. */
export interface WasmMemory {
  /** The memory's current bytes; a new object after every growth. */
  readonly buffer: ArrayBufferLike;
  /** Grows the memory by `delta` pages of 64 KiB; returns the previous size in pages. */
  grow(delta: number): number;
}

/** A compiled `WebAssembly.Module`. Opaque: parwasm hands it to its workers as it is. */
export type WasmModule = object;
