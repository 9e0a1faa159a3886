// A cluster node: a local pool serving jobs from Redis until it is closed. It takes jobs
// from the queue all nodes share (`dynamic`) and from its own (`static`, hello), one at a
// time per queue, and computes each on all of its workers.
import { hostname } from 'node:os';
import type { Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { AbortError } from '../errors.js';
import { createPool } from '../pool/create-pool.js';
import type { Pool } from '../pool/pool.js';
import { connect, redactedUrl } from './connection.js';
import { DYNAMIC_QUEUE, ENDED_CHANNEL, inputKey, liveKey, nodeQueue, QUEUE_PREFIX, resultsKey } from './keys.js';
import { NODE_KERNELS, type InputReader } from './node-kernels.js';
import { loadPeers } from './peers.js';
import { encodeResult, type JobData, type ResultHeader } from './protocol.js';
import { register } from './registry.js';
import { LOCK_DURATION_MS, MAX_STALLED_COUNT, STALLED_INTERVAL_MS } from './settings.js';

export interface NodeOptions {
  /** The cluster's Redis: `redis://[:password@]host[:port][/db]` or `rediss://` (TLS). */
  redis: string;
  /** Worker threads. Default: the number of CPU cores. */
  workers?: number;
  /** The node's name in the cluster. Default: `<hostname>-<pid>`. */
  name?: string;
  /** Where the node says what it does (joins, operations, leaves). Default: none. */
  log?: (line: string) => void;
}

// Inputs of this many recent operations are kept; older ones are read again if needed.
const CACHED_OPERATIONS = 4;

// A node pushes a result only while its operation is live, so a job that finishes after its
// client has cleaned up leaves nothing behind.
const PUSH_IF_LIVE = `if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('RPUSH', KEYS[2], ARGV[1]) end
return 0`;

export interface ClusterNode {
  readonly name: string;
  readonly host: string;
  readonly workers: number;
  /** Stops taking jobs, lets the current ones finish, leaves the cluster and closes the pool. */
  close(): Promise<void>;
}

export async function startNode(options: NodeOptions): Promise<ClusterNode> {
  const peers = await loadPeers();
  const log = options.log ?? (() => undefined);
  const host = hostname();
  const name = options.name ?? `${host}-${process.pid}`;
  const redis = await connect(peers, options.redis, null);
  let pool: Pool | undefined;
  let subscriber: Redis | undefined;
  try {
    pool = await createPool(options.workers === undefined ? undefined : { workers: options.workers });
    subscriber = redis.duplicate();
    subscriber.on('error', () => undefined);
    const server = new JobServer(pool, redis, name, host, log);
    await subscriber.subscribe(ENDED_CHANNEL);
    subscriber.on('message', (_channel: string, op: string) => server.ended(op));
    const workerOptions = {
      connection: redis,
      // Stored on each job it takes (job.processedBy): who holds what, for operators and tests.
      name,
      prefix: QUEUE_PREFIX,
      concurrency: 1,
      lockDuration: LOCK_DURATION_MS,
      stalledInterval: STALLED_INTERVAL_MS,
      maxStalledCount: MAX_STALLED_COUNT,
      drainDelay: 1,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 0 },
    };
    const serve = (job: Job<JobData>) => server.run(job);
    const workers: Worker[] = [
      new peers.bullmq.Worker(DYNAMIC_QUEUE, serve, workerOptions),
      new peers.bullmq.Worker(nodeQueue(name), serve, workerOptions),
    ];
    for (const worker of workers) worker.on('error', (error) => log(`${name}: ${error.message}`));
    await Promise.all(workers.map((worker) => worker.waitUntilReady()));
    const registration = await register(redis, { name, host, workers: pool.size });
    log(`${name}: joined ${redactedUrl(options.redis)} with ${pool.size} workers on ${host}`);
    const ownPool = pool;
    const ownSubscriber = subscriber;
    let closing: Promise<void> | undefined;
    return {
      name,
      host,
      workers: pool.size,
      close() {
        closing ??= (async () => {
          // Unlisted first, so that no client gives it new work; then the jobs it holds finish.
          await registration.stop().catch(() => undefined);
          await Promise.all(workers.map((worker) => worker.close()));
          await ownSubscriber.quit().catch(() => undefined);
          await ownPool.close();
          await redis.quit().catch(() => undefined);
          log(`${name}: left`);
        })();
        return closing;
      },
    };
  } catch (error) {
    subscriber?.disconnect();
    await pool?.close();
    redis.disconnect();
    throw error;
  }
}

