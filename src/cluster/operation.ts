// One operation on the cluster: cut the index space into jobs, write the inputs to Redis
// once, queue the jobs, gather each job's result once, and remove every key and job of the
// operation when it ends, whether it succeeded, failed or was aborted.
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { AbortError } from '../errors.js';
import { staticBlock } from '../schedule/schedules.js';
import { NodeLostError, RedisUnavailableError } from './errors.js';
import { ENDED_CHANNEL, inputKey, liveKey, resultsKey } from './keys.js';
import { decodeResult, type JobData, type ResultHeader } from './protocol.js';
import { liveNodes, type NodeInfo } from './registry.js';
import type { ValidatedClusterRun } from './run-options.js';
import { LOCK_DURATION_MS, STALLED_INTERVAL_MS } from './settings.js';
import { countJob, imbalance, type ClusterStats, type JobRecord, type NodeStats } from './stats.js';

/** What the client gives an operation to run. */
export interface ClusterContext {
  redis: Redis;
  /** The queue all nodes share, and each node's own. */
  queue(node?: string): Queue;
  timeoutMs: number;
}

export interface Plan {
  /** The operation's name, for errors: `mandelbrot`. */
  operation: string;
  /** The node kernel every job runs. */
  kernel: string;
  /** Size of the index space. */
  n: number;
  /** Inputs every job may read, written once. */
  inputs: Record<string, Buffer>;
  run: ValidatedClusterRun;
  /** Default jobs per node for `dynamic`. */
  jobsPerNode: number;
  /** The smallest job (the last job of a cut is merged into the one before if smaller). */
  minChunk?: number;
  /** `one per node`: a job for each node on its own queue (hello). */
  perNode?: boolean;
  /** Takes the result of job `[lo, hi)`; called once per job. */
  accept(header: ResultHeader, payload: Buffer): void;
}

interface PlannedJob {
  index: number;
  lo: number;
  hi: number;
  /** The node whose queue holds it; undefined: the shared queue. */
  node: string | undefined;
}

const RESULT_WAIT_S = 0.25;
const NODE_CHECK_MS = 1000;
const REMOVE_RETRY_MS = 50;
// How long cleanup waits for the jobs of a dead node to lose their lock.
const CLEANUP_LIMIT_MS = LOCK_DURATION_MS + STALLED_INTERVAL_MS + 2000;

export async function runOperation(context: ClusterContext, plan: Plan): Promise<ClusterStats> {
  const { run } = plan;
  if (run.signal?.aborted) throw new AbortError(run.signal.reason);
  // An empty space needs no node, as an empty operation needs no worker.
  const nodes = plan.n === 0 && !plan.perNode ? [] : await waitForNodes(context, plan);
  const jobs = cut(plan, nodes);
  const op = randomUUID();
  const { redis } = context;
  const results = redis.duplicate();
  results.on('error', () => undefined);
  const jobIds: { id: string; queue: Queue }[] = [];
  const start = performance.now();
  const startedAt = Date.now();
  const perNode = new Map<string, NodeStats>(
    nodes.map(({ name, host }) => [name, { name, host, jobs: 0, items: 0, busyMs: 0, retries: 0 }]),
  );
  const trace: JobRecord[] = [];
  try {
    const write = redis.multi().set(liveKey(op), '1');
    for (const [name, value] of Object.entries(plan.inputs)) write.set(inputKey(op, name), value);
    await write.exec();
    const enqueue = async (planned: PlannedJob[], suffix: string): Promise<void> => {
      const byQueue = new Map<Queue, PlannedJob[]>();
      for (const job of planned) {
        const queue = context.queue(job.node);
        byQueue.set(queue, [...(byQueue.get(queue) ?? []), job]);
      }
      for (const [queue, list] of byQueue) {
        const bulk = list.map(({ index, lo, hi }) => {
          const id = `${op}.${index}${suffix}`;
          jobIds.push({ id, queue });
          const data: JobData = { op, kernel: plan.kernel, index, lo, hi };
          return { name: plan.kernel, data, opts: { jobId: id, removeOnComplete: true, removeOnFail: true } };
        });
        await queue.addBulk(bulk);
      }
    };
    await enqueue(jobs, '');

    const pending = new Set(jobs.map((job) => job.index));
    let done = 0;
    let lastCheck = performance.now();
    let noNodeSince: number | undefined;
    let requeues = 0;
    while (pending.size > 0) {
      if (run.signal?.aborted) throw new AbortError(run.signal.reason);
      const popped = await results.blpopBuffer(resultsKey(op), RESULT_WAIT_S).catch((error: unknown) => {
        throw new RedisUnavailableError(
          `cluster ${plan.operation}: lost the connection to Redis (${(error as Error).message})`,
          error,
        );
      });
      if (popped) {
        const { header, payload } = decodeResult(popped[1]);
        if (header.error) throw nodeError(plan.operation, header);
        if (pending.delete(header.index)) {
          plan.accept(header, payload);
          countJob(perNode, header);
          if (run.trace) {
            const { node, host, lo, hi } = header;
            trace.push({ node, host, lo, hi, t0: header.startedAt - startedAt, t1: header.endedAt - startedAt });
          }
          done += header.items;
          run.onProgress?.(done, plan.n);
        }
      }
      if (pending.size > 0 && performance.now() - lastCheck >= NODE_CHECK_MS) {
        lastCheck = performance.now();
        // A Redis that restarted mid-run has lost the operation's inputs and jobs: say so
        // rather than wait for results that will never come.
        if ((await redis.exists(liveKey(op))) === 0) {
          throw new RedisUnavailableError(`cluster ${plan.operation}: Redis lost the operation (was it restarted?)`);
        }
        const live = await liveNodes(redis);
        if (live.length > 0) noNodeSince = undefined;
        else if ((noNodeSince ??= lastCheck) + context.timeoutMs <= lastCheck) {
          throw new NodeLostError(plan.operation, Math.round(lastCheck - noNodeSince));
        }
        // The jobs queued on a node that left (static, hello) have no one else to run them.
        const liveNames = new Set(live.map((node) => node.name));
        const stranded = jobs.filter((job) => job.node && !liveNames.has(job.node) && pending.has(job.index));
        if (plan.perNode) {
          // A hello from a node that left is not owed: the others answer.
          for (const job of stranded) pending.delete(job.index);
        } else if (stranded.length > 0) {
          for (const job of stranded) job.node = undefined;
          await enqueue(stranded, `.r${++requeues}`);
        }
      }
    }
    const perNodeList = [...perNode.values()];
    const stats: ClusterStats = {
      schedule: run.schedule,
      chunk: jobs.length > 0 ? Math.max(...jobs.map((job) => job.hi - job.lo)) : 0,
      n: plan.n,
      jobs: jobs.length,
      wallMs: performance.now() - start,
      imbalance: imbalance(perNodeList.filter((node) => node.jobs > 0)),
      perNode: perNodeList,
    };
    if (run.trace) stats.trace = trace.sort((a, b) => a.t0 - b.t0);
    return stats;
  } finally {
    await cleanUp(context, op, Object.keys(plan.inputs), jobIds).finally(() => results.disconnect());
  }
}

