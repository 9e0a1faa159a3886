// The entry point of every worker thread: instantiate the one module on the one shared
// memory, load the libraries already loaded on the pool, say "ready", then run jobs until
// told to stop.
import { hostname } from 'node:os';
import { parentPort, receiveMessageOnPort, threadId, workerData, type MessagePort } from 'node:worker_threads';
import { instantiate } from '../memory/module.js';
import { readLayout } from '../memory/layout.js';
import { readFiles, statFiles } from '../ops/read-files.js';
import type { LibraryMessage } from '../engine/library-message.js';
import type { BuiltinImports } from '../ops/builtins.js';
import { WorkerLibraries } from './worker-libraries.js';

export interface WorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  rank: number;
  /** The pool's `performance.timeOrigin`, so that `now()` here reads the pool's clock. */
  timeOrigin: number;
  /** Where library messages arrive (posted before the doorbell rings COMMAND_MESSAGE). */
  port: MessagePort;
  /** The libraries loaded on the pool so far, for a worker that starts after them. */
  libraries: LibraryMessage[];
}

export interface ReadyMessage {
  threadId: number;
  hostname: string;
}

const { module, memory, rank, timeOrigin, port, libraries: loaded } = workerData as WorkerData;
const clockOffset = performance.timeOrigin - timeOrigin;
// This worker's function table: the claim loop calls library kernels through it.
const table = new WebAssembly.Table({ element: 'anyfunc', initial: 1 });
const kernels = instantiate(module, memory, table, { now: () => performance.now() + clockOffset });
const layout = readLayout(kernels);
const control = new Int32Array(memory.buffer, 0, layout.CONTROL_BYTES / 4);
const word = (byteOffset: number): number => byteOffset >> 2;
const doneSeq = word(layout.TELEMETRY + rank * layout.LINE + layout.T_DONE_SEQ);
const builtinImports = {
  worker: { rank, threadId },
  host: {
    statFiles: (lo, hi, files, status) => statFiles(memory, lo, hi, files, status),
    readFiles: (lo, hi, files, status) => readFiles(memory, lo, hi, files, status),
  },
} satisfies BuiltinImports;
const libraries = new WorkerLibraries(table, memory, layout, rank, builtinImports);

kernels.setWorker(rank, threadId);
for (const message of loaded) await libraries.apply(message);
// A replacement worker joins between jobs: the current sequence number is not a new job.
let seen = Atomics.load(control, word(layout.JOB_SEQ));
parentPort!.postMessage({ threadId, hostname: hostname() } satisfies ReadyMessage);

// Parked in Atomics.wait, this thread runs no event loop between jobs; nothing here needs
// one, and a blocked wait wakes within microseconds of the pool's notify. (Loading a
// JavaScript library awaits its import, which runs the event loop for that while.)
for (;;) {
  seen = nextJob(seen);
  const command = Atomics.load(control, word(layout.COMMAND));
  if (command === layout.COMMAND_STOP) break;
  if (command === layout.COMMAND_MESSAGE) await applyMessage();
  else runJob();
  if (Atomics.sub(control, word(layout.PENDING), 1) === 1) Atomics.notify(control, word(layout.PENDING));
  // Last: after a crash the pool takes this as "has left the job", PENDING included.
  Atomics.store(control, doneSeq, seen);
}

/** Waits until JOB_SEQ moves past `seen`, and returns it. A wake alone is not a new job: the
 * pool bumps JOB_SEQ, then notifies, so a worker can see the bump, run that job, finish and
 * park again before the notify of the same job arrives. Taking that late notify for a new
 * job ran the job twice and counted PENDING down once too often (it went to -1, and the
 * pool's next wait never ended: the rare hang of the pool). */
function nextJob(seen: number): number {
  for (;;) {
    const current = Atomics.load(control, word(layout.JOB_SEQ));
    if (current !== seen) return current;
    Atomics.wait(control, word(layout.JOB_SEQ), seen);
  }
}

/** Runs the job in the descriptor. A library kernel that traps or throws fails the job, not
 * the worker; one of parwasm's own kernels that traps is a bug, and crashes the worker. */
function runJob(): void {
  const kernel = Atomics.load(control, word(layout.JOB_KERNEL));
  try {
    libraries.prepare(kernel);
    kernels.runJob();
  } catch (error) {
    if (libraries.isBuiltin(kernel)) throw error;
    reportFailure(error, kernels.currentLo(), kernels.currentHi());
    libraries.recover(kernel);
  }
}

/** Takes the message the pool posted before ringing (it may take a moment to arrive). */
async function applyMessage(): Promise<void> {
  let received = receiveMessageOnPort(port);
  while (!received) {
    Atomics.wait(control, word(layout.ERROR_RANK), Atomics.load(control, word(layout.ERROR_RANK)), 1);
    received = receiveMessageOnPort(port);
  }
  try {
    await libraries.apply(received.message as LibraryMessage);
  } catch (error) {
    reportFailure(error, 0, 0);
  }
}

/** The first worker to fail records its error for the pool, and stops the others. */
function reportFailure(error: unknown, lo: number, hi: number): void {
  if (Atomics.compareExchange(control, word(layout.ERROR_RANK), 0, rank + 1) !== 0) return;
  control[word(layout.ERROR_LO)] = lo;
  control[word(layout.ERROR_HI)] = hi;
  const text = new TextEncoder().encode(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  const length = Math.min(text.length, layout.ERROR_TEXT_BYTES);
  new Uint8Array(memory.buffer, layout.ERROR_TEXT, length).set(text.subarray(0, length));
  control[word(layout.ERROR_TEXT_LENGTH)] = length;
  Atomics.store(control, word(layout.ABORT), 1);
}
