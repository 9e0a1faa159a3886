// Word count of files through a bounded window of shared memory: files are read a batch at a
// time, the workers' tables keep their words across batches, so a corpus several times the
// pool's maxMemory counts exactly. Checked against the plain regex count of each file's text
// as TextDecoder decodes it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SCHEDULES, ValidationError, type Pool } from 'parwasm';
import { planBatches, planSegments } from '../src/ops/word-batches.js';
import { poolsOfSizes, seededRandom, wordCountReference } from './helpers.js';

const MAX_MEMORY = 2 << 20;
const small = poolsOfSizes([1, 2, 3], { maxMemory: MAX_MEMORY });
const wide = poolsOfSizes([5]);

const dir = mkdtempSync(join(tmpdir(), 'parwasm-batches-'));
let written = 0;
function writeFiles(contents: readonly Uint8Array[]): string[] {
  return contents.map((bytes) => {
    const file = join(dir, `f${written++}.txt`);
    writeFileSync(file, bytes);
    return file;
  });
}

const VOCABULARY = [
  ...Array.from({ length: 300 }, (_, i) => `word${i.toString(36)}`),
  'Straße',
  'ΣΊΣΥΦΟΣ',
  'σίσυφος',
  '東京都',
  '😀',
  '٣٤٥',
  'İstanbul',
  'a-very-long-hyphenated-word-with-many-parts-to-it',
  'averylongwordthatispastthesixteenbyteprefixofanentry',
];
const SEPARATORS = [' ', '  ', '\n', ', ', '. ', '\t', '\u00a0'];

/** About `bytes` of text from the vocabulary, drawn from `seed`. */
function text(bytes: number, seed: number): Uint8Array {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const parts: string[] = [];
  for (let length = 0; length < bytes;) {
    const part = pick(VOCABULARY) + pick(SEPARATORS);
    parts.push(part);
    length += part.length;
  }
  return new TextEncoder().encode(parts.join(''));
}

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function expectExact(pool: Pool, contents: readonly Uint8Array[], schedule?: (typeof SCHEDULES)[number]) {
  const files = writeFiles(contents);
  const result = await pool.wordCount({ files }, { schedule });
  const expected = wordCountReference(contents.map(decode));
  expect(result.counts.size).toBe(expected.size);
  for (const [word, count] of expected) {
    if (result.counts.get(word) !== count)
      expect.fail(`${JSON.stringify(word)}: ${result.counts.get(word)} where the definition gives ${count}`);
  }
  expect(result.totalWords).toBe([...expected.values()].reduce((a, b) => a + b, 0));
  expect(result.bytes).toBe(contents.reduce((sum, bytes) => sum + bytes.length, 0));
  // Each file read once, over all batches.
  expect(result.readStats!.n).toBe(files.length);
  return result;
}

