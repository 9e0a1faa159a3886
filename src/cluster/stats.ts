// What a cluster operation reports: per node, as a pool reports per worker.

/** One node's share of an operation. */
export interface NodeStats {
  name: string;
  host: string;
  /** Jobs whose result counted (a job computed twice counts for the node that finished first). */
  jobs: number;
  /** Indices of the operation's space in those jobs. */
  items: number;
  /** Milliseconds the node spent on those jobs (reading inputs included). */
  busyMs: number;
  /** Jobs this node ran that another node had taken and lost (its lock expired). */
  retries: number;
}

/** One job of a traced operation: `node` computed `[lo, hi)` from `t0` to `t1`, in ms since
 * the operation started (the node's clock against the client's: machines should keep time,
 * e.g. with NTP). */
export interface JobRecord {
  node: string;
  host: string;
  lo: number;
  hi: number;
  t0: number;
  t1: number;
}

export interface ClusterStats {
  /** `dynamic`: one queue all nodes pull from; `static`: each node's block on its own queue. */
  schedule: 'dynamic' | 'static';
  /** Items per job. */
  chunk: number;
  /** Size of the index space. */
  n: number;
  /** Jobs the operation was cut into. */
  jobs: number;
  /** Milliseconds from queueing the jobs to the last result. */
  wallMs: number;
  /** Largest busy time over mean busy time, across the nodes that took part: 1 is a perfect balance. */
  imbalance: number;
  perNode: NodeStats[];
  /** With `trace: true`: every job, in order of start time. */
  trace?: JobRecord[];
}

/** Adds a job whose result counted to its node's stats (a node that joined mid-run gets an entry). */
export function countJob(
  perNode: Map<string, NodeStats>,
  job: { node: string; host: string; items: number; busyMs: number; retried: boolean },
): void {
  let stats = perNode.get(job.node);
  if (!stats) {
    stats = { name: job.node, host: job.host, jobs: 0, items: 0, busyMs: 0, retries: 0 };
    perNode.set(job.node, stats);
  }
  stats.jobs += 1;
  stats.items += job.items;
  stats.busyMs += job.busyMs;
  if (job.retried) stats.retries += 1;
}

export function imbalance(perNode: readonly NodeStats[]): number {
  const busy = perNode.map((node) => node.busyMs);
  const mean = busy.reduce((sum, ms) => sum + ms, 0) / Math.max(1, busy.length);
  return mean > 0 ? Math.max(...busy) / mean : 1;
}
