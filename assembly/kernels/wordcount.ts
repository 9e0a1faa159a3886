// Word count: the map step tokenises UTF-8 text into words — maximal runs of code points
// that are letters or numbers (/[\p{L}\p{N}]+/u) — and counts them in the worker's own hash
// table; the reduce step merges the workers' tables, one hash partition per index.
//
// Keys: a word made only of ASCII bytes is keyed by its lower-cased bytes (what
// toLowerCase() gives for ASCII); any other word is keyed by its raw bytes, and the host
// lower-cases it once per distinct raw word. The table owns its keys: a word new to a
// worker's table is copied into that worker's word arena, and its entry points there (an
// address in the memory), so the text may be overwritten by the next batch of files while
// the tables live on. Copying costs only per distinct word, not per word.
//
// Malformed UTF-8 is decoded as the WHATWG decoder (TextDecoder) does: each maximal invalid
// subpart becomes U+FFFD — not a letter — and decoding resumes at the byte that broke it.
//
//   Arguments: each kernel's parameters (byte offsets of regions, sizes). A table state is STATE bytes: u32 entries used, u32
//   current capacity (0: not yet created), u32 bytes of its words plus one per word, u32
//   where the next new word goes in the worker's word arena (map tables only).
//
// A worker's map table starts small, so that it stays in cache while the vocabulary is
// small, and doubles in place when it is three-quarters full, up to the largest capacity.
import { rank } from "./worker";

// An entry: u32 hash, u32 address of the word's bytes (in a word arena), u32 length | RAW,
// u32 count (0 = empty), then the word's first 16 bytes, folded. Most words are no longer,
// so comparing keys seldom reaches into the arena, where every look would be a cache miss.
const ENTRY: usize = 32;
const STATE: usize = 16;
// Exported so that the host sizes tables with these numbers rather than copies of them.
export const WORDCOUNT_ENTRY_BYTES: i32 = <i32>ENTRY;
export const WORDCOUNT_STATE_BYTES: i32 = <i32>STATE;
const PREFIX: usize = 16;
// Entries a map table starts with (at most): 2 MiB, which stays in the L2 cache.
export const WORDCOUNT_INITIAL_CAPACITY: u32 = 1 << 16;
const RAW: u32 = 0x80000000; // the key is raw (not ASCII-lower-cased) bytes
// OR-ing 0x20 into a byte lower-cases an ASCII letter and leaves a digit as it is (bit 5 is
// already set in '0'..'9'), so an ASCII word is folded to lower case 8 bytes at a time.
const FOLD_ASCII: u64 = 0x2020202020202020;
const REPLACEMENT: i32 = 0xfffd;
// Bytes at the end of each word arena that no word takes: sameTail reads up to 7 bytes past
// a word.
export const WORDCOUNT_ARENA_SLACK: i32 = 8;

// Set by decode(): the byte length of the code point (or of the invalid subpart) just read.
let decodedLength: i32 = 0;

// Decodes the code point at `at` (whose first byte is >= 0x80), never reading at or past `end`.
function decode(at: usize, end: usize): i32 {
  const lead = <i32>load<u8>(at);
  let needed = 0;
  let lower = 0x80;
  let upper = 0xbf;
  let cp = 0;
  if (lead >= 0xc2 && lead <= 0xdf) { needed = 1; cp = lead & 0x1f; }
  else if (lead >= 0xe0 && lead <= 0xef) {
    needed = 2; cp = lead & 0x0f;
    if (lead == 0xe0) lower = 0xa0;
    if (lead == 0xed) upper = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    needed = 3; cp = lead & 0x07;
    if (lead == 0xf0) lower = 0x90;
    if (lead == 0xf4) upper = 0x8f;
  } else {
    decodedLength = 1;
    return REPLACEMENT;
  }
  for (let seen = 1; seen <= needed; seen++) {
    if (at + <usize>seen >= end) { decodedLength = seen; return REPLACEMENT; } // truncated
    const byte = <i32>load<u8>(at + <usize>seen);
    if (byte < lower || byte > upper) { decodedLength = seen; return REPLACEMENT; } // resume at `byte`
    lower = 0x80;
    upper = 0xbf;
    cp = (cp << 6) | (byte & 0x3f);
  }
  decodedLength = needed + 1;
  return cp;
}

// @ts-ignore: decorator
@inline function isAsciiWordByte(byte: u32): bool {
  return (byte - 0x30 < 10) | ((byte | 0x20) - 0x61 < 26);
}

