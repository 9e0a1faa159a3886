// Kernels that run in JavaScript on the worker's thread, reached through an import: work
// that WebAssembly cannot do, such as reading files, scheduled like any other kernel.
@external("env", "readFiles")
export declare function readFiles(lo: i32, hi: i32): void;

@external("env", "statFiles")
export declare function statFiles(lo: i32, hi: i32): void;
