// Clearing regions in parallel, in blocks of ZERO_BLOCK bytes (index = block), before they
// are used as hash tables.
//   ARGS_I32: [0] region  [1] bytes
import { ARGS_I32 } from "../runtime/layout";

export const ZERO_BLOCK: i32 = 1 << 16;

export function zeroBlocks(lo: i32, hi: i32): void {
  const region = <usize>load<i32>(ARGS_I32);
  const bytes = <usize>load<i32>(ARGS_I32, 4);
  const start = <usize>lo * ZERO_BLOCK;
  const end = min(<usize>hi * ZERO_BLOCK, bytes);
  if (start < end) memory.fill(region + start, 0, end - start);
}
