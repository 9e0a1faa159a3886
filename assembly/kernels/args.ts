// The argument slots of parwasm's own kernels, by name: slot s of the job descriptor's i32
// arguments is at ARGS_I32 + 4 s, of its f64 arguments at ARGS_F64 + 8 s. The host writes
// arguments by these exported names (src/schedule/parallel-for.ts), never by position, and
// refuses a slot past ARG_COUNT_I32 / ARG_COUNT_F64.
import { ARGS_I32, ARGS_F64 } from "../runtime/layout";

// @ts-ignore: decorator
@inline export function argI32(slot: i32): i32 { return load<i32>(ARGS_I32 + slot * 4); }
// @ts-ignore: decorator
@inline export function argF64(slot: i32): f64 { return load<f64>(ARGS_F64 + slot * 8); }

// hello: i32 pairs (rank, threadId), one per index.
export const ARG_I32_HELLO_OUT: i32 = 0;

// mark, spin, fault (synthetic.ts).
export const ARG_I32_MARK_COUNTS: i32 = 0; // u32 per index
export const ARG_I32_MARK_OWNERS: i32 = 1; // i32 per index
export const ARG_I32_SPIN_COSTS: i32 = 0; // u32 per index
export const ARG_I32_SPIN_SINK: i32 = 1; // u32 per index
export const ARG_I32_FAULT_AT: i32 = 0; // the index that traps

// zeroBlocks (memory-ops.ts).
export const ARG_I32_ZERO_REGION: i32 = 0;
export const ARG_I32_ZERO_BYTES: i32 = 1;

// mandelbrotRows: the image (u32 per pixel, row-major), its width, the iteration limit; the
// view's left edge and top, and the step between pixels.
export const ARG_I32_MANDELBROT_OUT: i32 = 0;
export const ARG_I32_MANDELBROT_WIDTH: i32 = 1;
export const ARG_I32_MANDELBROT_MAX_ITER: i32 = 2;
export const ARG_F64_MANDELBROT_XMIN: i32 = 0;
export const ARG_F64_MANDELBROT_YMAX: i32 = 1;
export const ARG_F64_MANDELBROT_DX: i32 = 2;
export const ARG_F64_MANDELBROT_DY: i32 = 3;

// packB, multiplyTiles, multiplyRows: A, B, C, the packed panel of B, the workers' packed-A
// scratch, the dimensions; the panel's tile columns, first column, width (padded to NR) and
// first tile.
export const ARG_I32_MATMUL_A: i32 = 0;
export const ARG_I32_MATMUL_B: i32 = 1;
export const ARG_I32_MATMUL_C: i32 = 2;
export const ARG_I32_MATMUL_PACKED_B: i32 = 3;
export const ARG_I32_MATMUL_SCRATCH: i32 = 4;
export const ARG_I32_MATMUL_M: i32 = 5;
export const ARG_I32_MATMUL_N: i32 = 6;
export const ARG_I32_MATMUL_K: i32 = 7;
export const ARG_I32_MATMUL_TILE_COLUMNS: i32 = 8;
export const ARG_I32_MATMUL_PANEL_J0: i32 = 9;
export const ARG_I32_MATMUL_PANEL_WIDTH: i32 = 10;
export const ARG_I32_MATMUL_PANEL_FIRST_TILE: i32 = 11;
export const ARG_I32_MATMUL_COLUMN_BLOCKS: i32 = 12; // multiplyRows: blocks of C's columns per row

// countWords, mergePartitions, gatherWords: see wordcount.ts.
export const ARG_I32_WC_TEXT: i32 = 0;
export const ARG_I32_WC_SEGMENTS: i32 = 1; // u32 (start, end) pairs
export const ARG_I32_WC_BITMAP: i32 = 2; // letter-or-number bit per code point
export const ARG_I32_WC_MAPS: i32 = 3; // one map region per worker, 2 × largest entries
export const ARG_I32_WC_LARGEST: i32 = 4; // largest map capacity, entries
export const ARG_I32_WC_OVERFLOW: i32 = 5; // i32 flag
export const ARG_I32_WC_PARTITIONS: i32 = 6;
export const ARG_I32_WC_PARTITION_CAPACITY: i32 = 7;
export const ARG_I32_WC_PARTITION_COUNT: i32 = 8;
export const ARG_I32_WC_WORKERS: i32 = 9; // map tables to merge
export const ARG_I32_WC_WORDS: i32 = 10; // u64 words counted
export const ARG_I32_WC_MAP_STATES: i32 = 11; // a table state per worker
export const ARG_I32_WC_PARTITION_STATES: i32 = 12; // a table state per partition
export const ARG_I32_WC_OUT_BYTES: i32 = 13;
export const ARG_I32_WC_OUT_COUNTS: i32 = 14;
export const ARG_I32_WC_WRITTEN: i32 = 15;

// statFiles, readFiles (src/ops/read-files.ts, in JavaScript): the file table and a status per file.
export const ARG_I32_FILES_TABLE: i32 = 0;
export const ARG_I32_FILES_STATUS: i32 = 1;
