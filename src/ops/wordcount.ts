// wordCount: map-reduce word counting. Documents are UTF-8 bytes in the shared memory (the
// workers read `files` themselves); the map step splits them into segments at ASCII
// separators and counts words into per-worker hash tables (assembly/kernels/wordcount.ts); the
// reduce step merges the tables one hash partition per index; the calling thread turns the
// merged entries into strings, lower-casing each distinct non-ASCII raw word once.
import { FileReadError, rangeError, typeError } from '../errors.js';
import type { SharedArena } from '../memory/arena.js';
import { operation, type Executor, type Turn } from '../engine/executor.js';
import { fileStatusError } from './file-status.js';
import {
  auxiliaryRun,
  parallelFor,
  runOnCaller,
  RUN_OPTION_NAMES,
  validateRunOptions,
  type RunOptions,
  type ValidatedRunOptions,
} from '../schedule/parallel-for.js';
import type { RunStats } from '../schedule/telemetry.js';
import { integerIn, knownKeys, optionsObject } from '../validate.js';
import { wordCharacterBitmap } from './word-characters.js';

/** Documents as strings, or paths of UTF-8 files that the workers read. */
export type WordCountInput = readonly string[] | { files: readonly string[] };

export type WordCountOptions = RunOptions;

export interface WordCountResult {
  /** Each lower-cased word and how often it occurs over all documents. */
  counts: Map<string, number>;
  /** Number of words, repeats included. */
  totalWords: number;
  /** Bytes of UTF-8 text counted: the documents encoded, or the files as read. */
  bytes: number;
  /** The `k` most frequent words, ties broken by the word in code-point order. */
  top(k: number): [word: string, count: number][];
  /** Telemetry of the map step (tokenising and counting). */
  stats: RunStats;
  /** Telemetry of the reduce step (merging the workers' tables). */
  reduceStats: RunStats;
  /** Telemetry of reading the files, for `{ files }` input. */
  readStats: RunStats | undefined;
}

interface ValidatedWordCount {
  documents: readonly string[] | undefined;
  files: readonly string[] | undefined;
  run: ValidatedRunOptions;
}

const SEGMENT_BYTES = 1 << 20;
const MIN_SEGMENT_BYTES = 1 << 16;
const MAX_TEXT = 2 ** 32 - 1;

export function validateWordCount(input: unknown, options: unknown, limits: { poolSize: number }): ValidatedWordCount {
  const bag = optionsObject(options, 'options');
  knownKeys(bag, 'options', RUN_OPTION_NAMES);
  const run = validateRunOptions(bag, 'options', limits.poolSize, 'dynamic');
  // Indexed loops, not forEach: forEach skips the holes of a sparse array.
  if (Array.isArray(input)) {
    for (let i = 0; i < input.length; i++) {
      if (typeof input[i] !== 'string') throw typeError(`input[${i}]`, 'a string', input[i]);
    }
    return { documents: input, files: undefined, run };
  }
  if (input !== null && typeof input === 'object' && Array.isArray((input as { files?: unknown }).files)) {
    const files = (input as { files: unknown[] }).files;
    for (let i = 0; i < files.length; i++) {
      if (typeof files[i] !== 'string' || files[i] === '')
        throw typeError(`input.files[${i}]`, 'a non-empty path string', files[i]);
    }
    return { documents: undefined, files: files as string[], run };
  }
  throw typeError('input', 'an array of strings or { files: string[] }', input);
}

/** Counts the words of `input` (documents, or `{ files }` that the workers read), lower-cased,
 * exactly as `/[\p{L}\p{N}]+/gu` and `toLowerCase()` define them. Default schedule
 * `dynamic`, chunk 1 segment (about 1 MiB of text). */
export function wordCount(
  executor: Executor,
  input: WordCountInput,
  options?: WordCountOptions,
): Promise<WordCountResult> {
  return operation(executor, (limits) => validateWordCount(input, options, limits), runWordCount);
}

