// Dispatch and completion through the shared memory. The pool bumps JOB_SEQ and notifies;
// every worker runs the job and decrements PENDING; the last one notifies back.
//
// Completion: the pool first polls PENDING for up to SPIN_MS, then awaits Atomics.waitAsync.
// Measured with bench/suites/completion.ts (2 cores, empty job, 2 workers, medians):
// waitAsync alone 84 µs, a message from the last worker 45 µs, a 50 µs poll then waitAsync
// 22 µs, a poll then a message 44 µs. Short jobs finish inside the poll; for long ones the
// poll costs 50 µs of one thread per operation, and waitAsync never blocks the event loop.
import type { ControlBlock } from '../memory/control-block.js';

export class Doorbell {
  #inFlight: { fail(error: Error): void } | undefined;
  /** Set while a worker is missing: ringing would wait for it forever. */
  #missingWorker: Error | undefined;

  constructor(readonly control: ControlBlock) {}

  /** True from ring() until its promise settles. */
  get inFlight(): boolean {
    return this.#inFlight !== undefined;
  }

  /** Wakes every worker to run the job in the descriptor (`COMMAND_RUN`) or take the message
   * posted on its port (`COMMAND_MESSAGE`), and resolves when all of them have finished, or
   * rejects with the error given to fail().
   *
   * The command is written with the job and stays until the next ring: a worker woken late
   * reads it after ring() has settled (a crash elsewhere rejects ring() at once), and a command
   * put back to "run" there sent a survivor of a crashed broadcast to the last job instead of
   * its message, which stayed on its port for the next broadcast to misread. */
  async ring(workers: number, command: 'COMMAND_RUN' | 'COMMAND_MESSAGE' = 'COMMAND_RUN'): Promise<void> {
    if (this.#missingWorker) throw this.#missingWorker;
    const { layout, words } = this.control;
    const cancelled = { value: false };
    const failure = new Promise<never>((_, reject) => {
      this.#inFlight = { fail: reject };
    });
    try {
      this.control.store(layout.COMMAND, layout[command]);
      this.control.store(layout.PENDING, workers);
      Atomics.add(words, layout.JOB_SEQ >> 2, 1);
      Atomics.notify(words, layout.JOB_SEQ >> 2);
      if (!spinUntilZero(words, layout.PENDING >> 2)) {
        await Promise.race([waitForZero(words, layout.PENDING >> 2, cancelled), failure]);
      }
    } finally {
      cancelled.value = true;
      this.#inFlight = undefined;
    }
  }

  /** A worker died: the job in flight, and every ring until restored(), reject with `error`. */
  fail(error: Error): void {
    this.#missingWorker = error;
    this.#inFlight?.fail(error);
  }

  /** Every worker is alive again. */
  restored(): void {
    this.#missingWorker = undefined;
  }
}

const SPIN_MS = 0.05;
// waitAsync re-checks the counter at least this often, so that a lost wake-up would cost
// 20 ms, never a hang, and the waiter of a job abandoned after a crash sees that it was
// cancelled and goes away. (The one stall of the bare doorbell experiment, and the pool's
// rare hang, were not lost wake-ups: a late notify made a worker run a job twice and count
// PENDING below 0; see nextJob in worker.ts.)
const RECHECK_MS = 20;

function spinUntilZero(words: Int32Array, index: number): boolean {
  const until = performance.now() + SPIN_MS;
  while (Atomics.load(words, index) !== 0) {
    if (performance.now() > until) return false;
  }
  return true;
}

// Atomics.waitAsync is missing in Firefox before 145 and Safari before 16.4: there the pool
// polls, every POLL_MS (a timer's least delay in a page is about 4 ms once timers nest).
const canWaitAsync = typeof (Atomics as { waitAsync?: unknown }).waitAsync === 'function';
const POLL_MS = 1;

async function waitForZero(words: Int32Array, index: number, cancelled: { value: boolean }): Promise<void> {
  for (;;) {
    const value = Atomics.load(words, index);
    if (value === 0 || cancelled.value) return;
    if (!canWaitAsync) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      continue;
    }
    const wait = Atomics.waitAsync(words, index, value, RECHECK_MS);
    if (wait.async) await wait.value;
  }
}
