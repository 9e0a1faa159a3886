// Synthetic kernels with known answers, for testing and benchmarking the schedules.
import { rank } from "../runtime/worker";
import {
  argI32, ARG_I32_MARK_COUNTS, ARG_I32_MARK_OWNERS, ARG_I32_SPIN_COSTS, ARG_I32_SPIN_SINK, ARG_I32_FAULT_AT,
} from "./args";

// Counts how often each index is computed (atomically, so a double claim shows up as 2) and
// records which worker computed it last.
export function mark(lo: i32, hi: i32): void {
  const counts = <usize>argI32(ARG_I32_MARK_COUNTS);
  const owners = <usize>argI32(ARG_I32_MARK_OWNERS);
  for (let i = lo; i < hi; i++) {
    atomic.add<u32>(counts + (<usize>i << 2), 1);
    store<i32>(owners + (<usize>i << 2), rank);
  }
}

// Burns a controllable amount of time per item: cost[i] rounds of a dependent integer
// recurrence that the optimiser cannot remove, because its result is stored.
export function spin(lo: i32, hi: i32): void {
  const cost = <usize>argI32(ARG_I32_SPIN_COSTS);
  const sink = <usize>argI32(ARG_I32_SPIN_SINK);
  for (let i = lo; i < hi; i++) {
    let x = <u32>i | 1;
    const rounds = load<u32>(cost + (<usize>i << 2));
    for (let r: u32 = 0; r < rounds; r++) x = x * 1664525 + 1013904223;
    store<u32>(sink + (<usize>i << 2), x);
  }
}

// Traps (a WebAssembly RuntimeError, which kills the worker) when it reaches index
// ARG_I32_FAULT_AT: the stand-in for a kernel that crashes.
export function fault(lo: i32, hi: i32): void {
  const at = argI32(ARG_I32_FAULT_AT);
  if (at >= lo && at < hi) unreachable();
}
