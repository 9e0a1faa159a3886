// The client side of a cluster: what a program gets from connectCluster.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { PoolClosedError } from '../errors.js';
import type { HelloReply } from '../ops/hello.js';
import type { Matrix } from '../ops/matmul.js';
import { integerIn, knownKeys, optionsObject } from '../validate.js';
import { connect, redisUrl } from './connection.js';
import { DYNAMIC_QUEUE, nodeQueue, QUEUE_PREFIX } from './keys.js';
import { runOperation, type ClusterContext } from './operation.js';
import {
  clusterMandelbrot,
  clusterMatmul,
  clusterWordCount,
  type ClusterMandelbrotOptions,
  type ClusterMandelbrotResult,
  type ClusterMatmulResult,
  type ClusterWordCountResult,
} from './ops.js';
import { loadPeers, type Peers } from './peers.js';
import { liveNodes, type NodeInfo } from './registry.js';
import { validateClusterRun, type ClusterRunOptions } from './run-options.js';

export interface ClusterOptions {
  /** The cluster's Redis: `redis://[:password@]host[:port][/db]`, or `rediss://` for TLS. */
  redis: string;
  /** How long an operation waits while no node is serving before it rejects with
   * NodeLostError, in milliseconds. Default: 30000. */
  timeoutMs?: number;
}

/** One worker's greeting, from one node of the cluster. */
export interface ClusterHelloReply extends HelloReply {
  /** The node's name. */
  node: string;
  /** The worker's rank over the whole cluster: nodes by name, then workers by rank. */
  globalRank: number;
  /** Workers in the whole cluster. */
  globalSize: number;
}

/** Connects to a cluster's Redis. Rejects at once if Redis cannot be reached, or if the
 * optional packages bullmq and ioredis are not installed. */
export async function connectCluster(options: ClusterOptions): Promise<Cluster> {
  const bag = optionsObject(options, 'options');
  knownKeys(bag, 'options', ['redis', 'timeoutMs']);
  const url = redisUrl(bag.redis, 'options.redis');
  const timeoutMs =
    bag.timeoutMs === undefined ? 30_000 : integerIn(bag.timeoutMs, 'options.timeoutMs', 0, 2 ** 31 - 1);
  const peers = await loadPeers();
  // Commands fail after a few reconnection attempts rather than waiting for ever.
  const redis = await connect(peers, url, 3);
  return new Cluster(peers, redis, timeoutMs);
}

export class Cluster {
  readonly #peers: Peers;
  readonly #redis: Redis;
  readonly #queues = new Map<string, Queue>();
  readonly #context: ClusterContext;
  #closed = false;

  /** @internal Use connectCluster(). */
  constructor(peers: Peers, redis: Redis, timeoutMs: number) {
    this.#peers = peers;
    this.#redis = redis;
    this.#context = {
      redis,
      timeoutMs,
      queue: (node) => this.#queue(node === undefined ? DYNAMIC_QUEUE : nodeQueue(node)),
    };
  }

  /** The nodes serving now, by name. */
  nodes(): Promise<NodeInfo[]> {
    return this.#open(() => liveNodes(this.#redis));
  }

  /** Says hello from every worker of every node: one reply per worker, nodes by name, then
   * workers by rank. */
  hello(): Promise<ClusterHelloReply[]> {
    return this.#open(async () => {
      const replies: { node: string; workers: HelloReply[] }[] = [];
      await runOperation(this.#context, {
        operation: 'hello',
        kernel: 'parwasm.hello',
        n: 0,
        inputs: {},
        run: validateClusterRun({}, 'options'),
        jobsPerNode: 1,
        perNode: true,
        accept({ node }, payload) {
          replies.push({ node, workers: JSON.parse(payload.toString()) as HelloReply[] });
        },
      });
      replies.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
      const globalSize = replies.reduce((sum, reply) => sum + reply.workers.length, 0);
      let globalRank = 0;
      return replies.flatMap(({ node, workers }) =>
        workers.map((worker) => ({ ...worker, node, globalRank: globalRank++, globalSize })),
      );
    });
  }

  /** The local pool's mandelbrot, its rows computed by the nodes. */
  mandelbrot(options: ClusterMandelbrotOptions): Promise<ClusterMandelbrotResult> {
    return this.#open(() => clusterMandelbrot(this.#context, options));
  }

  /** The local pool's matmul, rows of C computed by the nodes; the result keeps the dtype. */
  matmul<D extends Float64Array | Float32Array>(
    a: Matrix<D>,
    b: Matrix<D>,
    options?: ClusterRunOptions,
  ): Promise<ClusterMatmulResult<D>> {
    return this.#open(() => clusterMatmul(this.#context, a, b, options));
  }

  /** The local pool's wordCount over files every node can read (a shared filesystem). */
  wordCount(input: { files: readonly string[] }, options?: ClusterRunOptions): Promise<ClusterWordCountResult> {
    return this.#open(() => clusterWordCount(this.#context, input, options));
  }

  /** Closes the connections; the process can then exit on its own. The nodes keep serving. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#queues.values()].map((queue) => queue.close()));
    await this.#redis.quit().catch(() => undefined);
  }

  /** `await using cluster = await connectCluster(...)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #open<T>(task: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new PoolClosedError();
    return task();
  }

  #queue(name: string): Queue {
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = new this.#peers.bullmq.Queue(name, { connection: this.#redis, prefix: QUEUE_PREFIX });
      // A lost connection is reported by the operation that meets it, not as a stray event.
      queue.on('error', () => undefined);
      this.#queues.set(name, queue);
    }
    return queue;
  }
}
