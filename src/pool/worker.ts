// The entry point of every worker thread: instantiate the one module on the one shared
// memory, say "ready", then run jobs until told to stop.
import { hostname } from 'node:os';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { instantiate } from '../memory/module.js';
import { readLayout } from '../memory/layout.js';
import { readFiles, statFiles } from './read-files.js';
import type { WasmMemory, WasmModule } from '../wasm-types.js';

export interface WorkerData {
  module: WasmModule;
  memory: WasmMemory;
  rank: number;
  /** The pool's `performance.timeOrigin`, so that `now()` here reads the pool's clock. */
  timeOrigin: number;
}

export interface ReadyMessage {
  threadId: number;
  hostname: string;
}

const { module, memory, rank, timeOrigin } = workerData as WorkerData;
const clockOffset = performance.timeOrigin - timeOrigin;
const kernels = instantiate(module, memory, {
  now: () => performance.now() + clockOffset,
  statFiles: (lo, hi) => statFiles(memory, layout, lo, hi),
  readFiles: (lo, hi) => readFiles(memory, layout, lo, hi),
});
const layout = readLayout(kernels);
const control = new Int32Array(memory.buffer, 0, layout.CONTROL_BYTES / 4);
const word = (byteOffset: number): number => byteOffset >> 2;
const doneSeq = word(layout.TELEMETRY + rank * layout.LINE + layout.T_DONE_SEQ);

kernels.setWorker(rank, threadId);
// A replacement worker joins between jobs: the current sequence number is not a new job.
let seen = Atomics.load(control, word(layout.JOB_SEQ));
parentPort!.postMessage({ threadId, hostname: hostname() } satisfies ReadyMessage);

// Parked in Atomics.wait, this thread runs no event loop between jobs; nothing here needs
// one, and a blocked wait wakes within microseconds of the pool's notify.
for (;;) {
  Atomics.wait(control, word(layout.JOB_SEQ), seen);
  seen = Atomics.load(control, word(layout.JOB_SEQ));
  if (Atomics.load(control, word(layout.COMMAND)) === layout.COMMAND_STOP) break;
  kernels.runJob();
  if (Atomics.sub(control, word(layout.PENDING), 1) === 1) Atomics.notify(control, word(layout.PENDING));
  // Last: after a crash the pool takes this as "has left the job", PENDING included.
  Atomics.store(control, doneSeq, seen);
}
