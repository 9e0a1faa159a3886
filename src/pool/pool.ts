// The pool: worker threads that share one WebAssembly.Memory and run one operation at a
// time, in the order the calls were made.
import { AbortError, PoolClosedError, typeError, WorkerCrashError } from '../errors.js';
import { SharedArena } from '../memory/arena.js';
import { ControlBlock } from '../memory/control-block.js';
import { readLayout } from '../memory/layout.js';
import { instantiate, kernelModule, PAGE_BYTES } from '../memory/module.js';
import { Regions } from '../memory/regions.js';
import { Allocations } from '../engine/allocations.js';
import { operation, type Executor, type OperationLimits, type Turn } from '../engine/executor.js';
import { loadBuiltins, type Builtins } from '../ops/builtins.js';
import { hello, type HelloReply } from '../ops/hello.js';
import { matmul, type Matrix, type MatmulOptions, type MatmulResult } from '../ops/matmul.js';
import { wordCount, type WordCountInput, type WordCountOptions, type WordCountResult } from '../ops/wordcount.js';
import { mandelbrot, type MandelbrotOptions, type MandelbrotResult } from '../ops/mandelbrot.js';
import { loadLibrary, type LoadContext } from '../engine/load.js';
import type { Library } from '../engine/library.js';
import type {
  Kernel,
  KernelArray,
  KernelArrayConstructor,
  KernelLibrary,
  LibrarySource,
  LoadOptions,
  ParallelForOptions,
  ParallelForResult,
} from '../engine/types.js';
import { runParallelFor, validateParallelFor } from '../engine/parallel-for.js';
import { Doorbell } from './doorbell.js';
import { validatePoolOptions, type PoolOptions } from './options.js';
import type { LibraryMessage } from '../engine/library-message.js';
import type { Platform, Thread, WorkerHandle } from '../platform/platform.js';

// How long close() lets workers leave their loop before terminating them.
const STOP_GRACE_MS = 2000;

interface QueuedCall {
  start(turn: Turn): Promise<void>;
  cancel(error: Error): void;
}

/** @internal Starts a pool of workers that share one WebAssembly.Memory on `platform`
 * (createPool of Node and of the browser). Resolves once every worker has instantiated the
 * kernels on it. */
export async function startPool(options: PoolOptions | undefined, platform: Platform): Promise<Pool> {
  const { module, initialPages, maxWorkers } = await kernelModule(platform.readBytes);
  const { workers, maxMemoryPages } = validatePoolOptions(options, maxWorkers, {
    cores: platform.availableCores(),
    maxMemory: platform.defaultMaxMemory,
  });
  platform.checkSharedMemory();
  const memory = new WebAssembly.Memory({ initial: initialPages, maximum: maxMemoryPages, shared: true });
  // The calling thread's own instance: the pool reads the layout from it, and operations too
  // small to be worth waking the workers for run on it.
  const table = new WebAssembly.Table({ element: 'anyfunc', initial: 1 });
  const runtime = instantiate(module, memory, table, { now: () => performance.now() });
  const pool = new Pool(workers, { module, memory, layout: readLayout(runtime), platform, maxMemoryPages });
  await pool.start();
  return pool;
}

/** The local Executor: worker threads that share one WebAssembly.Memory. */
export class Pool implements Executor {
  /** Number of worker threads. */
  readonly size: number;
  readonly #module: WebAssembly.Module;
  readonly #memory: WebAssembly.Memory;
  /** parwasm's own kernels, a library on this pool's memory; loaded by start(). */
  #builtins: Builtins | undefined;
  readonly #control: ControlBlock;
  readonly #arena: SharedArena;
  /** The arrays of pool.alloc, on the same regions of the memory as the arena's. */
  readonly #arrays: Allocations;
  readonly #doorbell: Doorbell;
  readonly #platform: Platform;
  readonly #workers: (WorkerHandle | undefined)[];
  readonly #queue: QueuedCall[] = [];
  #pumping: Promise<void> | undefined;
  /** Settles when every worker that died has been replaced; never rejects. */
  #recovery: Promise<void> = Promise.resolve();
  /** Set when a replacement worker failed to start: the pool can run nothing more. */
  #broken: Error | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;
  /** Loaded libraries by id, and the function-table slots their adapters hold. */
  readonly #libraries = new Map<number, Library>();
  readonly #usedSlots = new Set<number>();
  #nextLibraryId = 1;
  /** What kernel libraries see of this pool. */
  readonly #host: LoadContext;

