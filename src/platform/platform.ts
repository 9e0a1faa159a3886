// The seam between the one pool (src/pool, src/memory, src/schedule, src/engine) and the
// runtime it runs on: Node's worker_threads and files (node.ts) or a page's Web Workers and
// fetch (browser.ts). Nothing outside src/platform/ imports node: modules on the pool's path.
import type { LibraryMessage } from '../engine/library-message.js';
import type { Layout } from '../memory/layout.js';

/** What the pool does with the runtime, on the calling thread. */
export interface Platform {
  /** The worker entry of this build, written as a literal `new URL('./x.js', import.meta.url)`
   * where it is defined so that bundlers find it. */
  readonly workerEntry: URL;
  /** createPool's `maxMemory` when the caller gives none. */
  readonly defaultMaxMemory: number;
  /** Whether workers can read files (wordCount `{ files }`). */
  readonly readsFiles: boolean;
  /** Throws a clear Error where workers cannot share a memory (a page that is not
   * cross-origin isolated), before any worker starts. */
  checkSharedMemory(): void;
  /** Cores the workers may use: createPool's default `workers`. */
  availableCores(): number;
  /** Starts the worker of rank `data.rank`. Once it is ready, its death is reported to
   * `onExit`, once, with its exit code and the error it threw, if any. */
  spawnWorker(entry: URL, data: SpawnData, onExit: OnWorkerExit): StartingWorker;
  /** The bytes at a URL (parwasm's own wasm, a library's module). */
  readonly readBytes: (url: URL) => Promise<Uint8Array<ArrayBuffer>>;
  /** A string naming a library for pool.load as a URL: a path on Node, relative to the page
   * in a browser; an absolute URL as it is. */
  sourceUrl(source: string): URL;
  /** Lets `WebAssembly.Module.imports/exports` describe types, where the engine can (V8's
   * flag, set from Node); elsewhere the engine finds them by trying. */
  enableTypeReflection(): void;
}

export type OnWorkerExit = (handle: WorkerHandle, exitCode: number, error: Error | undefined) => void;

/** What the pool gives a worker it starts. */
export interface SpawnData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  rank: number;
  /** This worker's generation: it leaves as soon as its rank's generation word in the control
   * block holds another (it was replaced while a terminate could not stop it). */
  generation: number;
  /** The pool's `performance.timeOrigin`, so that `now()` in the worker reads the pool's clock. */
  timeOrigin: number;
  /** The libraries loaded on the pool so far, for a worker that starts after them. */
  libraries: LibraryMessage[];
}

/** A running worker, as the pool controls it. */
export interface Thread {
  /** Stops it; resolves once it is stopped (or, in a browser, once it was told to stop). */
  terminate(): Promise<unknown>;
  /** Whether it keeps the process alive (Node); nothing in a browser. */
  ref(): void;
  unref(): void;
  /** Resolves when it has exited, however it ended. */
  readonly exited: Promise<void>;
}

export interface WorkerHandle {
  readonly rank: number;
  readonly worker: Thread;
  readonly threadId: number;
  readonly hostname: string;
  /** Where the pool posts library messages; the worker takes them when told to. */
  readonly port: { postMessage(message: LibraryMessage): void };
}

export interface StartingWorker {
  readonly worker: Thread;
  /** Resolves once the worker has instantiated the module and said it is ready; rejects with
   * a WorkerCrashError if it exits first. */
  readonly ready: Promise<WorkerHandle>;
}

/** What a worker says once it is ready. */
export interface ReadyMessage {
  threadId: number;
  hostname: string;
}

/** What the worker loop (src/pool/worker.ts) gets from the runtime it runs on. */
export interface WorkerHost {
  readonly data: SpawnData;
  readonly threadId: number;
  readonly hostname: string;
  /** Tells the pool the worker is ready. */
  ready(): void;
  /** The library message the pool posted before ringing COMMAND_MESSAGE. */
  receive(): Promise<LibraryMessage>;
  /** The STAT_FILES and READ_FILES kernels: files [lo, hi) of the job's file table (Node only). */
  statFiles(memory: WebAssembly.Memory, layout: Layout, lo: number, hi: number): void;
  readFiles(memory: WebAssembly.Memory, layout: Layout, lo: number, hi: number): void;
  /** The loop has ended: let the thread end. */
  exit(): void;
}
