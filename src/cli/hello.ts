// parwasm hello: the MPI-style hello world, one line per worker.
import { createPool } from '../pool/pool.js';
import { CLUSTER_FLAG, CLUSTER_FLAG_HELP, openCluster } from './cluster-flag.js';
import { parseCommand, positiveInteger } from './usage.js';

const HELP = `usage: parwasm hello [--workers N] [--cluster URL] [--json]

Starts a pool and prints one greeting per worker, by rank; with --cluster, one per worker of
every node of the cluster.

  --workers N     worker threads (default: the number of CPU cores)
${CLUSTER_FLAG_HELP}
  --json          print the replies as JSON`;

export async function runHello(args: string[]): Promise<void> {
  const flags = parseCommand(args, {
    workers: { type: 'string' },
    ...CLUSTER_FLAG,
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flags.help) {
    console.log(HELP);
    return;
  }
  if (flags.cluster !== undefined) return helloCluster(flags.cluster, flags.json === true);
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

async function helloCluster(url: string, json: boolean): Promise<void> {
  await using cluster = await openCluster(url);
  const replies = await cluster.hello();
  if (json) return void console.log(JSON.stringify(replies, null, 2));
  for (const { globalRank, globalSize, node, rank, size, threadId, hostname } of replies) {
    console.log(
      `Hello from worker ${globalRank} of ${globalSize} (node ${node}: worker ${rank} of ${size}, thread ${threadId} on ${hostname})`,
    );
  }
}