async function runWordCount(turn: Turn, { documents, files, run }: ValidatedWordCount): Promise<WordCountResult> {
  const { arena, builtins } = turn;
  const { text, total, starts, sizes, readStats } = documents
    ? placeDocuments(arena, documents)
    : await readAll(turn, files!, run);

  const segments = planSegments(
    arena.u8(text, total),
    starts,
    sizes,
    Math.max(MIN_SEGMENT_BYTES, Math.min(SEGMENT_BYTES, Math.ceil(total / (run.workers * 16)))),
  );
  const segmentTable = arena.alloc(segments.length * 4);
  arena.u32(segmentTable, segments.length).set(segments);
  const bitmap = arena.alloc(0x110000 / 8);
  arena.u8(bitmap, 0x110000 / 8).set(wordCharacterBitmap());
  const flags = arena.alloc(16); // [0] overflow, [8] u64 words counted
  const { WORDCOUNT_ENTRY_BYTES: ENTRY_BYTES, WORDCOUNT_STATE_BYTES: STATE_BYTES } = builtins.constants;
  const mapStates = arena.alloc(STATE_BYTES * turn.poolSize);

  // A worker's table grows in place up to `largest` entries; past that, all start over larger.
  // Only the workers taking part have a table, each in a region twice its largest size,
  // sized for the text but no larger than the memory left.
  const fits = (largest: number): boolean => run.workers * largest * 2 * ENTRY_BYTES <= arena.available;
  let largest = nextPowerOfTwo(Math.max(1024, total / run.workers / 16));
  while (largest > 1024 && !fits(largest)) largest /= 2;
  for (; ; largest *= 2) {
    if (!fits(largest)) {
      throw rangeError(
        'input',
        "text whose distinct words' hash tables fit the pool's maxMemory",
        `${total} bytes of text`,
      );
    }
    const mark = arena.mark();
    const maps = arena.alloc(run.workers * largest * 2 * ENTRY_BYTES);
    arena.u8(flags, 16).fill(0);
    arena.u32(mapStates, (STATE_BYTES / 4) * turn.poolSize).fill(0);
    const tables: MapTables = { text, maps, largest, mapStates, flags };
    const stats = await parallelFor(
      turn,
      {
        kernel: builtins.kernel('countWords'),
        n: segments.length / 2,
        args: [text, segmentTable, bitmap, maps, largest, mapStates, flags],
      },
      { ...run, chunk: run.chunk ?? 1 },
    );
    if (arena.i32(flags, 1)[0] !== 0) {
      arena.release(mark);
      continue;
    }
    const reduced = await reduce(turn, tables, Math.max(...stateFields(turn, mapStates, turn.poolSize, 0)), run);
    const totalWords = Number(new BigUint64Array(arena.memory.buffer, flags + 8, 1)[0]);
    const counts = collect(turn, text, reduced, run);
    return {
      counts,
      totalWords,
      bytes: total,
      top: (k) => topWords(counts, k),
      stats,
      reduceStats: reduced.stats,
      readStats,
    };
  }
}

interface PlacedText {
  text: number;
  total: number;
  starts: number[];
  sizes: number[];
  readStats?: RunStats;
}

/** Encodes string documents as UTF-8, one after another, into the shared memory: encoded,
 * then copied in, as Chrome's TextEncoder.encodeInto refuses a view of shared memory. */
function placeDocuments(arena: SharedArena, documents: readonly string[]): PlacedText {
  const encoder = new TextEncoder();
  const encoded = documents.map((document) => encoder.encode(document));
  const sizes = encoded.map((document) => document.length);
  const total = checkTextSize(
    arena,
    sizes.reduce((sum, size) => sum + size, 0),
  );
  const text = arena.alloc(total);
  const starts = offsets(sizes);
  const bytes = arena.u8(text, total);
  encoded.forEach((document, i) => bytes.set(document, starts[i]));
  return { text, total, starts, sizes };
}

function checkTextSize(arena: SharedArena, total: number): number {
  const limit = Math.min(MAX_TEXT, arena.capacity);
  if (total > limit)
    throw rangeError('input', `at most ${limit} bytes of text for this pool's maxMemory`, `${total} bytes`);
  return total;
}

/** The map step's tables, which the reduce step reads: the text, the workers' tables (each
 * of up to `largest` entries) and their states, the flags (overflow, words counted). */
type MapTables = Record<'text' | 'maps' | 'largest' | 'mapStates' | 'flags', number>;

/** Merges the workers' tables into `run.workers` partitions. `largestTable`: the entries of
 * the largest worker table. */