/** Runs jobs: looks the kernel up, reads the operation's inputs once, computes, pushes the
 * result (or the error) to the operation's results list. */
class JobServer {
  readonly #inputs = new Map<string, Promise<unknown>>();
  readonly #running = new Map<string, { op: string; controller: AbortController }>();

  constructor(
    readonly pool: Pool,
    readonly redis: Redis,
    readonly name: string,
    readonly host: string,
    readonly log: (line: string) => void,
  ) {
    redis.defineCommand('pushIfLive', { numberOfKeys: 2, lua: PUSH_IF_LIVE });
  }

  /** The client announced that operation `op` ended: stop its jobs, forget its inputs. */
  ended(op: string): void {
    this.#inputs.delete(op);
    for (const job of this.#running.values())
      if (job.op === op) job.controller.abort(new AbortError('operation ended'));
  }

  async run(job: Job<JobData>): Promise<void> {
    const { op, kernel: kernelName, index, lo, hi } = job.data;
    const startedAt = Date.now();
    const start = performance.now();
    const controller = new AbortController();
    const key = job.id ?? `${op}.${index}`;
    this.#running.set(key, { op, controller });
    const header = {
      index,
      node: this.name,
      host: this.host,
      lo,
      hi,
      items: hi - lo,
      startedAt,
      retried: job.attemptsStarted > 1 || job.stalledCounter > 0,
    };
    try {
      const kernel = NODE_KERNELS[kernelName];
      if (!kernel) throw new Error(`node ${this.name} has no kernel '${kernelName}'`);
      const read = this.#reader(op);
      const input = await this.#input(op, () => {
        this.log(`${this.name}: operation ${op} (${kernelName})`);
        return kernel.load(read);
      });
      const payload = await kernel.run({ pool: this.pool, input, lo, hi, read, signal: controller.signal });
      await this.#push(op, { ...header, busyMs: performance.now() - start, endedAt: Date.now() }, payload);
    } catch (error) {
      // A job of an operation that ended stops quietly; any other failure is the client's to report.
      if (controller.signal.aborted) throw error;
      const { name, message } = error as Error;
      const failure = { ...header, busyMs: performance.now() - start, endedAt: Date.now(), error: { name, message } };
      await this.#push(op, failure, new Uint8Array(0));
      throw error;
    } finally {
      this.#running.delete(key);
    }
  }

  #push(op: string, header: ResultHeader, payload: Uint8Array): Promise<unknown> {
    return (this.redis as Redis & { pushIfLive(...args: (string | Buffer)[]): Promise<number> }).pushIfLive(
      liveKey(op),
      resultsKey(op),
      encodeResult(header, payload),
    );
  }

  #input(op: string, load: () => Promise<unknown>): Promise<unknown> {
    let input = this.#inputs.get(op);
    if (!input) {
      input = load();
      input.catch(() => this.#inputs.delete(op));
      this.#inputs.set(op, input);
      if (this.#inputs.size > CACHED_OPERATIONS) this.#inputs.delete(this.#inputs.keys().next().value!);
    }
    return input;
  }

  #reader(op: string): InputReader {
    const missing = (name: string) => new Error(`operation ${op} has ended (its input '${name}' is gone)`);
    return {
      get: async (name) => {
        const value = await this.redis.getBuffer(inputKey(op, name));
        if (value === null) throw missing(name);
        return value;
      },
      getRange: async (name, start, end) => {
        if (end <= start) return Buffer.alloc(0);
        const value = await this.redis.getrangeBuffer(inputKey(op, name), start, end - 1);
        if (value.length !== end - start) throw missing(name);
        return value;
      },
    };
  }
}
