// Starting one worker thread and watching it die.
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { WorkerCrashError } from '../errors.js';
import { workerExecArgv } from './worker-exec-argv.js';
import type { ReadyMessage, WorkerData } from './worker.js';

export interface WorkerHandle {
  readonly rank: number;
  readonly worker: Worker;
  readonly threadId: number;
  readonly hostname: string;
  /** Where the pool posts library messages; the worker takes them when told to. */
  readonly port: MessagePort;
}

export interface StartingWorker {
  readonly worker: Worker;
  /** Resolves once the worker has instantiated the module and said it is ready; rejects with
   * a WorkerCrashError if it exits first. */
  readonly ready: Promise<WorkerHandle>;
}

/** Starts the worker of rank `data.rank`. Once it is ready, its death is reported to
 * `onExit`, once, with its exit code and the error it threw, if any. */
export function spawnWorker(
  entry: URL,
  data: Omit<WorkerData, 'port'>,
  onExit: (handle: WorkerHandle, exitCode: number, error: Error | undefined) => void,
): StartingWorker {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(entry, {
    workerData: { ...data, port: port2 } satisfies WorkerData,
    transferList: [port2],
    execArgv: workerExecArgv(),
  });
  let error: Error | undefined;
  worker.on('error', (thrown) => {
    error = thrown;
  });
  const ready = new Promise<WorkerHandle>((resolve, reject) => {
    const failedToStart = (exitCode: number): void => {
      reject(new WorkerCrashError(data.rank, exitCode, `failed to start${error ? `: ${error.message}` : ''}`, error));
    };
    worker.once('exit', failedToStart);
    worker.once('exit', () => port1.close());
    worker.once('message', (message: ReadyMessage) => {
      const handle = { rank: data.rank, worker, threadId: message.threadId, hostname: message.hostname, port: port1 };
      worker.off('exit', failedToStart);
      worker.once('exit', (exitCode) => onExit(handle, exitCode, error));
      resolve(handle);
    });
  });
  return { worker, ready };
}