async function reduce(turn: Turn, tables: MapTables, largestTable: number, run: ValidatedRunOptions) {
  const { arena, builtins } = turn;
  const { WORDCOUNT_ENTRY_BYTES: ENTRY_BYTES, WORDCOUNT_STATE_BYTES: STATE_BYTES } = builtins.constants;
  const count = run.workers;
  const overflow = tables.flags;
  const partitionStates = arena.alloc(STATE_BYTES * count);
  // The distinct words are at least the largest table's entries and at most all tables'
  // (they overlap: 169 000 + 162 000 entries for 174 000 words on the corpus ×4); each
  // partition gets a hash-even share, and may fill three quarters of its table. Sized from
  // the lower bound, not the upper: 8 MiB of partitions there instead of 32. A partition that
  // overflows starts the merge over at twice the capacity.
  for (let capacity = nextPowerOfTwo(Math.max(1024, (4 * largestTable) / (3 * count))); ; capacity *= 2) {
    const mark = arena.mark();
    const partitions = arena.alloc(count * capacity * ENTRY_BYTES);
    await zero(turn, partitions, count * capacity * ENTRY_BYTES, run);
    arena.i32(overflow, 1)[0] = 0;
    const { text, maps, largest, mapStates, flags } = tables;
    const workers = run.workers; // the map tables to merge
    const args = [text, maps, largest, mapStates, flags, workers, partitions, capacity, count, partitionStates];
    const stats = await parallelFor(
      turn,
      { kernel: builtins.kernel('mergePartitions'), n: count, args },
      auxiliaryRun(run, 'dynamic'),
    );
    if (arena.i32(overflow, 1)[0] === 0) {
      const [words, lineBytes] = [0, 2].map((field) => sum(stateFields(turn, partitionStates, count, field)));
      return { partitions, capacity, count, stats, words: words!, lineBytes: lineBytes! };
    }
    arena.release(mark);
  }
}

/** Field `field` (a u32 index) of `count` table states. */
function stateFields({ arena, builtins }: Turn, states: number, count: number, field: number): number[] {
  const wordsPerState = builtins.constants.WORDCOUNT_STATE_BYTES / 4;
  const words = arena.u32(states, wordsPerState * count);
  return Array.from({ length: count }, (_, i) => words[wordsPerState * i + field]!);
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

function zero(turn: Turn, region: number, bytes: number, run: ValidatedRunOptions): Promise<RunStats> {
  const { builtins } = turn;
  const blocks = Math.ceil(bytes / builtins.constants.ZERO_BLOCK);
  return parallelFor(
    turn,
    { kernel: builtins.kernel('zeroBlocks'), n: blocks, args: [region, bytes] },
    auxiliaryRun(run, 'static'),
  );
}

/** Builds the result map: the gather kernel lays the distinct words out as lines, one
 * decoder call turns them into one string, and split() into words. Raw words are
 * lower-cased here, and may merge: `Σ` and `σ` are distinct raw words with one lower case. */
function collect(
  turn: Turn,
  text: number,
  reduced: { partitions: number; capacity: number; count: number; words: number; lineBytes: number },
  run: ValidatedRunOptions,
): Map<string, number> {
  const { arena, builtins } = turn;
  const bytes = arena.alloc(reduced.lineBytes);
  const countsAt = arena.alloc(4 * reduced.words); // the distinct raw words
  const written = arena.alloc(4);
  arena.u32(written, 1)[0] = 0;
  const gather = {
    kernel: builtins.kernel('gatherWords'),
    n: reduced.count,
    args: [text, reduced.partitions, reduced.capacity, bytes, countsAt, written],
  };
  runOnCaller(turn, gather, auxiliaryRun(run, 'static'));
  const words = arena.u32(written, 1)[0]!;
  // A copy: Chrome's TextDecoder refuses a view of shared memory.
  const lines = new TextDecoder().decode(arena.u8(bytes, reduced.lineBytes).slice()).split('\n');
  const counts = new Map<string, number>();
  const tally = arena.u32(countsAt, words);
  for (let i = 0; i < words; i++) {
    const n = tally[i]!;
    if (n & 0x80000000) {
      const word = lines[i]!.toLowerCase();
      counts.set(word, (counts.get(word) ?? 0) + (n & 0x7fffffff));
    } else {
      counts.set(lines[i]!, (counts.get(lines[i]!) ?? 0) + n);
    }
  }
  return counts;
}

export function topWords(counts: Map<string, number>, k: number): [string, number][] {
  integerIn(k, 'k', 0, Number.MAX_SAFE_INTEGER);
  return [...counts].sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0])).slice(0, k);
}

