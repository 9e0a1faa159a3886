// The control block's layout, as the kernels define it (assembly/runtime/layout.ts).
import { readConstants, type KernelExports } from './module.js';

const NAMES = [
  'CONTROL_BYTES',
  'LINE',
  'MAX_WORKERS',
  'HEAP_BASE',
  'JOB_SEQ',
  'COMMAND',
  'COMMAND_RUN',
  'COMMAND_STOP',
  'COMMAND_MESSAGE',
  'ABI_VERSION',
  'JOB_LO',
  'ARGS',
  'ARG_SLOTS',
  'ARG_SLOT_BYTES',
  'ARG_TAGS',
  'ERROR_RANK',
  'ERROR_LO',
  'ERROR_HI',
  'ERROR_TEXT_LENGTH',
  'ERROR_TEXT',
  'ERROR_TEXT_BYTES',
  'FIRST_TABLE_KERNEL',
  'PENDING',
  'ABORT',
  'JOB_KERNEL',
  'JOB_N',
  'JOB_SCHEDULE',
  'JOB_CHUNK',
  'JOB_WORKERS',
  'JOB_TRACE_PTR',
  'JOB_TRACE_CAPACITY',
  'ARGS_I32',
  'ARGS_F64',
  'ARG_COUNT_I32',
  'ARG_COUNT_F64',
  'NEXT_INDEX',
  'TRACE_COUNT',
  'STEAL_RANGES',
  'TELEMETRY',
  'T_BUSY_MS',
  'T_CHUNKS',
  'T_ITEMS',
  'T_STEAL_ATTEMPTS',
  'T_STEALS',
  'T_THREAD_ID',
  'T_DONE_SEQ',
  'T_GENERATION',
  'TRACE_RECORD_BYTES',
  'SCHEDULE_STATIC',
  'SCHEDULE_CYCLIC',
  'SCHEDULE_DYNAMIC',
  'SCHEDULE_GUIDED',
  'SCHEDULE_STEALING',
  'KERNEL_HELLO',
  'KERNEL_MARK',
  'KERNEL_SPIN',
  'KERNEL_FAULT',
  'KERNEL_MANDELBROT_SCALAR',
  'KERNEL_MANDELBROT_SIMD',
  'KERNEL_MATMUL_PACK_B_F64',
  'KERNEL_MATMUL_TILES_F64',
  'KERNEL_MATMUL_ROWS_F64',
  'KERNEL_MATMUL_PACK_B_F32',
  'KERNEL_MATMUL_TILES_F32',
  'KERNEL_MATMUL_ROWS_F32',
  'KERNEL_COUNT_WORDS',
  'KERNEL_MERGE_PARTITIONS',
  'KERNEL_ZERO',
  'KERNEL_READ_FILES',
  'KERNEL_STAT_FILES',
  'KERNEL_GATHER_WORDS',
  'KERNEL_MATMUL_TILES_FMA_F64',
  'KERNEL_MATMUL_ROWS_FMA_F64',
  'KERNEL_MATMUL_TILES_FMA_F32',
  'KERNEL_MATMUL_ROWS_FMA_F32',
  'ZERO_BLOCK',
  'WORDCOUNT_INITIAL_CAPACITY',
  'WORDCOUNT_ENTRY_BYTES',
  'WORDCOUNT_STATE_BYTES',
  'MATMUL_NR_BYTES',
  'MATMUL_MR',
  'MATMUL_KC',
  'MATMUL_MC',
  'MATMUL_NC',
  'MATMUL_FMA',
  'MATMUL_COLUMN_BLOCK',
] as const;

/** Byte offsets and ids exported by the module; every name is checked to be present. And
 * the argument slots of parwasm's own kernels by name (assembly/kernels/args.ts): `MATMUL_A`
 * for the export ARG_I32_MATMUL_A. */
export type Layout = Readonly<Record<(typeof NAMES)[number], number>> & {
  readonly slots: { readonly i32: ReadonlyMap<string, number>; readonly f64: ReadonlyMap<string, number> };
};

// The runtime ABI this host speaks (assembly/runtime/layout.ts ABI_VERSION).
const ABI_VERSION = 2;

export function readLayout(exports: KernelExports): Layout {
  const constants = readConstants(exports);
  if (constants.ABI_VERSION !== ABI_VERSION)
    throw new Error(`parwasm.wasm speaks runtime ABI ${constants.ABI_VERSION}, this host ${ABI_VERSION}`);
  for (const name of NAMES) {
    if (typeof constants[name] !== 'number') throw new Error(`parwasm.wasm does not export ${name}`);
  }
  const slots = (prefix: string) =>
    new Map(
      Object.entries(constants)
        .filter(([name]) => name.startsWith(prefix))
        .map(([name, slot]) => [name.slice(prefix.length), slot]),
    );
  return {
    ...(constants as Record<(typeof NAMES)[number], number>),
    slots: { i32: slots('ARG_I32_'), f64: slots('ARG_F64_') },
  };
}
