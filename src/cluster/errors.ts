// The errors only a cluster throws.

/** No node was serving an operation for longer than the cluster's `timeoutMs`: none had
 * joined, or every node that was computing it left. The work done so far is discarded. */
export class NodeLostError extends Error {
  override readonly name = 'NodeLostError' as const;
  constructor(
    /** The operation that could not finish: `mandelbrot`, `matmul`, `wordCount`, `hello`. */
    readonly operation: string,
    /** How long the cluster waited for a node, in milliseconds. */
    readonly waitedMs: number,
  ) {
    super(`cluster ${operation}: no node served it for ${waitedMs} ms (start one with: npx parwasm node --redis URL)`);
  }
}

/** Redis could not be reached, or the connection to it was lost during an operation. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError' as const;
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}
