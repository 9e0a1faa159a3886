// The "hello world" of a parallel course: every index of the space records which worker
// computed it. With the static schedule over [0, workers), index r is worker r's greeting.
import { rank, threadId } from "../runtime/worker";
import { argI32, ARG_I32_HELLO_OUT } from "./args";

export function hello(lo: i32, hi: i32): void {
  const out = <usize>argI32(ARG_I32_HELLO_OUT); // i32 pairs: (rank, threadId)
  for (let i = lo; i < hi; i++) {
    store<i32>(out + (<usize>i << 3), rank);
    store<i32>(out + (<usize>i << 3), threadId, 4);
  }
}
