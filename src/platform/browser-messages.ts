// What the page and a browser worker (browser.ts, browser-worker.ts) say to each other.
import type { LibraryMessage } from '../engine/library-message.js';
import type { ReadyMessage, SpawnData } from './platform.js';

/** The worker's end of the page's MessageChannel (typed here: the library is checked without
 * the DOM lib). */
export interface WorkerPort {
  onmessage: ((event: { data: LibraryMessage }) => void) | null;
}

/** What a browser worker gets in its first message. */
export interface BrowserWorkerData extends SpawnData {
  /** Where library messages arrive (posted before the doorbell rings COMMAND_MESSAGE). */
  port: WorkerPort;
  /** A page-wide number for this worker (a Web Worker has no thread id). */
  threadId: number;
}

/** What a browser worker posts to the page. */
export type BrowserWorkerMessage =
  ({ type: 'ready' } & ReadyMessage) | { type: 'exit' } | { type: 'crash'; name: string; message: string };

/** The library messages of a browser worker's port, taken one at a time. */
export function messageQueue(port: WorkerPort): () => Promise<LibraryMessage> {
  const arrived: LibraryMessage[] = [];
  const waiting: ((message: LibraryMessage) => void)[] = [];
  port.onmessage = ({ data }) => {
    const taker = waiting.shift();
    if (taker) taker(data);
    else arrived.push(data);
  };
  return () => {
    const message = arrived.shift();
    return message ? Promise.resolve(message) : new Promise((resolve) => waiting.push(resolve));
  };
}