/** The live nodes; if there are none, waits up to the cluster's timeout for one to join. */
async function waitForNodes(context: ClusterContext, plan: Plan): Promise<NodeInfo[]> {
  const start = performance.now();
  for (;;) {
    const nodes = await liveNodes(context.redis);
    if (nodes.length > 0) return nodes;
    if (plan.run.signal?.aborted) throw new AbortError(plan.run.signal.reason);
    const waited = performance.now() - start;
    if (waited >= context.timeoutMs) throw new NodeLostError(plan.operation, Math.round(waited));
    await new Promise((resolve) => setTimeout(resolve, Math.min(200, context.timeoutMs - waited)));
  }
}

/** The jobs: `dynamic` cuts the space into chunks on the shared queue; `static` gives each
 * node its block (cut into chunks if `chunk` is smaller) on its own queue. */
function cut(plan: Plan, nodes: NodeInfo[]): PlannedJob[] {
  const { n, run } = plan;
  if (plan.perNode) return nodes.map(({ name }, index) => ({ index, lo: index, hi: index + 1, node: name }));
  const minChunk = plan.minChunk ?? 1;
  const ranges: { lo: number; hi: number; node: string | undefined }[] = [];
  const split = (lo: number, hi: number, chunk: number, node: string | undefined): void => {
    const size = Math.max(minChunk, chunk);
    for (let at = lo; at < hi; at += size) {
      const end = hi - (at + size) < minChunk ? hi : Math.min(at + size, hi);
      ranges.push({ lo: at, hi: end, node });
      if (end === hi) break;
    }
  };
  if (run.schedule === 'dynamic') {
    split(0, n, run.chunk ?? Math.ceil(n / (nodes.length * plan.jobsPerNode)), undefined);
  } else {
    nodes.forEach(({ name }, rank) => {
      const { lo, hi } = staticBlock(n, nodes.length, rank);
      if (hi > lo) split(lo, hi, run.chunk ?? hi - lo, name);
    });
  }
  return ranges.map((range, index) => ({ index, ...range }));
}

function nodeError(operation: string, header: ResultHeader): Error {
  const error = new Error(
    `cluster ${operation}: node ${header.node} failed on [${header.lo}, ${header.hi}): ${header.error!.message}`,
  );
  error.name = header.error!.name;
  return error;
}

/** Removes every key and job of the operation. Running jobs are told to stop; a job locked
 * by a node that died can be removed once its lock expires, so this waits at most that long. */
async function cleanUp(
  context: ClusterContext,
  op: string,
  inputs: string[],
  jobs: { id: string; queue: Queue }[],
): Promise<void> {
  const { redis } = context;
  try {
    await redis.del(liveKey(op));
    await redis.publish(ENDED_CHANNEL, op);
    const deadline = performance.now() + CLEANUP_LIMIT_MS;
    let left = jobs;
    while (left.length > 0 && performance.now() < deadline) {
      const removed = await Promise.all(left.map(({ id, queue }) => queue.remove(id)));
      left = left.filter((_, i) => removed[i] === 0);
      if (left.length > 0) await new Promise((resolve) => setTimeout(resolve, REMOVE_RETRY_MS));
    }
    await redis.del(resultsKey(op), ...inputs.map((name) => inputKey(op, name)));
  } catch {
    // Redis is gone: there is nothing left to clean, or nothing we can clean now.
  }
}
