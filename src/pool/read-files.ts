// The READ_FILES kernel, run by a worker in JavaScript: read files straight into the shared
// memory, so the corpus never passes through the calling thread.
//
// Job arguments: ARGS_I32[0] the file table (per file, u32: path offset, path length, data
// offset, size), ARGS_I32[1] a status per file (i32, FILE_STATUS below).
import { closeSync, openSync, readSync } from 'node:fs';
import type { Layout } from '../memory/layout.js';

/** Per-file outcome, written by the worker that read it. */
export const FILE_STATUS = ['ok', 'ENOENT', 'EACCES', 'EISDIR', 'unreadable', 'changed size while being read'] as const;

export function readFiles(memory: WebAssembly.Memory, layout: Layout, lo: number, hi: number): void {
  const words = new Int32Array(memory.buffer); // taken now: the memory may have grown
  const bytes = new Uint8Array(memory.buffer);
  const table = words[layout.ARGS_I32 >> 2]! >> 2;
  const status = words[(layout.ARGS_I32 >> 2) + 1]! >> 2;
  const decoder = new TextDecoder();
  for (let file = lo; file < hi; file++) {
    const [pathAt, pathLength, dataAt, size] = words.subarray(table + 4 * file, table + 4 * file + 4) as unknown as number[];
    const path = decoder.decode(bytes.slice(pathAt!, pathAt! + pathLength!));
    words[status + file] = readInto(path, bytes, dataAt!, size!);
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
    let done = 0;
    while (done < size) {
      const read = readSync(fd, bytes, at + done, size - done, done);
      if (read === 0) return FILE_STATUS.indexOf('changed size while being read');
      done += read;
    }
    // One byte more would mean the file grew after it was measured.
    return readSync(fd, new Uint8Array(1), 0, 1, size) === 0 ? 0 : FILE_STATUS.indexOf('changed size while being read');
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
