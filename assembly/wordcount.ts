// Word count: the map step tokenises UTF-8 text into words — maximal runs of code points
// that are letters or numbers (/[\p{L}\p{N}]+/u) — and counts them in the worker's own hash
// table; the reduce step merges the workers' tables, one hash partition per index.
//
// Keys: a word made only of ASCII bytes is keyed by its lower-cased bytes (what
// toLowerCase() gives for ASCII); any other word is keyed by its raw bytes, and the host
// lower-cases it once per distinct raw word. Entries point at the word's first occurrence
// in the text, which stays in place for the whole operation.
//
// Malformed UTF-8 is decoded as the WHATWG decoder (TextDecoder) does: each maximal invalid
// subpart becomes U+FFFD — not a letter — and decoding resumes at the byte that broke it.
//
//   ARGS_I32: [0] text  [1] segments (u32 start, end)  [2] letter-or-number bitmap over code
//             points  [3] map tables (one per worker)  [4] map capacity (entries, a power of 2)
//             [5] overflow flag (i32)  [6] partition tables  [7] partition capacity
//             [8] partitions  [9] workers  [10] words counted (u64)  [11] entries used (u32
//             per worker in the map step, per partition in the reduce step)
import { ARGS_I32 } from "./layout";
import { rank } from "./worker";

const ENTRY: usize = 16; // u32 hash, u32 offset, u32 length | RAW, u32 count (0 = empty)
const RAW: u32 = 0x80000000; // the key is raw (not ASCII-lower-cased) bytes
const FNV_OFFSET: u32 = 0x811c9dc5;
const FNV_PRIME: u32 = 0x01000193;
const REPLACEMENT: i32 = 0xfffd;

// @ts-ignore: decorator
@inline function arg(index: i32): i32 { return load<i32>(ARGS_I32 + index * 4); }

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
@inline function lowerAscii(byte: u32): u32 {
  return byte - 0x41 < 26 ? byte | 0x20 : byte;
}

// Map, index = segment: count the words of one segment into this worker's table.
export function countWords(lo: i32, hi: i32): void {
  const text = <usize>arg(0);
  const segments = <usize>arg(1);
  const table = <usize>arg(2);
  const capacity = <u32>arg(4);
  const mine = <usize>arg(3) + <usize>rank * capacity * ENTRY;
  const used = <usize>arg(11) + (<usize>rank << 2);
  let words: u64 = 0;
  for (let s = lo; s < hi; s++) {
    let at = text + <usize>load<u32>(segments + (<usize>s << 3));
    const end = text + <usize>load<u32>(segments + (<usize>s << 3), 4);
    while (at < end) {
      // Skip to the start of a word.
      const byte = <u32>load<u8>(at);
      if (byte < 0x80) {
        if (!isAsciiWordByte(byte)) { at++; continue; }
      } else {
        const cp = decode(at, end);
        if (!isWordCodePoint(table, cp)) { at += <usize>decodedLength; continue; }
      }
      // Read the word, hashing its lower-cased bytes while it is all ASCII.
      const start = at;
      let ascii = true;
      let hash = FNV_OFFSET;
      while (at < end) {
        const b = <u32>load<u8>(at);
        if (b < 0x80) {
          if (!isAsciiWordByte(b)) break;
          hash = (hash ^ lowerAscii(b)) * FNV_PRIME;
          at++;
        } else {
          const cp = decode(at, end);
          if (!isWordCodePoint(table, cp)) break;
          ascii = false;
          at += <usize>decodedLength;
        }
      }
      const length = <u32>(at - start);
      let key = length;
      if (!ascii) {
        key = length | RAW;
        hash = FNV_OFFSET;
        for (let p = start; p < at; p++) hash = (hash ^ <u32>load<u8>(p)) * FNV_PRIME;
        hash ^= RAW;
      }
      if (!insert(mine, capacity, text, mix(hash), <u32>(start - text), key, 1, used)) return;
      words++;
    }
  }
  atomic.add<u64>(<usize>arg(10), words);
}

// Reduce, index = partition: merge the entries of every worker's table whose hash falls in
// this partition into the partition's table.
export function mergePartitions(lo: i32, hi: i32): void {
  const text = <usize>arg(0);
  const maps = <usize>arg(3);
  const capacity = <u32>arg(4);
  const partitions = <usize>arg(6);
  const partitionCapacity = <u32>arg(7);
  const count = <u32>arg(8);
  const workers = arg(9);
  for (let p = lo; p < hi; p++) {
    const out = partitions + <usize>p * partitionCapacity * ENTRY;
    const used = <usize>arg(11) + (<usize>p << 2);
    for (let w = 0; w < workers; w++) {
      const table = maps + <usize>w * capacity * ENTRY;
      for (let e: u32 = 0; e < capacity; e++) {
        const entry = table + <usize>e * ENTRY;
        const n = load<u32>(entry, 12);
        if (n == 0) continue;
        const hash = load<u32>(entry);
        if (partitionOf(hash, count) != <u32>p) continue;
        if (!insert(out, partitionCapacity, text, hash, load<u32>(entry, 4), load<u32>(entry, 8), n, used)) return;
      }
    }
  }
}

// @ts-ignore: decorator
@inline function partitionOf(hash: u32, partitions: u32): u32 {
  return <u32>((<u64>hash * partitions) >> 32);
}

// murmur3's finaliser: FNV-1a's low bits are weak, and the table index uses them.
// @ts-ignore: decorator
@inline function mix(hash: u32): u32 {
  hash ^= hash >> 16; hash *= 0x85ebca6b;
  hash ^= hash >> 13; hash *= 0xc2b2ae35;
  return hash ^ (hash >> 16);
}

// Adds `count` to the key's entry (linear probing), creating it if new. Returns false, and
// raises the overflow flag, when the table is too full to take it: the host then retries
// with larger tables.
function insert(table: usize, capacity: u32, text: usize, hash: u32, offset: u32, key: u32, count: u32, used: usize): bool {
  const mask = capacity - 1;
  let slot = (hash ^ (hash >> 15)) & mask;
  while (true) {
    const entry = table + <usize>slot * ENTRY;
    const n = load<u32>(entry, 12);
    if (n == 0) {
      const entries = load<u32>(used) + 1;
      if (entries > (capacity >> 1) + (capacity >> 2)) { overflow(); return false; }
      store<u32>(used, entries);
      store<u32>(entry, hash);
      store<u32>(entry, offset, 4);
      store<u32>(entry, key, 8);
      store<u32>(entry, count, 12);
      return true;
    }
    if (load<u32>(entry) == hash && load<u32>(entry, 8) == key && sameWord(text, load<u32>(entry, 4), offset, key)) {
      store<u32>(entry, n + count, 12);
      return true;
    }
    slot = (slot + 1) & mask;
  }
}

function overflow(): void {
  atomic.store<i32>(<usize>arg(5), 1);
}

function sameWord(text: usize, a: u32, b: u32, key: u32): bool {
  if (a == b) return true;
  const length = <usize>(key & ~RAW);
  const x = text + <usize>a;
  const y = text + <usize>b;
  if ((key & RAW) != 0) return memory.compare(x, y, length) == 0;
  for (let i: usize = 0; i < length; i++) {
    if (lowerAscii(<u32>load<u8>(x + i)) != lowerAscii(<u32>load<u8>(y + i))) return false;
  }
  return true;
}
