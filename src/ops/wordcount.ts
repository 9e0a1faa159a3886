// wordCount: map-reduce word counting. Documents are UTF-8 bytes in the shared memory: string
// documents placed whole, files read by the workers a batch at a time into a window
// (src/ops/word-files.ts), so a corpus larger than maxMemory counts too. The map step splits
// each batch into segments at ASCII separators and counts words into per-worker hash tables
// that own their words and live across batches (assembly/kernels/wordcount.ts); the reduce
// step merges the tables one hash partition per index; the calling thread turns the merged
// entries into strings, lower-casing each distinct non-ASCII raw word once.
import { rangeError, typeError } from '../errors.js';
import { SharedArena } from '../memory/arena.js';
import { operation, type Executor, type Turn } from '../engine/executor.js';
import { mergePhases, progressAcrossPhases, type PhaseStats } from './phases.js';
import { offsets, planBatches, planSegments, type Batch } from './word-batches.js';
import { measureFiles } from './word-files.js';
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
// Counts are 31 bits (the top bit of a gathered count marks a raw word): at most 4 GiB of
// text, whose words are fewer than 2^31 (each but the last followed by a separator).
const MAX_TEXT = 2 ** 32 - 1;
/** The most bytes of files read into the shared memory at once (less where maxMemory is
 * small; more for a file larger than this, which is read whole). */
export const WINDOW_BYTES = 32 << 20;
/** Bytes kept free after the window: the kernels read up to 7 bytes past a word's end. */
const TEXT_SLACK = 8;
/** Word arena bytes per entry a table may have: words of 21 bytes on average at
 * three-quarters full. An arena that fills starts the count over with larger tables. */
const ARENA_BYTES_PER_ENTRY = 16;

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
 * `dynamic`, chunk 1 segment (1 MiB of text, or 1/16 of a worker's share of a smaller text,
 * 64 KiB at least). */
export function wordCount(
  executor: Executor,
  input: WordCountInput,
  options?: WordCountOptions,
): Promise<WordCountResult> {
  return operation(executor, (limits) => validateWordCount(input, options, limits), runWordCount);
}

/** The text to count: its documents' sizes, and either where it lies whole (`text`, for
 * string documents) or how files are read, a batch at a time, into a window. */
type TextSource = { sizes: number[]; total: number } & (
  | { text: number; read?: undefined }
  | { text?: undefined; read: (first: number, last: number, at: number) => Promise<RunStats> }
);

async function runWordCount(turn: Turn, { documents, files, run }: ValidatedWordCount): Promise<WordCountResult> {
  const { arena, builtins } = turn;
  const source = documents ? placeDocuments(arena, documents) : await measure(turn, files!, run);
  const { total } = source;
  const segmentBytes = Math.max(MIN_SEGMENT_BYTES, Math.min(SEGMENT_BYTES, Math.ceil(total / (run.workers * 16))));
  const bitmap = arena.alloc(0x110000 / 8);
  arena.u8(bitmap, 0x110000 / 8).set(wordCharacterBitmap());
  const flags = arena.alloc(16); // [0] overflow, [8] u64 words counted
  const { WORDCOUNT_ENTRY_BYTES: ENTRY_BYTES, WORDCOUNT_STATE_BYTES: STATE_BYTES } = builtins.constants;
  const mapStates = arena.alloc(STATE_BYTES * turn.poolSize);
  const window = source.read ? windowBytes(arena, source.sizes, total) : 0;
  const batches = planBatches(source.sizes, source.read ? window : Infinity, segmentBytes);
  const segmentTable = arena.alloc(8 * Math.max(...batches.map((batch) => batch.segments)));
  const windowRoom = source.read ? SharedArena.regionBytes(window + TEXT_SLACK) : 0;

  // A worker's table grows in place up to `largest` entries; past that, or when its word
  // arena fills, all start over larger. Only the workers taking part have a table, each in a
  // region twice its largest size, sized for the text but no larger than the memory left.
  const arenaBytes = (largest: number) => largest * ARENA_BYTES_PER_ENTRY + builtins.constants.WORDCOUNT_ARENA_SLACK;
  const fits = (largest: number): boolean =>
    SharedArena.regionBytes(run.workers * largest * 2 * ENTRY_BYTES) +
      SharedArena.regionBytes(run.workers * arenaBytes(largest)) +
      windowRoom <=
    arena.available;
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
    const tables: MapTables = {
      maps: arena.alloc(run.workers * largest * 2 * ENTRY_BYTES),
      largest,
      mapStates,
      flags,
      arenas: arena.alloc(run.workers * arenaBytes(largest)),
      arenaBytes: arenaBytes(largest),
    };
    arena.u8(flags, 16).fill(0);
    arena.u32(mapStates, (STATE_BYTES / 4) * turn.poolSize).fill(0);
    const map = { ...tables, bitmap, segmentTable, segmentBytes, window };
    const mapped = await countBatches(turn, source, batches, map, run);
    if (!mapped) {
      arena.release(mark);
      continue;
    }
    const reduced = await reduce(turn, tables, Math.max(...stateFields(turn, mapStates, turn.poolSize, 0)), run);
    const totalWords = Number(new BigUint64Array(arena.memory.buffer, flags + 8, 1)[0]);
    const counts = collect(turn, reduced, run);
    return {
      counts,
      totalWords,
      bytes: total,
      top: (k) => topWords(counts, k),
      stats: mapped.stats,
      reduceStats: reduced.stats,
      readStats: mapped.readStats,
    };
  }
}

