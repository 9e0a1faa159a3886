// The STAT_FILES and READ_FILES kernels, run by a worker in JavaScript: measure files, then
// read them straight into the shared memory, so the corpus never passes through the calling
// thread. Node-only: the worker host of src/platform/node-worker.ts gives them to the kernels.
//
// Job arguments: FILES_TABLE, the file table (per file, u32: path offset, path length, data
// offset, size), and FILES_STATUS, a status per file (i32, FILE_STATUS of file-status.ts).
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { Layout } from '../memory/layout.js';
import type { WasmMemory } from '../wasm-types.js';
import { FILE_STATUS } from './file-status.js';

/** Writes each file's size into its table entry. */
export function statFiles(memory: WasmMemory, layout: Layout, lo: number, hi: number): void {
  forEachFile(memory, layout, lo, hi, (path, entry, words) => {
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
export function readFiles(memory: WasmMemory, layout: Layout, lo: number, hi: number): void {
  forEachFile(memory, layout, lo, hi, (path, entry, words, bytes) =>
    readInto(path, bytes, words[entry + 2]!, words[entry + 3]!),
  );
}

function forEachFile(
  memory: WasmMemory,
  layout: Layout,
  lo: number,
  hi: number,
  visit: (path: string, entry: number, words: Uint32Array, bytes: Uint8Array) => number,
): void {
  const words = new Uint32Array(memory.buffer); // taken now: the memory may have grown
  const bytes = new Uint8Array(memory.buffer);
  const argument = (name: string): number => words[(layout.ARGS_I32 >> 2) + layout.slots.i32.get(name)!]!;
  const table = argument('FILES_TABLE') >> 2;
  const status = argument('FILES_STATUS') >> 2;
  const decoder = new TextDecoder();
  for (let file = lo; file < hi; file++) {
    const entry = table + 4 * file;
    const start = words[entry]!;
    const path = decoder.decode(bytes.slice(start, start + words[entry + 1]!));
    words[status + file] = visit(path, entry, words, bytes);
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
    // The size measured by STAT_FILES is what is read: a file that shrank since is an error;
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
