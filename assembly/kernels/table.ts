// The kernel table: every kernel computes the chunk [lo, hi) of its job's index space,
// reading its arguments from the job descriptor. Ids are exported so the host never keeps
// its own copy of them. A switch of direct calls lets the optimiser inline each kernel into
// the claim loop, which an indirect call through a function table would prevent.
import { hello } from "./hello";
import { mark, spin, fault } from "./synthetic";
import { mandelbrotRows } from "./mandelbrot";
import { packB, multiplyTiles, multiplyRows, Fused, Separate } from "./matmul";
import { countWords, mergePartitions, gatherWords } from "./wordcount";
import { zeroBlocks } from "./memory-ops";
import { readFiles, statFiles } from "./host";

export const KERNEL_HELLO: i32 = 0;
export const KERNEL_MARK: i32 = 1;
export const KERNEL_SPIN: i32 = 2;
export const KERNEL_FAULT: i32 = 3;
export const KERNEL_MANDELBROT_SCALAR: i32 = 4;
export const KERNEL_MANDELBROT_SIMD: i32 = 5;
export const KERNEL_MATMUL_PACK_B_F64: i32 = 6;
export const KERNEL_MATMUL_TILES_F64: i32 = 7;
export const KERNEL_MATMUL_ROWS_F64: i32 = 8;
export const KERNEL_MATMUL_PACK_B_F32: i32 = 9;
export const KERNEL_MATMUL_TILES_F32: i32 = 10;
export const KERNEL_MATMUL_ROWS_F32: i32 = 11;
export const KERNEL_COUNT_WORDS: i32 = 12;
export const KERNEL_MERGE_PARTITIONS: i32 = 13;
export const KERNEL_ZERO: i32 = 14;
export const KERNEL_READ_FILES: i32 = 15;
export const KERNEL_STAT_FILES: i32 = 16;
export const KERNEL_GATHER_WORDS: i32 = 17;
export const KERNEL_MATMUL_TILES_FMA_F64: i32 = 18;
export const KERNEL_MATMUL_ROWS_FMA_F64: i32 = 19;
export const KERNEL_MATMUL_TILES_FMA_F32: i32 = 20;
export const KERNEL_MATMUL_ROWS_FMA_F32: i32 = 21;

// Exported too, so the pool's own instance on the calling thread can run a kernel over a
// range directly: for operations smaller than the cost of waking the workers.
export function runKernel(kernel: i32, lo: i32, hi: i32): void {
  switch (kernel) {
    case KERNEL_HELLO: hello(lo, hi); break;
    case KERNEL_MARK: mark(lo, hi); break;
    case KERNEL_SPIN: spin(lo, hi); break;
    case KERNEL_FAULT: fault(lo, hi); break;
    case KERNEL_MANDELBROT_SCALAR: mandelbrotRows<f64>(lo, hi); break;
    case KERNEL_MANDELBROT_SIMD: mandelbrotRows<v128>(lo, hi); break;
    case KERNEL_MATMUL_PACK_B_F64: packB<f64>(lo, hi); break;
    case KERNEL_MATMUL_TILES_F64: multiplyTiles<f64, Separate>(lo, hi); break;
    case KERNEL_MATMUL_ROWS_F64: multiplyRows<f64, Separate>(lo, hi); break;
    case KERNEL_MATMUL_PACK_B_F32: packB<f32>(lo, hi); break;
    case KERNEL_MATMUL_TILES_F32: multiplyTiles<f32, Separate>(lo, hi); break;
    case KERNEL_MATMUL_ROWS_F32: multiplyRows<f32, Separate>(lo, hi); break;
    case KERNEL_COUNT_WORDS: countWords(lo, hi); break;
    case KERNEL_MERGE_PARTITIONS: mergePartitions(lo, hi); break;
    case KERNEL_ZERO: zeroBlocks(lo, hi); break;
    case KERNEL_READ_FILES: readFiles(lo, hi); break;
    case KERNEL_STAT_FILES: statFiles(lo, hi); break;
    case KERNEL_GATHER_WORDS: gatherWords(lo, hi); break;
    case KERNEL_MATMUL_TILES_FMA_F64: multiplyTiles<f64, Fused>(lo, hi); break;
    case KERNEL_MATMUL_ROWS_FMA_F64: multiplyRows<f64, Fused>(lo, hi); break;
    case KERNEL_MATMUL_TILES_FMA_F32: multiplyTiles<f32, Fused>(lo, hi); break;
    case KERNEL_MATMUL_ROWS_FMA_F32: multiplyRows<f32, Fused>(lo, hi); break;
    default: unreachable();
  }
}
