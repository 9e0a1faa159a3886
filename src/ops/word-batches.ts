// How wordCount cuts its text: files into batches that each fit the window of shared memory
// they are read into, and every file into segments, the map step's index space. Both are
// planned from the sizes alone, so the number of segments of the whole operation is known
// before any text is read (one run's progress across the batches).

/** Files [first, last), `bytes` of text in `segments` segments, the first of which is the
 * operation's segment number `segmentsBefore`. */
export interface Batch {
  first: number;
  last: number;
  bytes: number;
  segments: number;
  segmentsBefore: number;
}

/** Consecutive files, as many as fit `window` bytes together; a file larger than the window
 * is a batch of its own (the caller makes the window at least as large as any file). There
 * is always at least one batch, if only an empty one. */
export function planBatches(sizes: readonly number[], window: number, segmentBytes: number): Batch[] {
  const batches: Batch[] = [];
  let batch: Batch = { first: 0, last: 0, bytes: 0, segments: 0, segmentsBefore: 0 };
  sizes.forEach((size, i) => {
    if (batch.last > batch.first && batch.bytes + size > window) {
      batches.push(batch);
      batch = { first: i, last: i, bytes: 0, segments: 0, segmentsBefore: batch.segmentsBefore + batch.segments };
    }
    batch.last = i + 1;
    batch.bytes += size;
    batch.segments += segmentsOf(size, segmentBytes);
  });
  batches.push(batch);
  return batches;
}

/** The segments a document of `size` bytes is cut into: one per `target` bytes begun. */
function segmentsOf(size: number, target: number): number {
  return Math.ceil(size / target);
}

/** Cuts every document into `segmentsOf(size, target)` segments, each cut just after an
 * ASCII byte that is not a letter or digit, at or after an even share of the document: such
 * a byte is never inside a word nor inside a multi-byte sequence, so no word is split. Where
 * no such byte is left, the remaining segments are empty. Returns (start, end) pairs
 * relative to the text. */
export function planSegments(text: Uint8Array, starts: number[], sizes: number[], target: number): Uint32Array {
  const pairs = new Uint32Array(2 * sizes.reduce((count, size) => count + segmentsOf(size, target), 0));
  let at = 0;
  starts.forEach((start, i) => {
    const size = sizes[i]!;
    const end = start + size;
    const pieces = segmentsOf(size, target);
    let from = start;
    for (let piece = 1; piece <= pieces; piece++) {
      let cut = end;
      if (piece < pieces) {
        cut = Math.max(from, start + Math.floor((piece * size) / pieces));
        while (cut < end && !isAsciiSeparator(text[cut]!)) cut++;
        cut = Math.min(end, cut + 1);
      }
      pairs[at++] = from;
      pairs[at++] = cut;
      from = cut;
    }
  });
  return pairs;
}

function isAsciiSeparator(byte: number): boolean {
  return byte < 0x80 && !((byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7a));
}

/** Offsets of consecutive documents of `sizes` bytes laid one after another. */
export function offsets(sizes: readonly number[]): number[] {
  let at = 0;
  return sizes.map((size) => ((at += size), at - size));
}
