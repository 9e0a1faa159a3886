// The platform in a web page: Web Workers, fetch, the page's cores. The pool's memory can be
// posted to a worker only in a cross-origin isolated page (COOP + COEP headers).
import { WorkerCrashError } from '../errors.js';
import { fetchBytes } from './fetch-bytes.js';
import type { BrowserWorkerData, BrowserWorkerMessage, WorkerPort } from './browser-messages.js';
import type { OnWorkerExit, Platform, SpawnData, StartingWorker, WorkerHandle } from './platform.js';

/** The parts of the DOM this file uses (the library is type-checked without the DOM lib). */
interface WebWorker {
  postMessage(message: unknown, transfer: unknown[]): void;
  terminate(): void;
  addEventListener(type: 'message', listener: (event: { data: BrowserWorkerMessage }) => void): void;
  addEventListener(type: 'error', listener: (event: { message?: string; preventDefault(): void }) => void): void;
}
interface Web {
  Worker: new (url: URL, options: { type: 'module' }) => WebWorker;
  /** port2 is posted to the worker, which sees it as a WorkerPort. */
  MessageChannel: new () => { port1: WorkerHandle['port'] & { close(): void }; port2: WorkerPort };
  crossOriginIsolated?: boolean;
  location: { href: string };
  navigator: { hardwareConcurrency?: number };
}
const web = globalThis as unknown as Web;

// iOS Safari fails to create a shared memory whose maximum is 2 GiB ("Out of memory"), and
// users report that about 600 MB or less works; 512 MiB is below every working report
// (docs/browser.md gives them). A page that needs more passes maxMemory.
const BROWSER_MAX_MEMORY = 2 ** 29;
// navigator.hardwareConcurrency is missing in some privacy modes.
const FALLBACK_CORES = 4;

let nextThreadId = 1;

export const browserPlatform: Platform = {
  workerEntry: new URL('./browser-worker.js', import.meta.url),
  defaultMaxMemory: BROWSER_MAX_MEMORY,
  readsFiles: false,
  checkSharedMemory() {
    if (web.crossOriginIsolated === true) return;
    throw new Error(
      'parwasm/browser needs a cross-origin isolated page to share memory with its workers ' +
        '(crossOriginIsolated is false): serve the page with the headers ' +
        '"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp" ' +
        '(docs/browser.md: common hosts, and a service worker for hosts that cannot set headers)',
    );
  },
  availableCores: () => web.navigator.hardwareConcurrency ?? FALLBACK_CORES,
  spawnWorker,
  readBytes: fetchBytes,
  sourceUrl: (source) => new URL(source, web.location.href),
  enableTypeReflection: () => undefined,
};

/** A Web Worker ends when it leaves its loop (it says so), crashes (it says so, or an
 * uncaught error reaches the page: a Web Worker survives those, so it is terminated), or is
 * terminated; each is reported once. */
function spawnWorker(entry: URL, data: SpawnData, onExit: OnWorkerExit): StartingWorker {
  const worker = new web.Worker(entry, { type: 'module' });
  const channel = new web.MessageChannel();
  const threadId = nextThreadId++;
  let ended: ((exitCode: number, error: Error | undefined) => void) | undefined;
  let markExited!: () => void;
  const exited = new Promise<void>((resolve) => (markExited = resolve));
  const end = (exitCode: number, error?: Error): void => {
    if (ended === undefined) return;
    const report = ended;
    ended = undefined;
    worker.terminate();
    channel.port1.close();
    markExited();
    report(exitCode, error);
  };
  const thread = {
    terminate: () => Promise.resolve(end(1)),
    ref: () => undefined,
    unref: () => undefined,
    exited,
  };
  const ready = new Promise<WorkerHandle>((resolve, reject) => {
    ended = (exitCode, error) =>
      reject(new WorkerCrashError(data.rank, exitCode, `failed to start${error ? `: ${error.message}` : ''}`, error));
    worker.addEventListener('message', ({ data: message }) => {
      if (message.type === 'exit') end(0);
      else if (message.type === 'crash') end(1, Object.assign(new Error(message.message), { name: message.name }));
      else if (ended !== undefined) {
        const handle = { rank: data.rank, worker: thread, threadId, hostname: message.hostname, port: channel.port1 };
        ended = (exitCode, error) => onExit(handle, exitCode, error);
        resolve(handle);
      }
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      end(1, new Error(event.message ?? 'an uncaught error in the worker'));
    });
  });
  const first: BrowserWorkerData = { ...data, port: channel.port2, threadId };
  worker.postMessage(first, [channel.port2]);
  return { worker: thread, ready };
}
