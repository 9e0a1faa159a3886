// node examples/hello.mjs — one greeting per worker, by rank.
import { createPool } from 'parwasm';

const pool = await createPool(); // in TypeScript: `await using pool = …`
try {
  for (const { rank, size, threadId, hostname } of await pool.hello()) {
    console.log(`hello from worker ${rank} of ${size} (thread ${threadId} on ${hostname})`);
  }
} finally {
  await pool.close();
}
