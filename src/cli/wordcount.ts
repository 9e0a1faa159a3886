// parwasm wordcount: count the words of files (the workers read them) and print the top ones.
import { stat } from 'node:fs/promises';
import { createPool } from '../pool/create-pool.js';
import { listFiles } from './list-files.js';
import { poolOptions, progressBar, RUN_FLAGS, RUN_FLAGS_HELP, runOptions, summary } from './run-flags.js';
import { parseCommand, positiveInteger, UsageError } from './usage.js';

const HELP = `usage: parwasm wordcount [--top K] [run flags] FILE|DIR...

Counts the words of UTF-8 files (a directory stands for every file below it, symbolic links
followed; a link back into its own directory is skipped and said on stderr): maximal runs
of letters and numbers (/[\\p{L}\\p{N}]+/u), lower-cased. Prints the K most frequent words.

  --top K         how many words to print (default: 20)
${RUN_FLAGS_HELP}`;

export async function runWordCount(args: string[]): Promise<void> {
  const { values: flags, positionals } = parseCommand(args, { ...RUN_FLAGS, top: { type: 'string' } }, true);
  if (flags.help) return void console.log(HELP);
  if (positionals.length === 0) throw new UsageError('wordcount needs at least one file or directory');
  const top = positiveInteger(flags.top, 'top') ?? 20;
  const options = poolOptions(flags);
  const run = runOptions(flags);
  const files = await listFiles(positionals, (line) => console.error(`parwasm: ${line}`));
  // For the progress bar only: the workers read the files through a window of the pool's
  // memory a batch at a time, so the text may be larger than --max-memory.
  const bytes = await totalBytes(files);
  await using pool = await createPool(options);
  // The workers read the files, then count words in segments of about equal size, so
  // progress through the segments is progress through the bytes.
  const megabytes = (done: number, total: number): string =>
    `${((bytes * done) / total / 1e6).toFixed(1)}/${(bytes / 1e6).toFixed(1)} MB`;
  const bar = progressBar('counting words', megabytes);
  bar.phase(`reading ${files.length} files (${(bytes / 1e6).toFixed(1)} MB)`);
  const start = performance.now();
  const result = await pool
    .wordCount({ files }, { ...run, onProgress: (done, total) => bar.update(done, total) })
    .finally(() => bar.stop());
  const ms = performance.now() - start;
  const counted = result.bytes; // the bytes the workers read, for the MB/s line
  if (flags.json) {
    console.log(
      JSON.stringify(
        {
          files: files.length,
          bytes: counted,
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
    `${files.length} files, ${(counted / 1e6).toFixed(1)} MB: ${result.totalWords} words, ${result.counts.size} distinct, ` +
      `${ms.toFixed(0)} ms (${(counted / 1e3 / ms).toFixed(1)} MB/s)`,
  );
  console.log(`  map step: ${summary(result.stats)}`);
  console.table(result.top(top).map(([word, count]) => ({ word, count })));
}

/** The total size of some files, in bytes. */
export async function totalBytes(files: string[]): Promise<number> {
  const sizes = await Promise.all(files.map(async (file) => (await stat(file)).size));
  return sizes.reduce((sum, size) => sum + size, 0);
}
