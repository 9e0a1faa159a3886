// wordCount's `{ files }`: the workers measure every file first (a failure rejects with a
// FileReadError naming the file before any text is read), then read them batch by batch
// into a window of the shared memory (src/ops/read-files.ts), so the corpus never passes
// through the calling thread and the memory it takes does not grow with the corpus.
import { FileReadError } from '../errors.js';
import type { Turn } from '../engine/executor.js';
import { auxiliaryRun, parallelFor, type ValidatedRunOptions } from '../schedule/parallel-for.js';
import type { RunStats } from '../schedule/telemetry.js';
import { fileStatusError } from './file-status.js';
import { offsets } from './word-batches.js';

/** The files' sizes, and how to read files [first, last) one after another to `at`. */
export interface MeasuredFiles {
  sizes: number[];
  read: (first: number, last: number, at: number) => Promise<RunStats>;
}

const ENTRY_WORDS = 4; // per file, u32: path offset, path length, data offset, size

export async function measureFiles(
  turn: Turn,
  files: readonly string[],
  run: ValidatedRunOptions,
): Promise<MeasuredFiles> {
  const { arena, builtins } = turn;
  // The paths are encoded straight into the shared memory, each after the one before (Node
  // only, where files are read; Chrome's encodeInto refuses shared views): 24 184 files' own
  // Uint8Arrays cost the calling thread ~5 MiB of small allocations. A UTF-16 code unit takes
  // at most 3 bytes of UTF-8; the pages of the region past what is written are never touched.
  const room = 3 * files.reduce((total, file) => total + file.length, 0);
  const table = arena.alloc(files.length * ENTRY_WORDS * 4);
  const status = arena.alloc(files.length * 4);
  const pathBytes = arena.alloc(room);
  const entries = arena.u32(table, files.length * ENTRY_WORDS);
  const pathView = arena.u8(pathBytes, room);
  const encoder = new TextEncoder();
  let at = 0;
  files.forEach((file, i) => {
    const { written } = encoder.encodeInto(file, pathView.subarray(at));
    entries.set([pathBytes + at, written, 0, 0], ENTRY_WORDS * i); // data offset and size: below
    at += written;
  });
  const perFile = auxiliaryRun(run, run.schedule);
  const fileArgs = (first: number) => [table + first * ENTRY_WORDS * 4, status + first * 4];
  await parallelFor(turn, { kernel: builtins.kernel('statFiles'), n: files.length, args: fileArgs(0) }, perFile);
  throwForFailedFile(arena.i32(status, files.length), files, 0);
  const sizes = Array.from({ length: files.length }, (_, i) => entries[ENTRY_WORDS * i + 3]!);

  return {
    sizes,
    read: async (first, last, to) => {
      // A fresh view: allocations since may have grown the memory.
      const batch = arena.u32(table, files.length * ENTRY_WORDS);
      // Laid one after another, as the segments are planned (word-batches.ts).
      offsets(sizes.slice(first, last)).forEach((offset, i) => (batch[ENTRY_WORDS * (first + i) + 2] = to + offset));
      const call = { kernel: builtins.kernel('readFiles'), n: last - first, args: fileArgs(first) };
      const stats = await parallelFor(turn, call, perFile);
      throwForFailedFile(arena.i32(status + first * 4, last - first), files, first);
      return stats;
    },
  };
}

/** Throws for the first file whose outcome is a failure; `outcomes[i]` is file `first + i`'s. */
function throwForFailedFile(outcomes: Int32Array, files: readonly string[], first: number): void {
  const failed = outcomes.findIndex((outcome) => outcome !== 0);
  if (failed >= 0) throw new FileReadError(files[first + failed]!, fileStatusError(outcomes[failed]!));
}
