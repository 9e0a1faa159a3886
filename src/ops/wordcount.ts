// wordCount: map-reduce word counting. Documents are UTF-8 bytes in the shared memory (the
// workers read `files` themselves); the map step splits them into segments at ASCII
// separators and counts words into per-worker hash tables (assembly/wordcount.ts); the
// reduce step merges the tables one hash partition per index; the calling thread turns the
// merged entries into strings, lower-casing each distinct non-ASCII raw word once.
import { stat } from 'node:fs/promises';
import { rangeError, typeError } from '../errors.js';
import type { SharedArena } from '../memory/arena.js';
import type { Turn } from '../pool/pool.js';
import { FILE_STATUS } from '../pool/read-files.js';
import {
  parallelFor, RUN_OPTION_NAMES, validateRunOptions, type RunOptions, type ValidatedRunOptions,
} from '../schedule/parallel-for.js';
import type { RunStats } from '../schedule/telemetry.js';
import { knownKeys, optionsObject } from '../validate.js';
import { wordCharacterBitmap } from './word-characters.js';

/** Documents as strings, or paths of UTF-8 files that the workers read. */
export type WordCountInput = readonly string[] | { files: readonly string[] };

export type WordCountOptions = RunOptions;

export interface WordCountResult {
  /** Each lower-cased word and how often it occurs over all documents. */
  counts: Map<string, number>;
  /** Number of words, repeats included. */
  totalWords: number;
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

const ENTRY_BYTES = 16;
const SEGMENT_BYTES = 1 << 20;
const MIN_SEGMENT_BYTES = 1 << 16;
const MAX_TEXT = 2 ** 32 - 1;

export function validateWordCount(input: unknown, options: unknown, limits: { poolSize: number }): ValidatedWordCount {
  const bag = optionsObject(options, 'options');
  knownKeys(bag, 'options', RUN_OPTION_NAMES);
  const run = validateRunOptions(bag, 'options', limits.poolSize, 'dynamic');
  if (Array.isArray(input)) {
    input.forEach((document, i) => {
      if (typeof document !== 'string') throw typeError(`input[${i}]`, 'a string', document);
    });
    return { documents: input, files: undefined, run };
  }
  if (input !== null && typeof input === 'object' && Array.isArray((input as { files?: unknown }).files)) {
    const files = (input as { files: unknown[] }).files;
    files.forEach((file, i) => {
      if (typeof file !== 'string' || file === '') throw typeError(`input.files[${i}]`, 'a non-empty path string', file);
    });
    return { documents: undefined, files: files as string[], run };
  }
  throw typeError('input', 'an array of strings or { files: string[] }', input);
}

export async function wordCount(turn: Turn, { documents, files, run }: ValidatedWordCount): Promise<WordCountResult> {
  const { arena, control: { layout } } = turn;
  const sizes = documents ? documents.map((document) => Buffer.byteLength(document)) : await fileSizes(files!);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (total > Math.min(MAX_TEXT, arena.capacity)) {
    throw rangeError('input', `at most ${Math.min(MAX_TEXT, arena.capacity)} bytes of text for this pool's maxMemory`, `${total} bytes`);
  }
  const text = arena.alloc(total);
  const starts = offsets(sizes);
  let readStats: RunStats | undefined;
  if (documents) {
    const bytes = arena.u8(text, total);
    documents.forEach((document, i) => new TextEncoder().encodeInto(document, bytes.subarray(starts[i], starts[i]! + sizes[i]!)));
  } else {
    readStats = await readAll(turn, files!, text, starts, sizes, run);
  }

  const segments = planSegments(arena.u8(text, total), starts, sizes, Math.max(MIN_SEGMENT_BYTES, Math.min(SEGMENT_BYTES, Math.ceil(total / (run.workers * 16)))));
  const segmentTable = arena.alloc(segments.length * 4);
  arena.u32(segmentTable, segments.length).set(segments);
  const bitmap = arena.alloc(0x110000 / 8);
  arena.u8(bitmap, 0x110000 / 8).set(wordCharacterBitmap());
  const flags = arena.alloc(64); // [0] overflow, [8] u64 words counted, [16..] entries used per worker
  const used = arena.alloc(4 * turn.poolSize);

  // The map tables start at a size that fits most text and double after an overflow.
  for (let capacity = nextPowerOfTwo(Math.max(4096, total / run.workers / 16)); ; capacity *= 2) {
    const mark = arena.mark();
    const maps = arena.alloc(turn.poolSize * capacity * ENTRY_BYTES);
    await zero(turn, maps, turn.poolSize * capacity * ENTRY_BYTES, run);
    arena.u8(flags, 64).fill(0);
    arena.u32(used, turn.poolSize).fill(0);
    const args = [text, segmentTable, bitmap, maps, capacity, flags, 0, 0, 0, run.workers, flags + 8, used];
    const stats = await parallelFor(turn, { kernel: layout.KERNEL_COUNT_WORDS, n: segments.length / 2, i32: args }, { ...run, chunk: run.chunk ?? 1 });
    if (arena.i32(flags, 1)[0] !== 0) {
      arena.release(mark);
      continue;
    }
    const entries = arena.u32(used, turn.poolSize).reduce((sum, count) => sum + count, 0);
    const reduced = await reduce(turn, args, entries, run);
    const totalWords = Number(new BigUint64Array(arena.memory.buffer, flags + 8, 1)[0]);
    const counts = collect(arena, text, reduced.partitions, reduced.capacity, reduced.count);
    return { counts, totalWords, top: (k) => topWords(counts, k), stats, reduceStats: reduced.stats, readStats };
  }
}

async function reduce(turn: Turn, args: number[], entries: number, run: ValidatedRunOptions) {
  const { arena, control: { layout } } = turn;
  const count = run.workers;
  for (let capacity = nextPowerOfTwo(Math.max(1024, (2 * entries) / count)); ; capacity *= 2) {
    const mark = arena.mark();
    const partitions = arena.alloc(count * capacity * ENTRY_BYTES);
    await zero(turn, partitions, count * capacity * ENTRY_BYTES, run);
    const reduceArgs = [...args];
    reduceArgs[6] = partitions;
    reduceArgs[7] = capacity;
    reduceArgs[8] = count;
    reduceArgs[9] = turn.poolSize; // every worker's map table, used or not, is merged
    arena.i32(args[5]!, 1)[0] = 0;
    arena.u32(args[11]!, turn.poolSize).fill(0);
    const stats = await parallelFor(turn, { kernel: layout.KERNEL_MERGE_PARTITIONS, n: count, i32: reduceArgs }, { ...run, schedule: 'dynamic', chunk: 1 });
    if (arena.i32(args[5]!, 1)[0] === 0) return { partitions, capacity, count, stats };
    arena.release(mark);
  }
}

function zero(turn: Turn, region: number, bytes: number, run: ValidatedRunOptions): Promise<RunStats> {
  const { layout } = turn.control;
  const blocks = Math.ceil(bytes / layout.ZERO_BLOCK);
  return parallelFor(turn, { kernel: layout.KERNEL_ZERO, n: blocks, i32: [region, bytes] }, { ...run, schedule: 'static', chunk: undefined, trace: false });
}

/** Builds the result map from the partition tables. Entries of ASCII words hold the word's
 * first spelling, lower-cased here; raw entries are decoded and lower-cased, and may merge
 * (`Σ` and `σ` are distinct raw words with one lower-case form). */
function collect(arena: SharedArena, text: number, partitions: number, capacity: number, count: number): Map<string, number> {
  const entries = arena.u32(partitions, count * capacity * 4);
  const bytes = Buffer.from(arena.memory.buffer);
  const decoder = new TextDecoder();
  const counts = new Map<string, number>();
  for (let e = 0; e < entries.length; e += 4) {
    const n = entries[e + 3]!;
    if (n === 0) continue;
    const at = text + entries[e + 1]!;
    const key = entries[e + 2]!;
    if (key & 0x80000000) {
      const length = key & 0x7fffffff;
      const word = decoder.decode(bytes.subarray(at, at + length)).toLowerCase();
      counts.set(word, (counts.get(word) ?? 0) + n);
    } else {
      const word = bytes.toString('latin1', at, at + key).toLowerCase();
      counts.set(word, (counts.get(word) ?? 0) + n);
    }
  }
  return counts;
}

export function topWords(counts: Map<string, number>, k: number): [string, number][] {
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
  return (a.length - i) - (b.length - j);
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

async function fileSizes(files: readonly string[]): Promise<number[]> {
  return Promise.all(files.map(async (file, i) => {
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a regular file');
      return info.size;
    } catch (error) {
      throw typeError(`input.files[${i}]`, `a readable file (${JSON.stringify(file)}: ${(error as { code?: string }).code ?? (error as Error).message})`, file);
    }
  }));
}

async function readAll(turn: Turn, files: readonly string[], text: number, starts: number[], sizes: number[], run: ValidatedRunOptions): Promise<RunStats> {
  const { arena, control: { layout } } = turn;
  const encoder = new TextEncoder();
  const paths = files.map((file) => encoder.encode(file));
  const table = arena.alloc(files.length * 16);
  const status = arena.alloc(files.length * 4);
  const pathBytes = arena.alloc(paths.reduce((sum, path) => sum + path.length, 0));
  const entries = arena.u32(table, files.length * 4);
  let at = pathBytes;
  paths.forEach((path, i) => {
    arena.u8(at, path.length).set(path);
    entries.set([at, path.length, text + starts[i]!, sizes[i]!], 4 * i);
    at += path.length;
  });
  const stats = await parallelFor(turn, { kernel: layout.KERNEL_READ_FILES, n: files.length, i32: [table, status] }, { ...run, chunk: 1, trace: false });
  const outcomes = arena.i32(status, files.length);
  const failed = outcomes.findIndex((outcome) => outcome !== 0);
  if (failed >= 0) {
    throw typeError(`input.files[${failed}]`, `a readable file (${JSON.stringify(files[failed])}: ${FILE_STATUS[outcomes[failed]!]})`, files[failed]);
  }
  return stats;
}