/** The files measured, as a text source (their total checked against what counts hold). */
async function measure(turn: Turn, files: readonly string[], run: ValidatedRunOptions): Promise<TextSource> {
  const { sizes, read } = await measureFiles(turn, files, run);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (total > MAX_TEXT) throw rangeError('input', `at most ${MAX_TEXT} bytes of text`, `${total} bytes`);
  return { sizes, total, read };
}

/** The window files are read into: up to WINDOW_BYTES, a quarter of the memory left (the
 * rest is for the tables) or the text if smaller; but at least the largest file. */
function windowBytes(arena: SharedArena, sizes: readonly number[], total: number): number {
  const largestFile = sizes.reduce((most, size) => Math.max(most, size), 0);
  const limit = arena.available - SharedArena.regionBytes(TEXT_SLACK);
  if (largestFile > limit) {
    const what = `a file of ${largestFile} bytes`;
    throw rangeError('input', `files of at most ${limit} bytes each for this pool's maxMemory`, what);
  }
  return Math.max(largestFile, Math.min(total, WINDOW_BYTES, Math.floor(arena.available / 4)));
}

/** The map step over every batch: the batch's files read into the window (for files), cut
 * into segments, and counted into the workers' tables, which live on across batches. Gives
 * the batches' telemetry as one run's, or undefined if a table or word arena overflowed. */
async function countBatches(
  turn: Turn,
  source: TextSource,
  batches: Batch[],
  map: MapTables & { bitmap: number; segmentTable: number; segmentBytes: number; window: number },
  run: ValidatedRunOptions,
): Promise<{ stats: RunStats; readStats: RunStats | undefined } | undefined> {
  const { arena, builtins } = turn;
  const windowMark = arena.mark();
  const text = source.text ?? arena.alloc(map.window + TEXT_SLACK);
  const last = batches.at(-1)!;
  const progress = progressAcrossPhases(run.onProgress, last.segmentsBefore + last.segments, run.workers);
  const start = performance.now();
  const mapPhases: PhaseStats[] = [];
  const readPhases: PhaseStats[] = [];
  for (const batch of batches) {
    if (source.read) {
      const phaseStart = performance.now() - start;
      readPhases.push({ stats: await source.read(batch.first, batch.last, text), phaseStart });
    }
    const sizes = source.sizes.slice(batch.first, batch.last);
    const segments = planSegments(arena.u8(text, batch.bytes), offsets(sizes), sizes, map.segmentBytes);
    arena.u32(map.segmentTable, segments.length).set(segments);
    const { maps, largest, mapStates, flags, arenas, arenaBytes } = map;
    const call = {
      kernel: builtins.kernel('countWords'),
      n: batch.segments,
      args: [text, map.segmentTable, map.bitmap, maps, largest, mapStates, flags, arenas, arenaBytes],
    };
    const phaseStart = performance.now() - start;
    const onProgress = progress.forRun(batch.segmentsBefore);
    const stats = await parallelFor(turn, call, { ...run, chunk: run.chunk ?? 1, onProgress });
    progress.ended(stats);
    mapPhases.push({ stats, phaseStart });
    if (arena.i32(flags, 1)[0] !== 0) return undefined;
  }
  // The window's pages serve the merge: its regions come first-fit where the window was.
  arena.release(windowMark);
  return { stats: mergePhases(mapPhases), readStats: readPhases.length > 0 ? mergePhases(readPhases) : undefined };
}

/** Encodes string documents as UTF-8, one after another, into the shared memory: encoded,
 * then copied in, as Chrome's TextEncoder.encodeInto refuses a view of shared memory. */
function placeDocuments(arena: SharedArena, documents: readonly string[]): TextSource {
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
  return { text, total, sizes };
}

function checkTextSize(arena: SharedArena, total: number): number {
  const limit = Math.min(MAX_TEXT, arena.capacity);
  if (total > limit)
    throw rangeError('input', `at most ${limit} bytes of text for this pool's maxMemory`, `${total} bytes`);
  return total;
}

/** The map step's tables, which the reduce step reads: the workers' tables (each of up to
 * `largest` entries) and their states, the flags (overflow, words counted), and the word
 * arenas (`arenaBytes` each) their entries point into. */
type MapTables = Record<'maps' | 'largest' | 'mapStates' | 'flags' | 'arenas' | 'arenaBytes', number>;

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
    const { maps, largest, mapStates, flags } = tables;
    const workers = run.workers; // the map tables to merge
    const args = [maps, largest, mapStates, flags, workers, partitions, capacity, count, partitionStates];
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
    args: [reduced.partitions, reduced.capacity, bytes, countsAt, written],
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

function nextPowerOfTwo(value: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, value)));
}
