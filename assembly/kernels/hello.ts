// The "hello world" of a parallel course: every index of the space records which worker
// computed it. With the static schedule over [0, workers), index r is worker r's greeting.
import { rank, threadId } from "./worker";

// out: i32 pairs (rank, threadId), one per index.
export function hello(lo: i32, hi: i32, out: usize): void {
  for (let i = lo; i < hi; i++) {
    store<i32>(out + (<usize>i << 3), rank);
    store<i32>(out + (<usize>i << 3), threadId, 4);
  }
}
