// parwasm wordcount: count the words of files (the workers read them) and print the top ones.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createPool } from '../pool/pool.js';
import { progressBar, RUN_FLAGS, RUN_FLAGS_HELP, runOptions, summary } from './run-flags.js';
import { parseCommand, positiveInteger, UsageError } from './usage.js';

const HELP = `usage: parwasm wordcount [--top K] [run flags] FILE|DIR...

Counts the words of UTF-8 files (a directory stands for every file below it): maximal runs
of letters and numbers (/[\\p{L}\\p{N}]+/u), lower-cased. Prints the K most frequent words.

  --top K         how many words to print (default: 20)
${RUN_FLAGS_HELP}`;

export async function runWordCount(args: string[]): Promise<void> {
  const { values: flags, positionals } = parseCommand(args, { ...RUN_FLAGS, top: { type: 'string' } }, true);
  if (flags.help) return void console.log(HELP);
  if (positionals.length === 0) throw new UsageError('wordcount needs at least one file or directory');
  const files = (await Promise.all(positionals.map(expand))).flat();
  const top = positiveInteger(flags.top, 'top') ?? 20;
  await using pool = await createPool({ workers: positiveInteger(flags.workers, 'workers') });
  const bar = progressBar('segments');
  const start = performance.now();
  const result = await pool
    .wordCount({ files }, { ...runOptions(flags), onProgress: bar.onProgress })
    .finally(() => bar.stop());
  const ms = performance.now() - start;
  const { bytes } = result;
  if (flags.json) {
    console.log(
      JSON.stringify(
        {
          files: files.length,
          bytes,
          ms,
          totalWords: result.totalWords,
          distinct: result.counts.size,
          top: result.top(top),
          stats: result.stats,
        },
        null,
        2,
      ),
    );
    return;
  }
  console.log(
    `${files.length} files, ${(bytes / 1e6).toFixed(1)} MB: ${result.totalWords} words, ${result.counts.size} distinct, ` +
      `${ms.toFixed(0)} ms (${(bytes / 1e3 / ms).toFixed(1)} MB/s)`,
  );
  console.log(`  map step: ${summary(result.stats)}`);
  console.table(result.top(top).map(([word, count]) => ({ word, count })));
}

/** A file, or every file below a directory. */
async function expand(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => {
    throw new UsageError(`cannot read '${path}'`);
  });
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}