// @ts-ignore: decorator
@inline function isWordCodePoint(table: usize, cp: i32): bool {
  return ((<u32>load<u8>(table + (<usize>cp >> 3)) >> (<u32>cp & 7)) & 1) != 0;
}

// @ts-ignore: decorator
@inline function foldOf(key: u32): u64 {
  return (key & RAW) != 0 ? 0 : FOLD_ASCII;
}

// The first `length` bytes at `p`, 8 at a time, as they compare: folded with `fold`. Reads
// up to 7 bytes past the word, which is safe: the host leaves room after the text, and
// every word arena ends in WORDCOUNT_ARENA_SLACK bytes.
function hashWord(p: usize, length: usize, fold: u64): u32 {
  let h: u64 = 0x9e3779b97f4a7c15 ^ <u64>length;
  let i: usize = 0;
  for (; i + 8 <= length; i += 8) h = mix64(h ^ (load<u64>(p + i) | fold));
  if (i < length) h = mix64(h ^ ((load<u64>(p + i) | fold) & tailMask(length - i)));
  return <u32>(h ^ (h >> 32));
}

// @ts-ignore: decorator
@inline function tailMask(bytes: usize): u64 {
  return (<u64>1 << (<u64>bytes << 3)) - 1; // bytes is 1..7
}

// @ts-ignore: decorator
@inline function mix64(h: u64): u64 {
  h *= 0xff51afd7ed558ccd;
  return h ^ (h >> 33);
}

// Moves past ASCII bytes that are word bytes (`inWord`) or separators (!inWord), 16 at a
// time, stopping at the first byte that is not, or where fewer than 16 bytes are left before
// `end` (the caller's byte-by-byte loop takes over there, and for any non-ASCII byte).
// @ts-ignore: decorator
@inline function skipAscii(at: usize, end: usize, inWord: bool): usize {
  while (at + 16 <= end) {
    const block = v128.load(at);
    const digit = i8x16.lt_u(i8x16.sub(block, i8x16.splat(0x30)), i8x16.splat(10));
    const alpha = i8x16.lt_u(i8x16.sub(v128.or(block, i8x16.splat(0x20)), i8x16.splat(0x61)), i8x16.splat(26));
    const word = <u32>i8x16.bitmask(v128.or(digit, alpha));
    const stop = (inWord ? ~word & 0xffff : word) | <u32>i8x16.bitmask(block);
    if (stop != 0) return at + <usize>ctz(stop);
    at += 16;
  }
  return at;
}

// Map, index = segment: count the words of one segment into this worker's table.
//   text: the UTF-8 text; segments: u32 (start, end) pairs relative to it; bitmap: a
//   letter-or-number bit per code point; maps: one region of 2 × largest entries per worker;
//   largest: the most entries a table may have; mapStates: a table state per worker;
//   flags: i32 overflow flag at +0, u64 words counted at +8; arenas: one word arena of
//   arenaBytes per worker (the last WORDCOUNT_ARENA_SLACK of them never written).
export function countWords(
  lo: i32, hi: i32, text: usize, segments: usize, bitmap: usize, maps: usize, largest: u32, mapStates: usize, flags: usize,
  arenas: usize, arenaBytes: u32,
): void {
  overflowFlag = flags;
  const mine = maps + <usize>rank * largest * 2 * ENTRY;
  const state = mapStates + <usize>rank * STATE;
  const arena = arenas + <usize>rank * arenaBytes;
  arenaEnd = arena + <usize>arenaBytes - <usize>WORDCOUNT_ARENA_SLACK;
  if (load<u32>(state, 4) == 0) { // this worker's first segment: create its table
    const initial = min(WORDCOUNT_INITIAL_CAPACITY, largest);
    memory.fill(mine, 0, <usize>initial * ENTRY);
    store<u32>(state, initial, 4);
    store<u32>(state, <u32>arena, 12);
  }
  let words: u64 = 0;
  for (let s = lo; s < hi; s++) {
    let at = text + <usize>load<u32>(segments + (<usize>s << 3));
    const end = text + <usize>load<u32>(segments + (<usize>s << 3), 4);
    while (at < end) {
      // Skip to the start of a word.
      at = skipAscii(at, end, false);
      if (at >= end) break;
      const byte = <u32>load<u8>(at);
      if (byte < 0x80) {
        if (!isAsciiWordByte(byte)) { at++; continue; }
      } else {
        const cp = decode(at, end);
        if (!isWordCodePoint(bitmap, cp)) { at += <usize>decodedLength; continue; }
      }
      // Find the end of the word, noting whether it is all ASCII.
      const start = at;
      let ascii = true;
      while (at < end) {
        at = skipAscii(at, end, true);
        if (at >= end) break;
        const b = <u32>load<u8>(at);
        if (b < 0x80) {
          if (!isAsciiWordByte(b)) break;
          at++;
        } else {
          const cp = decode(at, end);
          if (!isWordCodePoint(bitmap, cp)) break;
          ascii = false;
          at += <usize>decodedLength;
        }
      }
      const length = <u32>(at - start);
      const key = ascii ? length : length | RAW;
      const fold = foldOf(key);
      const hash = hashWord(start, <usize>length, fold) ^ (key & RAW);
      const low = prefixWord(start, <usize>length, 0, fold);
      const high = prefixWord(start, <usize>length, 8, fold);
      if (!insert(mine, largest, hash, <u32>start, key, low, high, 1, state)) return;
      words++;
    }
  }
  atomic.add<u64>(flags + 8, words);
}

