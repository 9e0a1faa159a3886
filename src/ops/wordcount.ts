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
  const {
    arena,
    control: { layout },
  } = turn;
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
  const { WORDCOUNT_ENTRY_BYTES: ENTRY_BYTES, WORDCOUNT_STATE_BYTES: STATE_BYTES } = layout;
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
    const args: MapArguments = {
      WC_TEXT: text,
      WC_SEGMENTS: segmentTable,
      WC_BITMAP: bitmap,
      WC_MAPS: maps,
      WC_LARGEST: largest,
      WC_OVERFLOW: flags,
      WC_WORDS: flags + 8,
      WC_MAP_STATES: mapStates,
    };
    const stats = await parallelFor(
      turn,
      { kernel: layout.KERNEL_COUNT_WORDS, n: segments.length / 2, i32: args },
      { ...run, chunk: run.chunk ?? 1 },
    );
    if (arena.i32(flags, 1)[0] !== 0) {
      arena.release(mark);
      continue;
    }
    const entries = stateTotal(turn, mapStates, turn.poolSize, 0);
    const reduced = await reduce(turn, args, entries, run);
    const totalWords = Number(new BigUint64Array(arena.memory.buffer, flags + 8, 1)[0]);
    const counts = collect(turn, args, reduced, entries, run);
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

/** The map step's arguments, which the reduce and gather steps read too. */
type MapArguments = Record<
  'WC_TEXT' | 'WC_SEGMENTS' | 'WC_BITMAP' | 'WC_MAPS' | 'WC_LARGEST' | 'WC_OVERFLOW' | 'WC_WORDS' | 'WC_MAP_STATES',
  number
>;

async function reduce(turn: Turn, mapArgs: MapArguments, entries: number, run: ValidatedRunOptions) {
  const {
    arena,
    control: { layout },
  } = turn;
  const { WORDCOUNT_ENTRY_BYTES: ENTRY_BYTES, WORDCOUNT_STATE_BYTES: STATE_BYTES } = layout;
  const count = run.workers;
  const overflow = mapArgs.WC_OVERFLOW;
  const partitionStates = arena.alloc(STATE_BYTES * count);
  for (let capacity = nextPowerOfTwo(Math.max(1024, (2 * entries) / count)); ; capacity *= 2) {
    const mark = arena.mark();
    const partitions = arena.alloc(count * capacity * ENTRY_BYTES);
    await zero(turn, partitions, count * capacity * ENTRY_BYTES, run);
    arena.i32(overflow, 1)[0] = 0;
    const args = {
      ...mapArgs,
      WC_PARTITIONS: partitions,
      WC_PARTITION_CAPACITY: capacity,
      WC_PARTITION_COUNT: count,
      WC_WORKERS: run.workers, // the map tables to merge
      WC_PARTITION_STATES: partitionStates,
    };
    const stats = await parallelFor(
      turn,
      { kernel: layout.KERNEL_MERGE_PARTITIONS, n: count, i32: args },
      auxiliaryRun(run, 'dynamic'),
    );
    if (arena.i32(overflow, 1)[0] === 0)
      return { partitions, capacity, count, stats, lineBytes: stateTotal(turn, partitionStates, count, 2) };
    arena.release(mark);
  }
}

/** Sums field `field` (a u32 index) of `count` table states. */
function stateTotal({ arena, control: { layout } }: Turn, states: number, count: number, field: number): number {
  const wordsPerState = layout.WORDCOUNT_STATE_BYTES / 4;
  const words = arena.u32(states, wordsPerState * count);
  let total = 0;
  for (let i = 0; i < count; i++) total += words[wordsPerState * i + field]!;
  return total;
}

function zero(turn: Turn, region: number, bytes: number, run: ValidatedRunOptions): Promise<RunStats> {
  const { layout } = turn.control;
  const blocks = Math.ceil(bytes / layout.ZERO_BLOCK);
  return parallelFor(
    turn,
    { kernel: layout.KERNEL_ZERO, n: blocks, i32: { ZERO_REGION: region, ZERO_BYTES: bytes } },
    auxiliaryRun(run, 'static'),
  );
}

/** Builds the result map: the gather kernel lays the distinct words out as lines, one
 * decoder call turns them into one string, and split() into words. Raw words are
 * lower-cased here, and may merge: `Σ` and `σ` are distinct raw words with one lower case. */
function collect(
  turn: Turn,
  args: MapArguments,
  reduced: { partitions: number; capacity: number; count: number; lineBytes: number },
  entries: number,
  run: ValidatedRunOptions,
): Map<string, number> {
  const {
    arena,
    control: { layout },
  } = turn;
  const bytes = arena.alloc(reduced.lineBytes);
  const countsAt = arena.alloc(4 * entries);
  const written = arena.alloc(4);
  arena.u32(written, 1)[0] = 0;
  const gather = {
    ...args,
    WC_PARTITIONS: reduced.partitions,
    WC_PARTITION_CAPACITY: reduced.capacity,
    WC_OUT_BYTES: bytes,
    WC_OUT_COUNTS: countsAt,
    WC_WRITTEN: written,
  };
  runOnCaller(turn, { kernel: layout.KERNEL_GATHER_WORDS, n: reduced.count, i32: gather }, auxiliaryRun(run, 'static'));
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
  const {
    arena,
    control: { layout },
  } = turn;
  const encoder = new TextEncoder();
  const paths = files.map((file) => encoder.encode(file));
  const table = arena.alloc(files.length * 16);
  const status = arena.alloc(files.length * 4);
  const pathBytes = arena.alloc(paths.reduce((sum, path) => sum + path.length, 0));
  const entries = arena.u32(table, files.length * 4);
  const pathView = arena.u8(
    pathBytes,
    paths.reduce((sum, path) => sum + path.length, 0),
  );
  let at = 0;
  paths.forEach((path, i) => {
    pathView.set(path, at);
    entries.set([pathBytes + at, path.length, 0, 0], 4 * i);
    at += path.length;
  });
  const perFile = auxiliaryRun(run, run.schedule);
  const fileArgs = { FILES_TABLE: table, FILES_STATUS: status };
  await parallelFor(turn, { kernel: layout.KERNEL_STAT_FILES, n: files.length, i32: fileArgs }, perFile);
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
    { kernel: layout.KERNEL_READ_FILES, n: files.length, i32: fileArgs },
    perFile,
  );
  throwForFailedFile(arena.i32(status, files.length), files);
  return { text, total, starts, sizes, readStats };
}

function throwForFailedFile(outcomes: Int32Array, files: readonly string[]): void {
  const failed = outcomes.findIndex((outcome) => outcome !== 0);
  if (failed >= 0) throw new FileReadError(files[failed]!, fileStatusError(outcomes[failed]!));
}
