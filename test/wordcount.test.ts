import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SCHEDULES } from 'parwasm';
import { ASCII_WORD_PIECES, poolIndex, poolsOfSizes, wordCountReference as reference } from './helpers.js';

const pools = poolsOfSizes([1, 2, 3, 5]);

function expectSameCounts(actual: Map<string, number>, expected: Map<string, number>): void {
  expect(actual.size).toBe(expected.size);
  for (const [word, count] of expected) {
    if (actual.get(word) !== count)
      expect.fail(`${JSON.stringify(word)}: ${actual.get(word)} where the definition gives ${count}`);
  }
}

// Pieces of text from many scripts and categories; documents are random sequences of them.
const PIECES = [
  'hello',
  'World',
  'HELLO',
  'naïve',
  'Ÿ',
  'ß',
  'STRASSE',
  'İstanbul',
  'ıi',
  'ΣΊΣΥΦΟΣ',
  'σίσυφος',
  'ΟΔΟΣ',
  'Σ',
  'Москва',
  'ЁЖ',
  '東京都',
  '日本語のテキスト',
  'العربية',
  'हिन्दी',
  'e\u0301',
  'a\u0308\u0323',
  '𝐀𝐁𝐂',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '😀',
  '123',
  '٣٤٥',
  '१२३',
  'Ⅻ',
  'ⅷ',
  '½',
  '²',
  '①',
  '_',
  '-',
  "'",
  ' ',
  '  ',
  '\n',
  '\t',
  '.',
  ',',
  '!?',
  '\u00a0',
  '\u3000',
  '\ud800',
  '\udfff',
  '\u200d',
  'ǅ',
  'ﬁ',
  'K',
  'Å',
  'ẞ',
  ...ASCII_WORD_PIECES,
];
const documentArb = fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((parts) => parts.join(''));

describe('wordCount', () => {
  it('counts exactly as the regex and toLowerCase define, on every schedule and worker count', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(documentArb, { maxLength: 12 }),
        fc.constantFrom(...SCHEDULES),
        poolIndex(pools),
        async (documents, schedule, poolIndex) => {
          const result = await pools[poolIndex]!.wordCount(documents, { schedule });
          const expected = reference(documents);
          expectSameCounts(result.counts, expected);
          expect(result.totalWords).toBe([...expected.values()].reduce((a, b) => a + b, 0));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('handles no documents, empty documents and separators only', async () => {
    for (const documents of [[], [''], ['', '', ''], ['... ,,, !!!\n\t '], ['\ud800\udbff']]) {
      const result = await pools[1]!.wordCount(documents);
      expect(result.counts.size).toBe(0);
      expect(result.totalWords).toBe(0);
    }
  });

  it('splits one document larger than all the others together without losing a word', async () => {
    const big = Array.from({ length: 200_000 }, (_, i) => PIECES[i % PIECES.length]).join(' ');
    const documents = [big, 'small one', 'Another Small ONE'];
    for (const pool of pools) expectSameCounts((await pool.wordCount(documents)).counts, reference(documents));
  });

  it('grows its hash tables when the text has more distinct words than they were sized for', async () => {
    const documents = [Array.from({ length: 300_000 }, (_, i) => `w${i.toString(36)}`).join(' ')];
    // The workers see disjoint words: the merge's partitions, sized from the largest worker's
    // table, overflow and start over larger.
    for (const pool of [pools[1]!, pools[3]!]) {
      const result = await pool.wordCount(documents);
      expect(result.counts.size).toBe(300_000);
      expect(result.totalWords).toBe(300_000);
      expect(result.counts.get('w0') === 1 && result.counts.get(`w${(299_999).toString(36)}`) === 1).toBe(true);
    }
  });

  it('reads files on the workers, decoding invalid UTF-8 as TextDecoder does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parwasm-words-'));
    const contents = [
      Buffer.from(`plain ascii Words words ${ASCII_WORD_PIECES.join(' ')}`),
      Buffer.from([
        0x61, 0x62, 0xff, 0x63, 0xc3, 0xa9, 0x64, 0xc3, 0x41, 0xe2, 0x82, 0x42, 0xf0, 0x9f, 0x98, 0xed, 0xa0, 0x80,
        0x78, 0xc0, 0xaf, 0x79, 0xe0, 0x80, 0x7a,
      ]),
      Buffer.concat([Buffer.from('ends in a truncated sequence '), Buffer.from([0xce])]),
      Buffer.from([0xce, 0xb1, 0xce]),
      Buffer.alloc(0),
    ];
    const files = contents.map((bytes, i) => {
      const file = join(dir, `doc${i}.txt`);
      writeFileSync(file, bytes);
      return file;
    });
    const decoded = contents.map((bytes) => new TextDecoder().decode(bytes));
    for (const schedule of SCHEDULES) {
      const result = await pools[2]!.wordCount({ files }, { schedule });
      expectSameCounts(result.counts, reference(decoded));
      expect(result.bytes).toBe(contents.reduce((sum, bytes) => sum + bytes.length, 0));
    }
  });

  it('reports the bytes of UTF-8 text it counted (what the CLI divides by for MB/s)', async () => {
    const documents = ['héllo wörld', '', 'σίσυφος 𝒳 x', 'a'];
    const encoded = documents.map((document) => new TextEncoder().encode(document).length);
    expect(encoded).toEqual([13, 0, 21, 1]);
    expect((await pools[1]!.wordCount(documents)).bytes).toBe(35);
    expect((await pools[1]!.wordCount([])).bytes).toBe(0);
  });

  it.each([
    [null, 'input must be an array of strings or { files: string[] }'],
    ['text', 'input must be an array'],
    [['ok', 3], 'input[1] must be a string'],
    [{ files: ['a', ''] }, 'input.files[1] must be a non-empty path string'],
    [{ files: 'a.txt' }, 'input must be an array'],
  ])('refuses %o', async (input, message) => {
    const error = await pools[1]!.wordCount(input as never).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(message);
  });

  it('ranks the top words by count, ties in code-point order', async () => {
    const result = await pools[1]!.wordCount(['b a c b a \uffff 𝐀 \uffff 𝐀 z']);
    // Ties of 2: a, b, then 𝐀 (U+1D400); ties of 1: c before z. U+FFFF is not a word.
    expect(result.top(4)).toEqual([
      ['a', 2],
      ['b', 2],
      ['𝐀', 2],
      ['c', 1],
    ]);
  });
});
