// node examples/word-frequencies.mjs FILE... — the 10 most frequent words of some files,
// read and counted by the workers.
import { createPool } from 'parwasm';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node examples/word-frequencies.mjs FILE...');
  process.exit(2);
}
const pool = await createPool(); // in TypeScript: `await using pool = …`
try {
  const { top, totalWords, counts } = await pool.wordCount({ files });
  console.log(`${totalWords} words, ${counts.size} distinct`);
  console.table(top(10).map(([word, count]) => ({ word, count })));
} finally {
  await pool.close();
}
