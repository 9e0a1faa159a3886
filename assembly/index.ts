// The module's exports: the worker's entry points, the kernel ids and the control-block
// layout. Built with --runtime stub: kernels never allocate and never write static data,
// because every worker's instance shares this one memory (see ../shared DESIGN.md).
export { setWorker } from "./runtime/worker";
export { runJob, currentLo, currentHi } from "./runtime/schedule";
export { runKernel } from "./kernels/table";
export * from "./runtime/layout";
export * from "./kernels/args";
export {
  KERNEL_HELLO, KERNEL_MARK, KERNEL_SPIN, KERNEL_FAULT, KERNEL_MANDELBROT_SCALAR, KERNEL_MANDELBROT_SIMD,
  KERNEL_MATMUL_PACK_B_F64, KERNEL_MATMUL_TILES_F64, KERNEL_MATMUL_ROWS_F64,
  KERNEL_MATMUL_PACK_B_F32, KERNEL_MATMUL_TILES_F32, KERNEL_MATMUL_ROWS_F32,
  KERNEL_MATMUL_TILES_FMA_F64, KERNEL_MATMUL_ROWS_FMA_F64, KERNEL_MATMUL_TILES_FMA_F32, KERNEL_MATMUL_ROWS_FMA_F32,
  KERNEL_COUNT_WORDS, KERNEL_MERGE_PARTITIONS, KERNEL_ZERO, KERNEL_READ_FILES, KERNEL_STAT_FILES, KERNEL_GATHER_WORDS,
} from "./kernels/table";
export { MATMUL_MR, MATMUL_NR_BYTES, MATMUL_KC, MATMUL_MC, MATMUL_NC, MATMUL_FMA, MATMUL_COLUMN_BLOCK } from "./kernels/matmul";
export { ZERO_BLOCK } from "./kernels/memory-ops";
export { WORDCOUNT_INITIAL_CAPACITY, WORDCOUNT_ENTRY_BYTES, WORDCOUNT_STATE_BYTES } from "./kernels/wordcount";
