// What every worker runs, on Node or in a browser: instantiate the one module on the one
// shared memory, load the libraries already loaded on the pool, say "ready", then run jobs
// until told to stop, or until replaced.
import { instantiate } from '../memory/module.js';
import { readLayout } from '../memory/layout.js';
import type { WorkerHost } from '../platform/platform.js';
import { WorkerLibraries } from './worker-libraries.js';

/** The worker loop, on the runtime `host` gives (src/platform/node-worker.ts, browser-worker.ts). */
export async function runWorker(host: WorkerHost): Promise<void> {
  const { module, memory, rank, generation, timeOrigin, libraries: loaded } = host.data;
  const clockOffset = performance.timeOrigin - timeOrigin;
  // This worker's function table: the claim loop calls library kernels through it.
  const table = new WebAssembly.Table({ element: 'anyfunc', initial: 1 });
  const kernels = instantiate(module, memory, table, {
    now: () => performance.now() + clockOffset,
    statFiles: (lo, hi) => host.statFiles(memory, layout, lo, hi),
    readFiles: (lo, hi) => host.readFiles(memory, layout, lo, hi),
  });
  const layout = readLayout(kernels);
  const control = new Int32Array(memory.buffer, 0, layout.CONTROL_BYTES / 4);
  const slot = layout.TELEMETRY + rank * layout.LINE;
  const doneSeq = word(slot + layout.T_DONE_SEQ);
  const generationWord = word(slot + layout.T_GENERATION);
  const libraries = new WorkerLibraries(table, memory, layout, rank);

  kernels.setWorker(rank, host.threadId);
  for (const message of loaded) await libraries.apply(message);
  // A replacement worker joins between jobs: the current sequence number is not a new job.
  let seen = Atomics.load(control, word(layout.JOB_SEQ));
  host.ready();

  // Parked in Atomics.wait, this thread runs no event loop between jobs; nothing here needs
  // one, and a blocked wait wakes within microseconds of the pool's notify. (Loading a
  // JavaScript library awaits its import, which runs the event loop for that while.)
  for (;;) {
    seen = nextJob(control, layout.JOB_SEQ, seen);
    if (replaced()) break;
    const command = Atomics.load(control, word(layout.COMMAND));
    if (command === layout.COMMAND_STOP) break;
    if (command === layout.COMMAND_MESSAGE) await applyMessage();
    else runJob();
    if (replaced()) break;
    if (Atomics.sub(control, word(layout.PENDING), 1) === 1) Atomics.notify(control, word(layout.PENDING));
    // Last: after a crash the pool takes this as "has left the job", PENDING included.
    Atomics.store(control, doneSeq, seen);
  }
  host.exit();

  /** Whether the pool has started another worker in this rank: it took this one for dead, but
   * a browser's terminate() does not stop a thread parked in Atomics.wait. Then this worker
   * leaves without touching PENDING or T_DONE_SEQ, which are the replacement's now. */
  function replaced(): boolean {
    return Atomics.load(control, generationWord) !== generation;
  }

  /** Runs the job in the descriptor. A library kernel that traps or throws fails the job, not
   * the worker; one of parwasm's own kernels that traps is a bug, and crashes the worker. */
  function runJob(): void {
    const kernel = Atomics.load(control, word(layout.JOB_KERNEL));
    try {
      if (kernel >= layout.FIRST_TABLE_KERNEL) libraries.prepare(kernel);
      kernels.runJob();
    } catch (error) {
      if (kernel < layout.FIRST_TABLE_KERNEL) throw error;
      reportFailure(error, kernels.currentLo(), kernels.currentHi());
      libraries.recover(kernel);
    }
  }

  /** Takes the message the pool posted before ringing. */
  async function applyMessage(): Promise<void> {
    const message = await host.receive();
    try {
      await libraries.apply(message);
    } catch (error) {
      reportFailure(error, 0, 0);
    }
  }

  /** The first worker to fail records its error for the pool, and stops the others. */
  function reportFailure(error: unknown, lo: number, hi: number): void {
    if (Atomics.compareExchange(control, word(layout.ERROR_RANK), 0, rank + 1) !== 0) return;
    control[word(layout.ERROR_LO)] = lo;
    control[word(layout.ERROR_HI)] = hi;
    // Encoded, then copied in: Chrome's encodeInto refuses a view of shared memory.
    const text = new TextEncoder().encode(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    const length = Math.min(text.length, layout.ERROR_TEXT_BYTES);
    new Uint8Array(memory.buffer, layout.ERROR_TEXT, length).set(text.subarray(0, length));
    control[word(layout.ERROR_TEXT_LENGTH)] = length;
    Atomics.store(control, word(layout.ABORT), 1);
  }
}

function word(byteOffset: number): number {
  return byteOffset >> 2;
}

/** Waits until JOB_SEQ moves past `seen`, and returns it. A wake alone is not a new job: the
 * pool bumps JOB_SEQ, then notifies, so a worker can see the bump, run that job, finish and
 * park again before the notify of the same job arrives. Taking that late notify for a new
 * job ran the job twice and counted PENDING down once too often (it went to -1, and the
 * pool's next wait never ended: the rare hang of the pool). */
function nextJob(control: Int32Array, jobSeq: number, seen: number): number {
  for (;;) {
    const current = Atomics.load(control, word(jobSeq));
    if (current !== seen) return current;
    Atomics.wait(control, word(jobSeq), seen);
  }
}
