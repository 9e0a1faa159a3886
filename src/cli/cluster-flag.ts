// --cluster URL: which commands take it, and the errors a cluster run reports in one line.
// Small on purpose: the CLI's entry loads it on every run, and the cluster code on demand.

/** The commands that run on a cluster's nodes when given --cluster URL. */
export const CLUSTER_COMMANDS = ['hello', 'mandelbrot', 'matmul', 'wordcount'] as const;
export type ClusterCommand = (typeof CLUSTER_COMMANDS)[number];

/** The command, if it is to run on a cluster: one of CLUSTER_COMMANDS with --cluster among its arguments. */
export function clusterCommand(command: string, args: string[]): ClusterCommand | undefined {
  const clustered = CLUSTER_COMMANDS.find((name) => name === command);
  return clustered && args.some((arg) => arg === '--cluster' || arg.startsWith('--cluster=')) ? clustered : undefined;
}

/** Errors a cluster run reports in one line (exit code 1) rather than as a stack. */
export function isClusterError(error: unknown): error is Error {
  return (
    error instanceof Error &&
    (['RedisUnavailableError', 'NodeLostError'].includes(error.name) ||
      error.message.startsWith('parwasm/cluster needs'))
  );
}
