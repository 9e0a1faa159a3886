// --cluster URL: run a command's operation on a cluster (nodes started with `parwasm node`)
// instead of a local pool.
import type { Cluster } from '../cluster/client.js';

export const CLUSTER_FLAG = { cluster: { type: 'string' } } as const;

export const CLUSTER_FLAG_HELP = `  --cluster URL   run on the cluster whose Redis is at URL (redis://[:password@]host[:port]),
                  served by 'parwasm node'; needs the packages bullmq and ioredis`;

/** Connects to the cluster at `url`; loaded on demand, so other runs never need bullmq. */
export async function openCluster(url: string): Promise<Cluster> {
  const { connectCluster } = await import('../cluster/client.js');
  return connectCluster({ redis: url });
}

/** Errors a cluster run reports in one line (exit code 1) rather than as a stack. */
export function isClusterError(error: unknown): error is Error {
  return (
    error instanceof Error &&
    (['RedisUnavailableError', 'NodeLostError'].includes(error.name) ||
      error.message.startsWith('parwasm/cluster needs'))
  );
}
