// The runtime module: the worker's entry points and the control-block layout. It knows no
// kernel: every kernel, parwasm's own included (assembly/kernels, a library of its own), is
// reached through the worker's function table. Built with --runtime stub: the runtime never
// allocates and never writes static data, because every worker's instance shares this one
// memory (see ../shared DESIGN.md).
export { setWorker } from "./runtime/worker";
export { runJob, currentLo, currentHi } from "./runtime/schedule";
export * from "./runtime/layout";
