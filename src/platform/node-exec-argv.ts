// Which of the parent's Node flags a worker thread is started with.
import { Worker } from 'node:worker_threads';

let cached: string[] | undefined;

/** `undefined` (a worker inherits the parent's flags, as Node does by default) unless the
 * parent was started with `--input-type`: that flag is for the string given to `-e` or stdin,
 * and a worker that inherits it refuses to load its own file entry. Then the worker gets the
 * parent's flags less `--input-type` and less the per-process flags (`--max-old-space-size`,
 * `--expose-gc`, V8 flags...) that Node refuses in a worker's `execArgv` with
 * ERR_WORKER_INVALID_EXEC_ARGV; those apply to the whole process, workers included, anyway. */
export function workerExecArgv(): string[] | undefined {
  if (!process.execArgv.some(isInputType)) return undefined;
  cached ??= flagGroups(process.execArgv)
    .filter((group) => !isInputType(group[0]!) && workerAccepts(group))
    .flat();
  return cached;
}

function isInputType(flag: string): boolean {
  return flag.startsWith('--input-type');
}

/** Node's flags with their separate values: `['--input-type', 'module']`, `['-e', source]`. */
function flagGroups(argv: readonly string[]): string[][] {
  const groups: string[][] = [];
  for (const arg of argv) {
    if (arg.startsWith('-') || groups.length === 0) groups.push([arg]);
    else groups.at(-1)!.push(arg);
  }
  return groups;
}

/** Node has no list of the flags a worker accepts; it checks them when a worker is created,
 * synchronously, so an empty worker tells. */
function workerAccepts(flags: string[]): boolean {
  try {
    void new Worker('', { eval: true, execArgv: flags }).terminate();
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_WORKER_INVALID_EXEC_ARGV') return false;
    throw error;
  }
}
