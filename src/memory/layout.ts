// The control block's layout, as the runtime defines it (assembly/runtime/layout.ts).
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
  'PENDING',
  'ABORT',
  'JOB_KERNEL',
  'JOB_N',
  'JOB_SCHEDULE',
  'JOB_CHUNK',
  'JOB_WORKERS',
  'JOB_TRACE_PTR',
  'JOB_TRACE_CAPACITY',
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
] as const;

/** Byte offsets and ids exported by the runtime module; every name is checked to be present. */
export type Layout = Readonly<Record<(typeof NAMES)[number], number>>;

// The runtime ABI this host speaks (assembly/runtime/layout.ts ABI_VERSION).
const ABI_VERSION = 3;

export function readLayout(exports: KernelExports): Layout {
  const constants = readConstants(exports);
  if (constants.ABI_VERSION !== ABI_VERSION)
    throw new Error(`parwasm.wasm speaks runtime ABI ${constants.ABI_VERSION}, this host ${ABI_VERSION}`);
  for (const name of NAMES) {
    if (typeof constants[name] !== 'number') throw new Error(`parwasm.wasm does not export ${name}`);
  }
  return constants as Layout;
}
