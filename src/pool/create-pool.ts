// createPool of Node: the pool on worker_threads.
import { nodePlatform } from '../platform/node.js';
import type { PoolOptions } from './options.js';
import { startPool, type Pool } from './pool.js';

/** Starts a pool of worker threads that share one WebAssembly.Memory. Resolves once every
 * worker has instantiated the kernels on it. */
export function createPool(options?: PoolOptions): Promise<Pool> {
  return startPool(options, nodePlatform);
}
