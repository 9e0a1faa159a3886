// The module's exports: the worker's entry points, the kernel ids and the control-block
// layout. Built with --runtime stub: kernels never allocate and never write static data,
// because every worker's instance shares this one memory (see ../shared DESIGN.md).
export { setWorker } from "./worker";
export { runJob } from "./schedule";
export * from "./layout";
export {
  KERNEL_HELLO, KERNEL_MARK, KERNEL_SPIN, KERNEL_FAULT, KERNEL_MANDELBROT_SCALAR, KERNEL_MANDELBROT_SIMD,
} from "./kernels";
