// Synthetic kernels with known answers, for testing and benchmarking the schedules.
import { rank } from "./worker";

// Counts how often each index is computed (atomically, so a double claim shows up as 2) and
// records which worker computed it last.
// counts: u32 per index; owners: i32 per index.
export function mark(lo: i32, hi: i32, counts: usize, owners: usize): void {
  for (let i = lo; i < hi; i++) {
    atomic.add<u32>(counts + (<usize>i << 2), 1);
    store<i32>(owners + (<usize>i << 2), rank);
  }
}

// Burns a controllable amount of time per item: cost[i] rounds of a dependent integer
// recurrence that the optimiser cannot remove, because its result is stored.
// cost, sink: u32 per index.
export function spin(lo: i32, hi: i32, cost: usize, sink: usize): void {
  for (let i = lo; i < hi; i++) {
    let x = <u32>i | 1;
    const rounds = load<u32>(cost + (<usize>i << 2));
    for (let r: u32 = 0; r < rounds; r++) x = x * 1664525 + 1013904223;
    store<u32>(sink + (<usize>i << 2), x);
  }
}

// Traps (a WebAssembly RuntimeError, which kills the worker: a trap in parwasm's own
// kernels is a bug) when it reaches index `at`: the stand-in for a kernel that crashes.
export function fault(lo: i32, hi: i32, at: i32): void {
  if (at >= lo && at < hi) unreachable();
}
