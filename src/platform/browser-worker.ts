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

const filesAreNodeOnly = (): never => {
  throw new Error('files are Node-only');
};

// The first message is the worker's data. A callback, not a top-level await: the file must
// also be a classic script, as webpack copies it as an asset and minifies it as one.
scope.onmessage = ({ data }) => {
  scope.onmessage = null;
  start(data);
};

// A crash is said, then the worker closes itself: a Web Worker outlives an uncaught error.
function start(data: BrowserWorkerData): void {
  const hostname = scope.location.hostname;
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
}
