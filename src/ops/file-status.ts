// How a worker's reading of a file ended (src/ops/read-files.ts), as wordCount reports it:
// apart from the reading itself, which is Node-only.

/** Per-file outcome, written by the worker that read it. */
export const FILE_STATUS = [
  'ok',
  'ENOENT',
  'EACCES',
  'EISDIR',
  'unreadable',
  'changed size while being read',
  'not a regular file',
  'larger than 4 GiB',
] as const;

const SYSTEM_MESSAGES: Partial<Record<(typeof FILE_STATUS)[number], string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
};

/** The Error a failed status stands for, as the cause of a FileReadError: the system's code
 * (`ENOENT`) where there is one. The worker reports a status number, not the Error itself,
 * since it writes into the shared memory and never posts a message during a run. */
export function fileStatusError(status: number): Error & { code?: string } {
  const outcome = FILE_STATUS[status] ?? 'unreadable';
  const system = SYSTEM_MESSAGES[outcome];
  return system === undefined
    ? new Error(outcome)
    : Object.assign(new Error(`${system} (${outcome})`), { code: outcome });
}
