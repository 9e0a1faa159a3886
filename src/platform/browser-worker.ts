// The entry point of every worker in a browser (built as dist/browser-worker.js): the worker
// loop of src/pool/worker.ts in a module Web Worker. Its first message is its data.
import { runWorker } from '../pool/worker.js';
import { messageQueue, type BrowserWorkerData, type BrowserWorkerMessage } from './browser-messages.js';

interface WorkerScope {
  onmessage: ((event: { data: BrowserWorkerData }) => void) | null;
  postMessage(message: BrowserWorkerMessage): void;
  close(): void;
  location: { hostname: string };
}
const scope = globalThis as unknown as WorkerScope;

const data = await new Promise<BrowserWorkerData>((resolve) => {
  scope.onmessage = (event) => resolve(event.data);
});
scope.onmessage = null;
const hostname = scope.location.hostname;
const filesAreNodeOnly = (): never => {
  throw new Error('files are Node-only');
};

// A crash is said, then the worker closes itself: the page would not see a rejected top-level
// await, and a Web Worker outlives an uncaught error.
runWorker({
  data,
  threadId: data.threadId,
  hostname,
  ready: () => scope.postMessage({ type: 'ready', threadId: data.threadId, hostname }),
  receive: messageQueue(data.port),
  statFiles: filesAreNodeOnly,
  readFiles: filesAreNodeOnly,
  exit() {
    scope.postMessage({ type: 'exit' });
    scope.close();
  },
}).catch((error: unknown) => {
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  scope.postMessage({ type: 'crash', name, message });
  scope.close();
});
