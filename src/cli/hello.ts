// parwasm hello: the MPI-style hello world, one line per worker.
import { createPool } from '../pool/create-pool.js';
import { parseCommand, positiveInteger } from './usage.js';

const HELP = `usage: parwasm hello [--workers N] [--json]

Starts a pool and prints one greeting per worker, by rank.

  --workers N   worker threads (default: the number of CPU cores)
  --json        print the replies as JSON`;

export async function runHello(args: string[]): Promise<void> {
  const flags = parseCommand(args, {
    workers: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flags.help) {
    console.log(HELP);
    return;
  }
  await using pool = await createPool({ workers: positiveInteger(flags.workers, 'workers') });
  const replies = await pool.hello();
  if (flags.json) {
    console.log(JSON.stringify(replies, null, 2));
    return;
  }
  for (const { rank, size, threadId, hostname } of replies) {
    console.log(`Hello from worker ${rank} of ${size} (thread ${threadId} on ${hostname})`);
  }
}
