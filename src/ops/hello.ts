// hello: the first exercise of a parallel course. Every worker runs the hello kernel on its
// own index of [0, size) (the static schedule gives worker r index r) and writes its rank and
// thread id there, so each reply is written by the worker it describes.
import { parallelFor } from '../schedule/parallel-for.js';
import type { Executor } from '../engine/executor.js';

/** One worker's greeting. */
export interface HelloReply {
  /** The worker's index in the pool, from 0 to size - 1. */
  rank: number;
  /** Number of workers in the pool. */
  size: number;
  /** The worker's `threadId` (node:worker_threads; in a browser, a number the page gives each worker it starts). */
  threadId: number;
  /** The host the worker runs on. */
  hostname: string;
}

/** Says hello from every worker: one reply per worker, by rank. */
export function hello(executor: Executor): Promise<HelloReply[]> {
  return executor.enqueue(async (turn) => {
    const { arena, control, poolSize: size } = turn;
    const replies = arena.alloc(size * 8);
    await parallelFor(
      turn,
      { kernel: control.layout.KERNEL_HELLO, n: size, i32: { HELLO_OUT: replies } },
      { schedule: 'static', chunk: undefined, signal: undefined, trace: false, workers: size, onProgress: undefined },
    );
    const words = arena.i32(replies, size * 2);
    return Array.from({ length: size }, (_, index) => {
      const rank = words[2 * index]!;
      return { rank, size, threadId: words[2 * index + 1]!, hostname: turn.workers[rank]!.hostname };
    });
  });
}