// Reduce, index = partition: merge the entries of every worker's table whose hash falls in
// this partition into the partition's table.
// Partition entries point at the words in the map tables' arenas.
//   maps, largest, mapStates, flags: as countWords; workers: the map tables to merge;
//   partitions: `count` tables of partitionCapacity entries, cleared by the host;
//   partitionStates: a table state per partition.
export function mergePartitions(
  lo: i32, hi: i32, maps: usize, largest: u32, mapStates: usize, flags: usize, workers: i32,
  partitions: usize, partitionCapacity: u32, count: u32, partitionStates: usize,
): void {
  overflowFlag = flags;
  arenaEnd = 0;
  for (let p = lo; p < hi; p++) {
    const out = partitions + <usize>p * partitionCapacity * ENTRY;
    // Partition tables are cleared by the host and never grow (capacity = largest).
    const state = partitionStates + <usize>p * STATE;
    store<u32>(state, 0);
    store<u32>(state, partitionCapacity, 4);
    store<u32>(state, 0, 8);
    for (let w = 0; w < workers; w++) {
      const table = maps + <usize>w * largest * 2 * ENTRY;
      const capacity = load<u32>(mapStates + <usize>w * STATE, 4);
      for (let e: u32 = 0; e < capacity; e++) {
        const entry = table + <usize>e * ENTRY;
        const n = load<u32>(entry, 12);
        if (n == 0) continue;
        const hash = load<u32>(entry);
        if (partitionOf(hash, count) != <u32>p) continue;
        const low = load<u64>(entry, 16);
        const high = load<u64>(entry, 24);
        if (!insert(out, partitionCapacity, hash, load<u32>(entry, 4), load<u32>(entry, 8), low, high, n, state)) return;
      }
    }
  }
}

// @ts-ignore: decorator
@inline function partitionOf(hash: u32, partitions: u32): u32 {
  return <u32>((<u64>hash * partitions) >> 32);
}

// Adds `count` to the key's entry (linear probing), creating it if new: in a map table
// (arenaEnd != 0) the new entry points at a copy of the word in the worker's arena. A table
// that would pass three-quarters full doubles, if `largest` allows; if not, or if the arena
// is full, this returns false and raises the overflow flag, and the host retries with larger
// tables and arenas.
function insert(
  table: usize, largest: u32, hash: u32, word: u32, key: u32, low: u64, high: u64, count: u32, state: usize,
): bool {
  let capacity = load<u32>(state, 4);
  while (true) {
    const mask = capacity - 1;
    let slot = (hash ^ (hash >> 15)) & mask;
    while (true) {
      const entry = table + <usize>slot * ENTRY;
      const n = load<u32>(entry, 12);
      if (n == 0) break;
      if (
        load<u32>(entry) == hash && load<u32>(entry, 8) == key && load<u64>(entry, 16) == low && load<u64>(entry, 24) == high &&
        sameTail(load<u32>(entry, 4), word, key)
      ) {
        store<u32>(entry, n + count, 12);
        return true;
      }
      slot = (slot + 1) & mask;
    }
    const entries = load<u32>(state) + 1;
    if (entries <= (capacity >> 1) + (capacity >> 2)) {
      const length = key & ~RAW;
      let owned = word;
      if (arenaEnd != 0) {
        owned = load<u32>(state, 12);
        if (<usize>owned + <usize>length > arenaEnd) { overflow(); return false; }
        memory.copy(<usize>owned, <usize>word, <usize>length);
        store<u32>(state, owned + length, 12);
      }
      const entry = table + <usize>slot * ENTRY;
      store<u32>(entry, hash);
      store<u32>(entry, owned, 4);
      store<u32>(entry, key, 8);
      store<u32>(entry, count, 12);
      store<u64>(entry, low, 16);
      store<u64>(entry, high, 24);
      store<u32>(state, entries);
      store<u32>(state, load<u32>(state, 8) + length + 1, 8);
      return true;
    }
    if (capacity >= largest) { overflow(); return false; }
    grow(table, largest, capacity, state);
    capacity <<= 1;
  }
}

