// The experiment behind src/pool/doorbell.ts: how should the main thread learn that every
// worker has finished? Both variants wake the workers the same way (Atomics.notify on a
// shared sequence number); they differ only in how completion comes back.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { measure, printTable, type Row } from '../measure.js';
import type { SuiteOptions } from '../options.js';

type Mode = 'waitAsync' | 'message' | 'spin, then waitAsync' | 'spin, then message';
const MODES: Mode[] = ['waitAsync', 'message', 'spin, then waitAsync', 'spin, then message'];
// How long the main thread polls PENDING before it falls back to the mechanism.
const SPIN_MS = 0.05;

export async function completion({ workers, timeMs }: SuiteOptions): Promise<void> {
  for (const count of workers) {
    const doorbells = await Promise.all(MODES.map((mode) => startDoorbell(count, mode)));
    const rows = await measure(
      doorbells.map((doorbell) => ({
        name: `completion by ${doorbell.mode}, ${count} workers`,
        fn: doorbell.ring,
      })),
      timeMs,
    );
    await Promise.all(doorbells.map((doorbell) => doorbell.stop()));
    const fastest = Math.min(...rows.map((row) => row.medianMs));
    printTable(`Completion mechanism, empty job, ${count} workers`, rows, {
      'vs fastest': (row: Row) => `${(row.medianMs / fastest).toFixed(2)}×`,
    });
  }
}

async function startDoorbell(count: number, mode: Mode) {
  const words = new Int32Array(new SharedArrayBuffer(128));
  const entry = new URL('../bench/fixtures/doorbell-worker.mjs', import.meta.url);
  const byMessage = mode.endsWith('message');
  const spin = mode.startsWith('spin');
  const threads = Array.from(
    { length: count },
    () => new Worker(entry, { workerData: { words, mode: byMessage ? 'message' : 'notify' } }),
  );
  await Promise.all(threads.map((thread) => once(thread, 'message'))); // parked and ready
  let done: (() => void) | undefined;
  for (const thread of threads) thread.on('message', () => done?.());
  const ring = async (): Promise<void> => {
    Atomics.store(words, 16, count);
    const finished = byMessage ? new Promise<void>((resolve) => (done = resolve)) : undefined;
    Atomics.add(words, 0, 1);
    Atomics.notify(words, 0);
    if (spin) {
      const until = performance.now() + SPIN_MS;
      while (Atomics.load(words, 16) !== 0 && performance.now() < until);
    }
    if (finished) return finished;
    for (let pending = Atomics.load(words, 16); pending !== 0; pending = Atomics.load(words, 16)) {
      const wait = Atomics.waitAsync(words, 16, pending, 20); // bounded, as in src/pool/doorbell.ts
      if (wait.async) await wait.value;
    }
  };
  const stop = async (): Promise<void> => {
    Atomics.store(words, 0, -1);
    Atomics.notify(words, 0);
    await Promise.all(threads.map((thread) => once(thread, 'exit')));
  };
  return { mode, ring, stop };
}
