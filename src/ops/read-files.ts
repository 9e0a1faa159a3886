// The statFiles and readFiles kernels, run by a worker in JavaScript: measure files, then
// read them straight into the shared memory, so the corpus never passes through the calling
// thread. Node-only: the worker host of src/platform/node-worker.ts gives them to the kernels.
//
// Arguments (assembly/kernels/host.ts): the file table (per file, u32: path offset, path
// length, data offset, size) and a status per file (i32, FILE_STATUS of file-status.ts).
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { WasmMemory } from '../wasm-types.js';
import { FILE_STATUS } from './file-status.js';

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