describe('wordCount of files through a window of shared memory', () => {
  it(`counts a corpus three times the pool's maxMemory (${MAX_MEMORY} bytes), on every schedule`, async () => {
    const contents = Array.from({ length: 64 }, (_, i) => text(20_000 + ((i * 7919) % 200_000), i + 1));
    expect(contents.reduce((sum, bytes) => sum + bytes.length, 0)).toBeGreaterThan(3 * MAX_MEMORY);
    for (const [i, schedule] of SCHEDULES.entries()) await expectExact(small[i % small.length]!, contents, schedule);
  });

  it('reports the batches as one run: progress towards one total, telemetry counting every segment once', async () => {
    const contents = Array.from({ length: 40 }, (_, i) => text(100_000 + i * 1000, 50 + i));
    expect(contents.reduce((sum, bytes) => sum + bytes.length, 0)).toBeGreaterThan(2 * MAX_MEMORY); // several batches
    const files = writeFiles(contents);
    const reports: [number, number][] = [];
    const onProgress = (done: number, total: number) => void reports.push([done, total]);
    const result = await small[1]!.wordCount({ files }, { onProgress, progressMs: 1 });
    expect(result.counts).toEqual(wordCountReference(contents.map(decode)));
    const { n, perWorker } = result.stats;
    expect(n).toBeGreaterThanOrEqual(files.length); // a segment or more per file
    expect(perWorker.reduce((sum, worker) => sum + worker.items, 0)).toBe(n);
    expect(new Set(reports.map(([, total]) => total))).toEqual(new Set([n]));
    expect(reports.at(-1)).toEqual([n, n]);
    // Batches follow one another: what is done never goes back.
    for (let i = 1; i < reports.length; i++) expect(reports[i]![0]).toBeGreaterThanOrEqual(reports[i - 1]![0]);
  });

  it('counts batches of one file each and a file larger than the window', async () => {
    // The window is a quarter of the free memory (under 512 KiB here): files of 300 KB go
    // one per batch, and one of 1 MB gets a window of its own size.
    const contents = [text(300_000, 11), text(300_000, 12), text(1_000_000, 13), text(300_000, 14)];
    for (const pool of small) await expectExact(pool, contents);
  });

  it('counts empty files, files at batch edges ending or starting in malformed UTF-8', async () => {
    const truncated = Buffer.concat([Buffer.from(text(299_990, 21)), Buffer.from([0xe2, 0x82])]);
    const continuation = Buffer.concat([Buffer.from([0x82, 0xac, 0xce]), Buffer.from(text(299_990, 22))]);
    const contents = [
      new Uint8Array(0),
      truncated,
      continuation,
      new Uint8Array(0),
      Buffer.from([0xf0, 0x9f, 0x98]),
      Buffer.from([0x80, 0x41, 0x42, 0xc3]),
      new Uint8Array(0),
    ];
    for (const pool of small) await expectExact(pool, contents);
    for (const pool of small) await expectExact(pool, [new Uint8Array(0), new Uint8Array(0)]);
    for (const pool of small) await expectExact(pool, []);
  });

  it('counts with more workers than files, and a file of one word longer than several segments', async () => {
    await expectExact(wide[0]!, [text(50_000, 31), Buffer.from('Two words')]);
    await expectExact(wide[0]!, [new TextEncoder().encode(`${'Xy'.repeat(200_000)} tail`), Buffer.from('xY')]);
    await expectExact(wide[0]!, [text(3_000_000, 32)]);
  });

  it('refuses a file larger than the free memory before reading any, and the pool stays usable', async () => {
    const [big] = writeFiles([new Uint8Array(MAX_MEMORY)]);
    const error = await small[1]!.wordCount({ files: [big!] }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RangeError);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).argument).toBe('input');
    await expectExact(small[1]!, [text(10_000, 41)]);
  });

  it('starts over with larger word arenas when long distinct words fill them', async () => {
    // One segment (under 64 KiB) of 500 distinct words of 100 bytes: the worker that counts
    // it gets 50 kB of words, while the tables sized for the text (1024 entries for 5
    // workers) keep 16 bytes of words per entry, 16 KiB: its arena fills twice.
    const words = Array.from({ length: 500 }, (_, i) => `${i.toString(36).padStart(4, '0')}${'Q'.repeat(96)}`);
    for (const schedule of SCHEDULES) {
      const result = await expectExact(wide[0]!, [new TextEncoder().encode(words.join(' '))], schedule);
      expect(result.counts.size).toBe(500);
    }
  });
});

describe('planning batches and segments', () => {
  it('cuts every document into ceil(size / target) segments that cover it, each cut just after an ASCII separator', () => {
    const byte = fc.oneof(fc.constantFrom(0x20, 0x2c, 0x0a, 0x61, 0x5a, 0x39), fc.integer({ min: 0x80, max: 0xff }));
    fc.assert(
      fc.property(
        fc.array(fc.array(byte, { maxLength: 300 }), { maxLength: 6 }),
        fc.integer({ min: 1, max: 64 }),
        (documents, target) => {
          const sizes = documents.map((document) => document.length);
          const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
          const bytes = Uint8Array.from(documents.flat());
          const pairs = planSegments(bytes, starts, sizes, target);
          let at = 0;
          documents.forEach((document, d) => {
            const pieces = Math.ceil(document.length / target);
            for (let p = 0; p < pieces; p++, at += 2) {
              expect(pairs[at]).toBe(p === 0 ? starts[d] : pairs[at - 1]);
              const end = pairs[at + 1]!;
              expect(end).toBeGreaterThanOrEqual(pairs[at]!);
              const last = starts[d]! + document.length;
              if (end < last) expect([0x20, 0x2c, 0x0a]).toContain(bytes[end - 1]);
              if (p === pieces - 1) expect(end).toBe(last);
            }
          });
          expect(at).toBe(pairs.length);
        },
      ),
    );
  });

  it('puts consecutive files into batches that fit the window, a larger file alone, at least one batch', () => {
    expect(planBatches([], 10, 4)).toEqual([{ first: 0, last: 0, bytes: 0, segments: 0, segmentsBefore: 0 }]);
    expect(planBatches([4, 6, 0, 11, 3, 8], 10, 4)).toEqual([
      { first: 0, last: 3, bytes: 10, segments: 3, segmentsBefore: 0 },
      { first: 3, last: 4, bytes: 11, segments: 3, segmentsBefore: 3 },
      { first: 4, last: 5, bytes: 3, segments: 1, segmentsBefore: 6 },
      { first: 5, last: 6, bytes: 8, segments: 2, segmentsBefore: 7 },
    ]);
  });
});
