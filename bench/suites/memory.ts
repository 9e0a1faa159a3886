// Peak memory: each case runs twice in fresh Node processes, once on its real input and once
// on a tiny one; the peak resident set (process.resourceUsage().maxRSS) of the tiny run is
// the pool's own cost (Node, the workers, the compiled module), and what the real run peaks
// above it is compared with the operation's data (inputs plus output, or the text counted).
// Targets (DESIGN.md): with inputs and outputs in the pool's memory (pool.alloc + out)
// ≤ 1.1 × data; with ordinary typed arrays ≤ 1.5 × data; word count ≤ 1.5 × the text (files
// read a batch at a time through a window: what it takes grows with the distinct words).
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { WINDOW_BYTES } from '../../src/ops/wordcount.js';
import { corpusFiles } from './wordcount.js';
import type { SuiteOptions } from '../options.js';

const execFileAsync = promisify(execFile);

const MiB = 2 ** 20;
const TINY_SIDE = 16;

interface Case {
  name: string;
  /** A script body run after `pool` is created, for input size `size`; it sets `bytes` to
   * the operation's data in bytes. */
  script: (size: number) => string;
  size: number;
  tiny: number;
  target: number;
  /** What to say under the table about this case, given its data in bytes. */
  note?: (bytes: number) => string;
}

const view = (side: number) =>
  `width: ${side}, height: ${side}, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 200`;

function cases(sizes: number[] | undefined, listFile: (count: number | undefined) => string): Case[] {
  const side = sizes?.[0] ?? 4096;
  const n = sizes?.[1] ?? 2048;
  return [
    {
      name: `mandelbrot ${side}², maxIter 200, out from pool.alloc`,
      script: (s) => `const out = pool.alloc(Uint32Array, ${s * s});
        await pool.mandelbrot({ ${view(s)}, out });
        bytes = out.byteLength;`,
      size: side,
      tiny: TINY_SIDE,
      target: 1.1,
    },
    {
      name: `mandelbrot ${side}², maxIter 200, ordinary result`,
      script: (s) => `const { data } = await pool.mandelbrot({ ${view(s)} });
        bytes = data.byteLength;`,
      size: side,
      tiny: TINY_SIDE,
      target: 1.5,
    },
    {
      name: `matmul f64 n = ${n}, A, B and out from pool.alloc`,
      script: (s) => `const a = { rows: ${s}, cols: ${s}, data: pool.alloc(Float64Array, ${s * s}).fill(1) };
        const b = { rows: ${s}, cols: ${s}, data: pool.alloc(Float64Array, ${s * s}).fill(2) };
        const out = pool.alloc(Float64Array, ${s * s});
        await pool.matmul(a, b, { out });
        bytes = a.data.byteLength + b.data.byteLength + out.byteLength;`,
      size: n,
      tiny: TINY_SIDE,
      target: 1.1,
      note: (bytes) => matmulNote(n, bytes, false),
    },
    {
      name: `matmul f64 n = ${n}, ordinary arrays`,
      script: (s) => `const a = { rows: ${s}, cols: ${s}, data: new Float64Array(${s * s}).fill(1) };
        const b = { rows: ${s}, cols: ${s}, data: new Float64Array(${s * s}).fill(2) };
        const c = await pool.matmul(a, b);
        bytes = a.data.byteLength + b.data.byteLength + c.data.byteLength;`,
      size: n,
      tiny: TINY_SIDE,
      target: 1.5,
      note: (bytes) => matmulNote(n, bytes, true),
    },
    {
      name: 'wordCount of the SpamAssassin corpus ×4 (files)',
      script: (count) => `const { readFileSync } = await import('node:fs');
        const files = JSON.parse(readFileSync(${JSON.stringify(listFile(count))}, 'utf8'));
        bytes = (await pool.wordCount({ files })).bytes;`,
      size: 0, // every file
      tiny: 1,
      target: 1.5,
      note: (bytes) =>
        `of which the window the files are read through, a batch at a time: ${mib(Math.min(bytes, WINDOW_BYTES))}`,
    },
  ];
}

/** What matmul of n × n f64 matrices holds in the shared memory beside the data, by the
 * sizing rules of src/ops/matmul.ts: B packed one panel at a time (whole tile columns of 256
 * in 4 MiB, one at least); with ordinary arrays also B's copy and one block of rows of A and
 * C (4 MiB, once their copies pass 8 MiB). */
function matmulNote(n: number, bytes: number, ordinary: boolean): string {
  const tileColumn = n * 256 * 8;
  const panel = Math.min(n * n * 8, Math.max(1, Math.floor((4 * MiB) / tileColumn)) * tileColumn);
  const parts = [[`B's packed panel`, panel]] as [string, number][];
  if (ordinary) {
    const copies = 2 * n * n * 8;
    parts.push([`B's copy`, n * n * 8], ['a block of A and C', copies <= 8 * MiB ? copies : 4 * MiB]);
  }
  const of = (size: number) => `${mib(size)} (${(size / bytes).toFixed(2)} × data)`;
  return `of which ${parts.map(([what, size]) => `${what}: ${of(size)}`).join(', ')}`;
}

const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

export async function memory({ workers, sizes }: SuiteOptions): Promise<void> {
  const index = fileURLToPath(new URL('./index.js', import.meta.url));
  const count = Math.max(...workers);
  // The list goes through a file: 24 000 paths are too long for a command line.
  const folder = mkdtempSync(join(tmpdir(), 'parwasm-memory-'));
  const files = corpusFiles(4);
  const listFile = (first: number | undefined): string => {
    const path = join(folder, `files-${first ?? 'all'}.json`);
    writeFileSync(path, JSON.stringify(first ? files.slice(0, first) : files));
    return path;
  };
  const peak = async (script: string): Promise<{ rss: number; bytes: number }> => {
    const source = `import { createPool } from ${JSON.stringify(index)};
      const pool = await createPool({ workers: ${count} });
      let bytes = 0;
      ${script}
      await pool.close();
      console.log(JSON.stringify({ rss: process.resourceUsage().maxRSS * 1024, bytes }));`;
    const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', source], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    return JSON.parse(stdout) as { rss: number; bytes: number };
  };

  console.log(`\n### Peak RSS above the same script on a tiny input, ${count} workers\n`);
  console.log('| operation | data | peak RSS | tiny input | above tiny | × data | target | within |');
  console.log('|---|---|---|---|---|---|---|---|');
  const notes: string[] = [];
  for (const { name, script, size, tiny, target, note } of cases(sizes, listFile)) {
    const small = await peak(script(tiny));
    const real = await peak(script(size));
    const above = real.rss - small.rss;
    const ratio = above / real.bytes;
    console.log(
      `| ${name} | ${mib(real.bytes)} | ${mib(real.rss)} | ${mib(small.rss)} | ${mib(above)} | ${ratio.toFixed(2)} | ≤ ${target} | ${ratio <= target ? 'yes' : 'no'} |`,
    );
    if (note) notes.push(`- ${name}: ${note(real.bytes)}`);
  }
  if (notes.length > 0) console.log(`\n${notes.join('\n')}`);
}
