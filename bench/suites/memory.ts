// Peak memory: each operation once in a fresh Node process, whose peak resident set
// (process.resourceUsage().maxRSS) is compared with the operation's data — inputs plus output
// — against the target: peak RSS ≤ 1.5 × data + 64 MiB.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { corpusFiles } from './wordcount.js';
import type { SuiteOptions } from '../options.js';

const execFileAsync = promisify(execFile);

const MiB = 2 ** 20;

/** Each case: a script body run after `pool` is created, and the bytes of its data. */
function cases(sizes: number[] | undefined): { name: string; script: string; dataBytes: number }[] {
  const side = sizes?.[0] ?? 4096;
  const n = sizes?.[1] ?? 2048;
  const files = corpusFiles(4);
  // The list goes through a file: 24 000 paths are too long for a command line.
  const list = join(mkdtempSync(join(tmpdir(), 'parwasm-memory-')), 'files.json');
  writeFileSync(list, JSON.stringify(files));
  return [
    { name: 'empty pool (baseline)', script: 'await pool.hello();', dataBytes: 0 },
    {
      name: `mandelbrot ${side}², maxIter 200`,
      script: `await pool.mandelbrot({ width: ${side}, height: ${side}, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 200 });`,
      dataBytes: side * side * 4,
    },
    {
      name: `matmul f64 n = ${n}`,
      script: `const a = { rows: ${n}, cols: ${n}, data: new Float64Array(${n * n}).fill(1) };
        await pool.matmul(a, a);`,
      dataBytes: 3 * n * n * 8,
    },
    {
      name: `wordCount of ${files.length} files (SpamAssassin ×4)`,
      script: `const { readFileSync } = await import('node:fs');
        await pool.wordCount({ files: JSON.parse(readFileSync(${JSON.stringify(list)}, 'utf8')) });`,
      dataBytes:
        Number(
          execFileSync('du', ['-cb', ...new Set(files)], { encoding: 'utf8' })
            .trim()
            .split('\n')
            .at(-1)!
            .split('\t')[0],
        ) * 4,
    },
  ];
}

export async function memory({ workers, sizes }: SuiteOptions): Promise<void> {
  const index = fileURLToPath(new URL('./index.js', import.meta.url));
  const count = Math.max(...workers);
  console.log(`\n### Peak RSS, one operation in a fresh process, ${count} workers\n`);
  console.log('| operation | data | peak RSS | 1.5 × data + 64 MiB | within |');
  console.log('|---|---|---|---|---|');
  for (const { name, script, dataBytes } of cases(sizes)) {
    const source = `import { createPool } from ${JSON.stringify(index)};
      const pool = await createPool({ workers: ${count} });
      ${script}
      await pool.close();
      console.log(process.resourceUsage().maxRSS * 1024);`;
    const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', source], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    const peak = Number(stdout.trim());
    const limit = 1.5 * dataBytes + 64 * MiB;
    const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
    console.log(`| ${name} | ${mib(dataBytes)} | ${mib(peak)} | ${mib(limit)} | ${peak <= limit ? 'yes' : 'no'} |`);
  }
}