  /** @internal Use createPool(). */
  constructor(size: number, parts: PoolParts) {
    this.size = size;
    this.#module = parts.module;
    this.#memory = parts.memory;
    this.#platform = parts.platform;
    this.#control = new ControlBlock(parts.memory, parts.layout);
    const regions = new Regions(parts.memory, parts.layout.HEAP_BASE, parts.maxMemoryPages * PAGE_BYTES);
    this.#arrays = new Allocations(parts.memory, regions, "the pool's");
    this.#arena = new SharedArena(parts.memory, regions, () => this.#arrays.liveBytes);
    this.#doorbell = new Doorbell(this.#control);
    this.#workers = new Array<WorkerHandle | undefined>(size).fill(undefined);
    this.#host = this.#libraryHost();
  }

  /** @internal Starts every worker; on any failure stops the others and rejects. */
  async start(): Promise<void> {
    this.#builtins = await loadBuiltins(this.#memory, this.#arrays, this.#host);
    const starting = Array.from({ length: this.size }, (_, rank) => this.#spawn(rank));
    try {
      const handles = await Promise.all(starting.map((worker) => worker.ready));
      for (const handle of handles) this.#workers[handle.rank] = handle;
      this.#setRef(false);
    } catch (error) {
      this.#closed = true;
      await Promise.all(starting.map(({ worker }) => worker.terminate()));
      throw error;
    }
  }

  /** Says hello from every worker: one reply per worker, by rank. */
  hello(): Promise<HelloReply[]> {
    return hello(this);
  }

  /** Escape counts of the Mandelbrot set over a view: `mandelbrot(pool, options)`. */
  mandelbrot(options: MandelbrotOptions): Promise<MandelbrotResult> {
    return mandelbrot(this, options);
  }

  /** C = A·B: `matmul(pool, a, b, options)`. */
  matmul<D extends Float64Array | Float32Array>(
    a: Matrix<D>,
    b: Matrix<D>,
    options?: MatmulOptions<D>,
  ): Promise<MatmulResult<D>> {
    return matmul(this, a, b, options);
  }

  /** Counts the words of documents or files: `wordCount(pool, input, options)`. A file the
   * workers cannot read rejects the call with a FileReadError. */
  wordCount(input: WordCountInput, options?: WordCountOptions): Promise<WordCountResult> {
    if (!this.#platform.readsFiles && !Array.isArray(input) && typeof input === 'object' && input !== null) {
      return Promise.reject(typeError('input', 'an array of strings here: files are Node-only', input));
    }
    return wordCount(this, input, options);
  }

  /** A typed array of `length` elements in the pool's shared memory, zero-filled, that
   * operations read and write in place, with no copy: a matrix's `data` for `matmul`, and
   * `options.out` of `matmul` and `mandelbrot`. Valid until `pool.free(array)`. */
  alloc<T extends KernelArray>(type: KernelArrayConstructor<T>, length: number): T {
    if (this.#closed) throw new PoolClosedError();
    return this.#arrays.alloc(type, length);
  }

  /** Gives an array from `pool.alloc` back. Free it only once no call that uses it is
   * pending; passing it to an operation afterwards is a ValidationError. */
  free(array: KernelArray): void {
    this.#arrays.free(array, 'an array from alloc of this pool, not freed yet');
  }

  /** Loads a kernel library on every worker: a wasm module that imports a shared
   * `env.memory` (from AssemblyScript, C, Rust...), or an ES module of JavaScript functions.
   * `source` is a path or URL (`.wasm`, or `.mjs` / `.js` for JavaScript), the bytes of a
   * wasm module, or a compiled `WebAssembly.Module`. */
  load(source: LibrarySource, options?: LoadOptions): Promise<KernelLibrary> {
    if (this.#closed) return Promise.reject(new PoolClosedError());
    return loadLibrary(source, options, this.#host);
  }

  /** Runs a library kernel over the indices [0, n) with a schedule: each chunk [lo, hi) is one
   * call of a range kernel, or hi - lo calls of a per-index kernel. Default schedule
   * `dynamic`, chunk as for every operation (about 64 claims per worker). */
  parallelFor(n: number, kernel: Kernel, options?: ParallelForOptions): Promise<ParallelForResult> {
    return operation(
      this,
      () => validateParallelFor(n, kernel, options, { size: this.size, host: this.#host }),
      runParallelFor,
    );
  }

  /** @internal What operations check their input against. */
  get limits(): OperationLimits {
    return {
      poolSize: this.size,
      capacity: this.#arena.capacity,
      layout: this.#control.layout,
      builtins: this.#builtins!.constants,
      locate: (array, path) => this.#locate(array, path),
    };
  }

  /** An array's byte offset in the pool's memory if it is one of pool.alloc's, undefined if
   * it is an ordinary array; a ValidationError for a freed one or one of another memory of
   * parwasm's (a kernel library's, another pool's), which would be copied unnoticed. */
  #locate(array: ArrayBufferView, path: string): number | undefined {
    const owner = Allocations.ownerOf(array.buffer);
    if (owner === undefined && array.buffer !== this.#memory.buffer) return undefined;
    if (owner !== undefined && owner !== this.#arrays) {
      throw typeError(
        path,
        "an ordinary typed array or one from this pool's alloc, not an array of a kernel library's or another pool's memory",
        array,
      );
    }
    return this.#arrays.offsetOf(array, path);
  }

  /** Rejects the calls still queued with PoolClosedError, lets the running one settle, then
   * stops the workers. Idempotent; once it resolves the process can exit on its own. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /** `await using pool = await createPool()` closes the pool at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** @internal Queues `task` to run with the whole pool to itself, after every earlier call.
   * It rejects with PoolClosedError if the pool closes first and with AbortError if `signal`
   * aborts while it waits. */
  enqueue<T>(task: (turn: Turn) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.#closed) return Promise.reject(new PoolClosedError());
    if (signal?.aborted) return Promise.reject(new AbortError(signal.reason));
    return new Promise<T>((resolve, reject) => {
      const abortWhileQueued = (): void => {
        const index = this.#queue.indexOf(call);
        if (index < 0) return; // already running: the run itself sees the abort
        this.#queue.splice(index, 1);
        call.cancel(new AbortError(signal?.reason));
      };
      const call = {
        async start(turn: Turn): Promise<void> {
          signal?.removeEventListener('abort', abortWhileQueued);
          let settle: () => void;
          try {
            const value = await task(turn);
            settle = () => resolve(value);
          } catch (error) {
            settle = () => reject(error);
          }
          // Before the caller resumes: what it allocates next can reuse the operation's regions.
          turn.arena.reset();
          settle();
        },
        cancel(error: Error): void {
          signal?.removeEventListener('abort', abortWhileQueued);
          reject(error);
        },
      };
      signal?.addEventListener('abort', abortWhileQueued);
      this.#queue.push(call);
      this.#pumping ??= this.#pump();
    });
  }

  /** @internal The thread of worker `rank`, for tests that kill it. */
  workerThread(rank: number): Thread | undefined {
    return this.#workers[rank]?.worker;
  }

  /** Runs queued calls one at a time until the queue is empty. */
  async #pump(): Promise<void> {
    for (let call = this.#queue.shift(); call; call = this.#queue.shift()) {
      // A call taken off the queue is running: close() only cancels the ones still queued.
      await this.#recovered();
      if (this.#broken) call.cancel(this.#broken);
      else await this.#runTurn(call);
    }
    this.#pumping = undefined;
  }

  /** Waits until no replacement is pending, including those of workers that die meanwhile. */
  async #recovered(): Promise<void> {
    for (let recovery = this.#recovery; ; recovery = this.#recovery) {
      await recovery;
      if (recovery === this.#recovery) return;
    }
  }

  async #runTurn(call: QueuedCall): Promise<void> {
    // Referenced workers keep the process alive while an operation runs, so that a
    // top-level `await pool.op()` cannot end with the event loop empty.
    this.#setRef(true);
    try {
      await call.start({
        control: this.#control,
        doorbell: this.#doorbell,
        arena: this.#arena,
        poolSize: this.size,
        builtins: this.#builtins!,
        // Every rank has a live worker here: a turn starts only after recovery. (A worker that
        // dies during the turn makes the doorbell refuse to ring until it is replaced.)
        workers: this.#workers as WorkerHandle[],
      });
    } finally {
      this.#setRef(false);
    }
  }

  async #shutdown(): Promise<void> {
    this.#closed = true;
    for (const call of this.#queue.splice(0)) call.cancel(new PoolClosedError());
    await this.#pumping;
    await this.#recovered();
    const { layout, words } = this.#control;
    const running = this.#workers.filter((worker) => worker !== undefined);
    const exited = running.map(({ worker }) => worker.exited);
    this.#setRef(true);
    this.#control.store(layout.COMMAND, layout.COMMAND_STOP);
    Atomics.add(words, layout.JOB_SEQ >> 2, 1);
    Atomics.notify(words, layout.JOB_SEQ >> 2);
    const grace = setTimeout(() => running.forEach(({ worker }) => void worker.terminate()), STOP_GRACE_MS);
    await Promise.all(exited);
    clearTimeout(grace);
  }

  #libraryHost(): LoadContext {
    return {
      size: this.size,
      layout: this.#control.layout,
      takeSlots: (count) => {
        const slots: number[] = [];
        for (let slot = 0; slots.length < count; slot++) {
          if (!this.#usedSlots.has(slot)) slots.push(slot);
        }
        for (const slot of slots) this.#usedSlots.add(slot);
        return slots;
      },
      platform: this.#platform,
      nextLibraryId: () => this.#nextLibraryId++,
      register: (library) => this.#libraries.set(library.id, library),
      release: (library) => {
        this.#libraries.delete(library.id);
        for (const { rangeSlot, indexSlot } of library.kernels.values()) {
          if (rangeSlot !== undefined) this.#usedSlots.delete(rangeSlot);
          if (indexSlot !== undefined) this.#usedSlots.delete(indexSlot);
        }
      },
      broadcast: (message) => this.enqueue(() => this.#broadcast(message)),
    };
  }

  /** Gives every worker its message and waits until all have applied it. */
  async #broadcast(message: (rank: number) => LibraryMessage): Promise<void> {
    const { layout } = this.#control;
    for (const handle of this.#workers) handle!.port.postMessage(message(handle!.rank));
    this.#control.store(layout.ERROR_RANK, 0);
    await this.#doorbell.ring(this.size, 'COMMAND_MESSAGE');
    if (this.#control.load(layout.ERROR_RANK) !== 0) {
      const length = this.#control.load(layout.ERROR_TEXT_LENGTH);
      throw new Error(new TextDecoder().decode(new Uint8Array(this.#memory.buffer, layout.ERROR_TEXT, length).slice()));
    }
  }

  /** Starts a worker of rank `rank`, of a new generation: one that was replaced there leaves
   * at its next wake if it is still running. */
  #spawn(rank: number) {
    const { words, layout } = this.#control;
    const generation = Atomics.add(words, (this.#control.telemetrySlot(rank) + layout.T_GENERATION) >> 2, 1) + 1;
    const libraries = [...this.#libraries.values()].map((library) => library.message(rank));
    const data = {
      module: this.#module,
      memory: this.#memory,
      rank,
      generation,
      timeOrigin: performance.timeOrigin,
      libraries,
    };
    return this.#platform.spawnWorker(this.#platform.workerEntry, data, (handle, exitCode, error) =>
      this.#onExit(handle, exitCode, error),
    );
  }

  /** A worker died. If a job was running, that job rejects at once with WorkerCrashError and
   * the others are told to stop at their next chunk; until the worker is replaced, any job the
   * running operation tries to start rejects the same way. It is replaced after the survivors
   * have left the aborted job, before the next call runs. */
  #onExit(handle: WorkerHandle, exitCode: number, error: Error | undefined): void {
    if (this.#workers[handle.rank] !== handle) return;
    this.#workers[handle.rank] = undefined;
    const { layout } = this.#control;
    const abandonedJob = this.#doorbell.inFlight ? this.#control.load(layout.JOB_SEQ) : undefined;
    if (abandonedJob !== undefined) this.#control.store(layout.ABORT, 1);
    const detail = error ? `crashed: ${error.name}: ${error.message}` : 'exited';
    this.#doorbell.fail(new WorkerCrashError(handle.rank, exitCode, detail, error));
    if (this.#closed) return;
    this.#recovery = this.#recovery.then(() => this.#replace(handle.rank, abandonedJob));
  }

  async #replace(rank: number, abandonedJob: number | undefined): Promise<void> {
    if (abandonedJob !== undefined) await this.#survivorsLeft(abandonedJob);
    const { ready } = this.#spawn(rank);
    try {
      this.#workers[rank] = await ready;
      if (this.#workers.every((worker) => worker !== undefined)) this.#doorbell.restored();
      this.#setRef(this.#pumping !== undefined);
    } catch (error) {
      this.#broken = error as Error;
    }
  }

  /** Resolves once every live worker has finished job `seq`. Polled: it only runs after a
   * crash, and the survivors stop within a chunk because ABORT is set. */
  async #survivorsLeft(seq: number): Promise<void> {
    const { layout } = this.#control;
    const finished = (handle: WorkerHandle | undefined): boolean =>
      handle === undefined || this.#control.load(this.#control.telemetrySlot(handle.rank) + layout.T_DONE_SEQ) === seq;
    while (!this.#workers.every(finished)) await new Promise((resolve) => setTimeout(resolve, 1));
  }

  #setRef(referenced: boolean): void {
    for (const handle of this.#workers) {
      if (referenced) handle?.worker.ref();
      else handle?.worker.unref();
    }
  }
}

interface PoolParts {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  layout: ControlBlock['layout'];
  platform: Platform;
  maxMemoryPages: number;
}
