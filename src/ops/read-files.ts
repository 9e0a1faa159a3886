// The statFiles and readFiles kernels, run by a worker in JavaScript: measure files, then
// read them straight into the shared memory, so the corpus never passes through the calling
// thread.
//
// Arguments (assembly/kernels/host.ts): the file table (per file, u32: path offset, path
// length, data offset, size) and a status per file (i32, FILE_STATUS below).
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { WasmMemory } from '../wasm-types.js';

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

/** Writes each file's size into its table entry. */
export function statFiles(memory: WasmMemory, lo: number, hi: number, table: number, status: number): void {
  forEachFile(memory, lo, hi, table, status, (path, entry, words) => {
    try {
      const info = statSync(path);
      if (!info.isFile()) return FILE_STATUS.indexOf('not a regular file');
      if (info.size >= 2 ** 32) return FILE_STATUS.indexOf('larger than 4 GiB');
      words[entry + 3] = info.size;
      return 0;
    } catch (error) {
      return statusOf(error);
    }
  });
}

/** Reads each file into the region its table entry names. */
export function readFiles(memory: WasmMemory, lo: number, hi: number, table: number, status: number): void {
  forEachFile(memory, lo, hi, table, status, (path, entry, words, bytes) =>
    readInto(path, bytes, words[entry + 2]!, words[entry + 3]!),
  );
}

function forEachFile(
  memory: WasmMemory,
  lo: number,
  hi: number,
  table: number,
  status: number,
  visit: (path: string, entry: number, words: Uint32Array, bytes: Uint8Array) => number,
): void {
  const words = new Uint32Array(memory.buffer); // taken now: the memory may have grown
  const bytes = new Uint8Array(memory.buffer);
  const decoder = new TextDecoder();
  for (let file = lo; file < hi; file++) {
    const entry = (table >>> 2) + 4 * file;
    const start = words[entry]!;
    const path = decoder.decode(bytes.slice(start, start + words[entry + 1]!));
    words[(status >>> 2) + file] = visit(path, entry, words, bytes);
  }
}

function readInto(path: string, bytes: Uint8Array, at: number, size: number): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    return statusOf(error);
  }
  try {
    // The size measured by statFiles is what is read: a file that shrank since is an error;
    // one that grew is read up to that size, as a snapshot.
    for (let done = 0; done < size;) {
      const read = readSync(fd, bytes, at + done, size - done, done);
      if (read === 0) return FILE_STATUS.indexOf('changed size while being read');
      done += read;
    }
    return 0;
  } catch (error) {
    return statusOf(error);
  } finally {
    closeSync(fd);
  }
}

function statusOf(error: unknown): number {
  const index = FILE_STATUS.indexOf((error as { code?: string }).code as (typeof FILE_STATUS)[number]);
  return index > 0 ? index : FILE_STATUS.indexOf('unreadable');
}
