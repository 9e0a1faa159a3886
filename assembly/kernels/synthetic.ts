// Synthetic kernels with known answers, for testing and benchmarking the schedules.
import { rank } from "../runtime/worker";
import { ARGS_I32 } from "../runtime/layout";

// Counts how often each index is computed (atomically, so a double claim shows up as 2) and
// records which worker computed it last.
//   ARGS_I32[0]: u32 counts[n]   ARGS_I32[1]: i32 owners[n]
export function mark(lo: i32, hi: i32): void {
  const counts = <usize>load<i32>(ARGS_I32);
  const owners = <usize>load<i32>(ARGS_I32, 4);
  for (let i = lo; i < hi; i++) {
    atomic.add<u32>(counts + (<usize>i << 2), 1);
    store<i32>(owners + (<usize>i << 2), rank);
  }
}

// Burns a controllable amount of time per item: cost[i] rounds of a dependent integer
// recurrence that the optimiser cannot remove, because its result is stored.
//   ARGS_I32[0]: u32 cost[n]   ARGS_I32[1]: u32 sink[n]
export function spin(lo: i32, hi: i32): void {
  const cost = <usize>load<i32>(ARGS_I32);
  const sink = <usize>load<i32>(ARGS_I32, 4);
  for (let i = lo; i < hi; i++) {
    let x = <u32>i | 1;
    const rounds = load<u32>(cost + (<usize>i << 2));
    for (let r: u32 = 0; r < rounds; r++) x = x * 1664525 + 1013904223;
    store<u32>(sink + (<usize>i << 2), x);
  }
}

// Traps (a WebAssembly RuntimeError, which kills the worker) when it reaches index
// ARGS_I32[0]: the stand-in for a kernel that crashes.
export function fault(lo: i32, hi: i32): void {
  const at = load<i32>(ARGS_I32);
  if (at >= lo && at < hi) unreachable();
}
