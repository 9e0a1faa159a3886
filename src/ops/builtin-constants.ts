// The numbers parwasm's own kernels decide and the operations size their data by, read from
// the module's exports (src/ops/builtins.ts). Apart from the loader, so that types reaching
// the public declarations carry no WebAssembly types.
export const CONSTANTS = [
  'ZERO_BLOCK',
  'WORDCOUNT_INITIAL_CAPACITY',
  'WORDCOUNT_ENTRY_BYTES',
  'WORDCOUNT_STATE_BYTES',
  'WORDCOUNT_ARENA_SLACK',
  'MATMUL_NR_BYTES',
  'MATMUL_MR',
  'MATMUL_KC',
  'MATMUL_MC',
  'MATMUL_NC',
  'MATMUL_FMA',
  'MATMUL_COLUMN_BLOCK',
] as const;

/** The numbers the kernels decide and the operations size their data by (block sizes,
 * entry sizes), read from the module's exports. */
export type BuiltinConstants = Readonly<Record<(typeof CONSTANTS)[number], number>>;
