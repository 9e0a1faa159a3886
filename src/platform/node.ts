// The platform on Node: worker_threads, the file system, the machine's cores.
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { MessageChannel, Worker } from 'node:worker_threads';
import { WorkerCrashError } from '../errors.js';
import { fetchBytes } from './fetch-bytes.js';
import { workerExecArgv } from './node-exec-argv.js';
import type { NodeWorkerData } from './node-worker.js';
import type { OnWorkerExit, Platform, ReadyMessage, SpawnData, StartingWorker, WorkerHandle } from './platform.js';

export const nodePlatform: Platform = {
  workerEntry: new URL('./worker.js', import.meta.url),
  defaultMaxMemory: 2 ** 31,
  readsFiles: true,
  checkSharedMemory: () => undefined,
  availableCores: () => availableParallelism(),
  spawnWorker,
  async readBytes(url) {
    if (url.protocol !== 'file:') return fetchBytes(url);
    const file = await readFile(url);
    return new Uint8Array(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength));
  },
  sourceUrl(source) {
    if (/^(file|https?|data):/i.test(source)) return new URL(source);
    return pathToFileURL(isAbsolute(source) ? source : resolve(source));
  },
  enableTypeReflection() {
    setFlagsFromString('--experimental-wasm-type-reflection');
  },
};

function spawnWorker(entry: URL, data: SpawnData, onExit: OnWorkerExit): StartingWorker {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(entry, {
    workerData: { ...data, port: port2 } satisfies NodeWorkerData,
    transferList: [port2],
    execArgv: workerExecArgv(),
  });
  let error: Error | undefined;
  worker.on('error', (thrown) => {
    error = thrown;
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const thread = {
    terminate: () => worker.terminate(),
    ref: () => worker.ref(),
    unref: () => worker.unref(),
    exited,
  };
  const ready = new Promise<WorkerHandle>((resolve, reject) => {
    const failedToStart = (exitCode: number): void => {
      reject(new WorkerCrashError(data.rank, exitCode, `failed to start${error ? `: ${error.message}` : ''}`, error));
    };
    worker.once('exit', failedToStart);
    worker.once('exit', () => port1.close());
    worker.once('message', (message: ReadyMessage) => {
      const handle = {
        rank: data.rank,
        worker: thread,
        threadId: message.threadId,
        hostname: message.hostname,
        port: port1,
      };
      worker.off('exit', failedToStart);
      worker.once('exit', (exitCode) => onExit(handle, exitCode, error));
      resolve(handle);
    });
  });
  return { worker: thread, ready };
}