/** Orders strings by code point (JavaScript's < orders UTF-16 code units, which puts
 * U+E000..U+FFFF after the surrogate pairs of U+10000 and above). */
export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(j)!;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return a.length - i - (b.length - j);
}

function offsets(sizes: number[]): number[] {
  let at = 0;
  return sizes.map((size) => ((at += size), at - size));
}

/** Cuts every document into segments of about `target` bytes, each cut just after an ASCII
 * byte that is not a letter or digit: such a byte is never inside a word nor inside a
 * multi-byte sequence, so no word is split. A document with no such byte stays whole.
 * Returns (start, end) pairs relative to the text. */
export function planSegments(text: Uint8Array, starts: number[], sizes: number[], target: number): Uint32Array {
  const pairs: number[] = [];
  starts.forEach((start, i) => {
    const end = start + sizes[i]!;
    let from = start;
    while (end - from > target) {
      let cut = from + target;
      while (cut < end && !isAsciiSeparator(text[cut]!)) cut++;
      if (cut >= end) break;
      pairs.push(from, cut + 1);
      from = cut + 1;
    }
    if (end > from) pairs.push(from, end);
  });
  return Uint32Array.from(pairs);
}

function isAsciiSeparator(byte: number): boolean {
  return byte < 0x80 && !((byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7a));
}

function nextPowerOfTwo(value: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, value)));
}

/** The workers measure the files (any failure rejects with a FileReadError naming the file,
 * before the text is touched), then read them into one region, each file after the one before. */
async function readAll(turn: Turn, files: readonly string[], run: ValidatedRunOptions): Promise<PlacedText> {
  const { arena, builtins } = turn;
  // The paths are encoded straight into the shared memory, each after the one before (Node
  // only, where files are read; Chrome's encodeInto refuses shared views): 24 184 files' own
  // Uint8Arrays cost the calling thread ~5 MiB of small allocations. A UTF-16 code unit takes
  // at most 3 bytes of UTF-8; the pages of the region past what is written are never touched.
  const room = 3 * files.reduce((total, file) => total + file.length, 0);
  const table = arena.alloc(files.length * 16);
  const status = arena.alloc(files.length * 4);
  const pathBytes = arena.alloc(room);
  const entries = arena.u32(table, files.length * 4);
  const pathView = arena.u8(pathBytes, room);
  const encoder = new TextEncoder();
  let at = 0;
  files.forEach((file, i) => {
    const { written } = encoder.encodeInto(file, pathView.subarray(at));
    entries[4 * i] = pathBytes + at;
    entries[4 * i + 1] = written;
    entries[4 * i + 2] = 0; // where the text goes, set once the sizes are known
    entries[4 * i + 3] = 0; // the size, which the workers measure
    at += written;
  });
  const perFile = auxiliaryRun(run, run.schedule);
  const fileArgs = [table, status];
  await parallelFor(turn, { kernel: builtins.kernel('statFiles'), n: files.length, args: fileArgs }, perFile);
  throwForFailedFile(arena.i32(status, files.length), files);
  const sizes = Array.from({ length: files.length }, (_, i) => entries[4 * i + 3]!);
  const total = checkTextSize(
    arena,
    sizes.reduce((sum, size) => sum + size, 0),
  );
  const text = arena.alloc(total);
  const starts = offsets(sizes);
  // A fresh view: allocating the text may have grown the memory.
  const grownEntries = arena.u32(table, files.length * 4);
  starts.forEach((start, i) => (grownEntries[4 * i + 2] = text + start));
  const readStats = await parallelFor(
    turn,
    { kernel: builtins.kernel('readFiles'), n: files.length, args: fileArgs },
    perFile,
  );
  throwForFailedFile(arena.i32(status, files.length), files);
  return { text, total, starts, sizes, readStats };
}

function throwForFailedFile(outcomes: Int32Array, files: readonly string[]): void {
  const failed = outcomes.findIndex((outcome) => outcome !== 0);
  if (failed >= 0) throw new FileReadError(files[failed]!, fileStatusError(outcomes[failed]!));
}
