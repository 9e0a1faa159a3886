// Kernels that run in JavaScript on the worker's thread, reached through an import: work
// that WebAssembly cannot do, such as reading files, scheduled like any other kernel
// (src/ops/read-files.ts). Files [lo, hi) of the file table at `table` (per file, u32: path
// offset, path length, data offset, size), with a status per file (i32) at `status`.
@external("host", "readFiles")
export declare function readFiles(lo: i32, hi: i32, table: usize, status: usize): void;

@external("host", "statFiles")
export declare function statFiles(lo: i32, hi: i32, table: usize, status: usize): void;
