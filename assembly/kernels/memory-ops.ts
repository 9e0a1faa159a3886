// Clearing regions in parallel, in blocks of ZERO_BLOCK bytes (index = block), before they
// are used as hash tables.
export const ZERO_BLOCK: i32 = 1 << 16;

// Blocks [lo, hi) of the `bytes` bytes at `region`.
export function zeroBlocks(lo: i32, hi: i32, region: usize, bytes: usize): void {
  const start = <usize>lo * ZERO_BLOCK;
  const end = min(<usize>hi * ZERO_BLOCK, bytes);
  if (start < end) memory.fill(region + start, 0, end - start);
}
