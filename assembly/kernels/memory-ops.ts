// Clearing regions in parallel, in blocks of ZERO_BLOCK bytes (index = block), before they
// are used as hash tables.
import { argI32, ARG_I32_ZERO_REGION, ARG_I32_ZERO_BYTES } from "./args";

export const ZERO_BLOCK: i32 = 1 << 16;

export function zeroBlocks(lo: i32, hi: i32): void {
  const region = <usize>argI32(ARG_I32_ZERO_REGION);
  const bytes = <usize>argI32(ARG_I32_ZERO_BYTES);
  const start = <usize>lo * ZERO_BLOCK;
  const end = min(<usize>hi * ZERO_BLOCK, bytes);
  if (start < end) memory.fill(region + start, 0, end - start);
}