// Doubles a table in place: its entries are copied to the spare half of the region (which
// begins `largest` entries in), the doubled table is cleared, and the entries re-inserted.
function grow(table: usize, largest: u32, capacity: u32, state: usize): void {
  const spare = table + <usize>largest * ENTRY;
  memory.copy(spare, table, <usize>capacity * ENTRY);
  memory.fill(table, 0, <usize>capacity * 2 * ENTRY);
  const mask = (capacity << 1) - 1;
  for (let e: u32 = 0; e < capacity; e++) {
    const from = spare + <usize>e * ENTRY;
    if (load<u32>(from, 12) == 0) continue;
    const hash = load<u32>(from);
    let slot = (hash ^ (hash >> 15)) & mask;
    while (load<u32>(table + <usize>slot * ENTRY, 12) != 0) slot = (slot + 1) & mask;
    memory.copy(table + <usize>slot * ENTRY, from, ENTRY);
  }
  store<u32>(state, capacity << 1, 4);
}

// The overflow flag of the call running on this instance (a global: instances are per
// worker), set on entry so that `insert` need not carry it.
let overflowFlag: usize = 0;

// The end of the running map's word arena (less its slack), or 0 in the merge, whose entries
// keep pointing at the map tables' arenas. A global for the same reason.
let arenaEnd: usize = 0;

function overflow(): void {
  atomic.store<i32>(overflowFlag, 1);
}

// Bytes [start + at, start + at + 8) of a word, folded, zero past its end.
// @ts-ignore: decorator
@inline function prefixWord(start: usize, length: usize, at: usize, fold: u64): u64 {
  if (at >= length) return 0;
  const word = load<u64>(start + at) | fold;
  return length - at >= 8 ? word : word & tailMask(length - at);
}

// Whether two words of the same key and the same first 16 bytes are equal past those bytes.
function sameTail(a: u32, b: u32, key: u32): bool {
  const length = <usize>(key & ~RAW);
  if (length <= PREFIX || a == b) return true;
  const fold = foldOf(key);
  const x = <usize>a;
  const y = <usize>b;
  let i: usize = PREFIX;
  for (; i + 8 <= length; i += 8) {
    if ((load<u64>(x + i) | fold) != (load<u64>(y + i) | fold)) return false;
  }
  if (i == length) return true;
  const mask = tailMask(length - i);
  return ((load<u64>(x + i) | fold) & mask) == ((load<u64>(y + i) | fold) & mask);
}

// Gather, run on the calling thread over partitions [lo, hi): writes every distinct word,
// ASCII words folded to lower case, each followed by a newline (never part of a word), so the
// host decodes all of them with one TextDecoder call; and per word its count, with the top
// bit set for raw words, which the host still lower-cases.
//   partitions of `capacity` entries each; out: the lines; counts: u32 per word;
//   writtenAt: the u32 count of words written.
export function gatherWords(
  lo: i32, hi: i32, partitions: usize, capacity: u32, out: usize, counts: usize, writtenAt: usize,
): void {
  let written = load<u32>(writtenAt);
  for (let p = lo; p < hi; p++) {
    const table = partitions + <usize>p * capacity * ENTRY;
    for (let e: u32 = 0; e < capacity; e++) {
      const entry = table + <usize>e * ENTRY;
      const n = load<u32>(entry, 12);
      if (n == 0) continue;
      const key = load<u32>(entry, 8);
      const length = <usize>(key & ~RAW);
      const word = <usize>load<u32>(entry, 4);
      if ((key & RAW) != 0) {
        memory.copy(out, word, length);
      } else {
        for (let i: usize = 0; i < length; i++) store<u8>(out + i, load<u8>(word + i) | 0x20);
      }
      store<u8>(out + length, 0x0a);
      out += length + 1;
      store<u32>(counts + (<usize>written << 2), n | (key & RAW));
      written++;
    }
  }
  store<u32>(writtenAt, written);
}
