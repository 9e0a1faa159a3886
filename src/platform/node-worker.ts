// The entry point of every worker thread on Node (built as dist/worker.js): the worker loop of
// src/pool/worker.ts on worker_threads, reading files for wordCount `{ files }`.
import { hostname } from 'node:os';
import { parentPort, receiveMessageOnPort, threadId, workerData, type MessagePort } from 'node:worker_threads';
import type { LibraryMessage } from '../engine/library-message.js';
import { readFiles, statFiles } from '../ops/read-files.js';
import { runWorker } from '../pool/worker.js';
import type { ReadyMessage, SpawnData } from './platform.js';

export interface NodeWorkerData extends SpawnData {
  /** Where library messages arrive (posted before the doorbell rings COMMAND_MESSAGE). */
  port: MessagePort;
}

const data = workerData as NodeWorkerData;

await runWorker({
  data,
  threadId,
  hostname: hostname(),
  ready: () => parentPort!.postMessage({ threadId, hostname: hostname() } satisfies ReadyMessage),
  // The message is posted before the doorbell rings but may take a moment to arrive; this
  // thread runs no event loop between jobs, so it takes the message from the port itself.
  async receive() {
    for (;;) {
      const received = receiveMessageOnPort(data.port);
      if (received) return received.message as LibraryMessage;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  },
  statFiles,
  readFiles,
  // The loop has ended and nothing else keeps the thread alive: it ends by itself.
  exit: () => undefined,
});
