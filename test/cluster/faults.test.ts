// Faults on a cluster: nodes killed with SIGKILL in the middle of each operation, a node
// that joins or leaves mid-run, an abort, Redis restarted, no node at all. The result is
// exact or the call rejects clearly, and nothing of the operation is left in Redis.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, expect, vi } from 'vitest';
import { createPool } from 'parwasm';
import { connectCluster, type Cluster, type ClusterStats } from 'parwasm/cluster';
import { mandelbrotJs } from '../../src/baselines/mandelbrot.js';
import { countFiles } from '../../src/baselines/wordcount.js';
import { needs } from '../os-package.js';
import { CLI, freePort, killWhileHolding, startNode, startRedis, type TestNode, type TestRedis } from './harness.js';
import { expectNothingLeft } from './leftovers.js';

const redisServer = needs('redis-server', 'redis-server');

let redis: TestRedis;
let cluster: Cluster;
let dynamicQueue: Queue;
let running: TestNode[] = [];

beforeAll(async () => {
  if (!redisServer.found) return;
  redis = await startRedis();
  cluster = await connectCluster({ redis: redis.url, timeoutMs: 20_000 });
  dynamicQueue = new Queue('dynamic', { connection: redis.client, prefix: 'parwasm:q' });
  dynamicQueue.on('error', () => undefined);
}, 30_000);

afterEach(async () => {
  await Promise.all(running.map((node) => node.kill()));
  running = [];
  // A killed node stays listed until its registration expires: the next test starts clean.
  const registrations = await redis.keys('parwasm:node:*');
  if (registrations.length > 0) await redis.client.del(...registrations);
});

afterAll(async () => {
  await dynamicQueue?.close();
  await cluster?.close();
  await redis?.stop();
});

async function nodes(...names: string[]): Promise<TestNode[]> {
  return Promise.all(
    names.map(async (name) => {
      const node = await startNode(redis.url, name);
      running.push(node);
      return node;
    }),
  );
}

/** Waits until `node` holds a job of the shared queue, then kills it (see harness.ts). */
function killHoldingAJob(node: TestNode, operation: Promise<unknown>): Promise<number[]> {
  return killWhileHolding(dynamicQueue, node, operation);
}

/** A job the dead node held was either finished by it just before it died (its result came
 * first) or redone by another node, which then counts a retry. */
function expectRedone(held: number[], stats: ClusterStats): void {
  const redone = held.filter((lo) => stats.trace!.find((job) => job.lo === lo)!.node !== 'victim');
  expect(retries(stats)).toBeGreaterThanOrEqual(redone.length);
}

function retries(stats: ClusterStats): number {
  return stats.perNode.reduce((sum, node) => sum + node.retries, 0);
}

// Rows near the middle of this view take ~10-20 ms each on one worker: jobs of a few rows are
// long enough that a node is killed holding one.
const SLOW_VIEW = { width: 160, height: 120, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 30_000 };

redisServer.describe('faults', () => {
  redisServer.it(
    'a node killed mid-Mandelbrot: its job is redone by another, the image is exact',
    async () => {
      const [victim] = await nodes('victim', 'survivor');
      const result = cluster.mandelbrot({ ...SLOW_VIEW, chunk: 4, trace: true });
      const held = await killHoldingAJob(victim!, result);
      expect(held.length).toBeGreaterThan(0);
      const { data, stats } = await result;
      expect(data).toEqual(mandelbrotJs(SLOW_VIEW));
      expectRedone(held, stats);
      await expectNothingLeft(redis);
    },
    120_000,
  );

  redisServer.it(
    'a node killed mid-matmul: the product is exact',
    async () => {
      const [victim] = await nodes('victim', 'survivor');
      const [m, k, n] = [160, 800, 800];
      const a = { rows: m, cols: k, data: Float64Array.from({ length: m * k }, (_, i) => Math.sin(i)) };
      const b = { rows: k, cols: n, data: Float64Array.from({ length: k * n }, (_, i) => Math.cos(i)) };
      const result = cluster.matmul(a, b, { chunk: 16, trace: true });
      const held = await killHoldingAJob(victim!, result);
      const { data, stats } = await result;
      await using pool = await createPool({ workers: 2 });
      expect(Buffer.from(data.buffer)).toEqual(Buffer.from((await pool.matmul(a, b)).data.buffer));
      expectRedone(held, stats);
      await expectNothingLeft(redis);
    },
    120_000,
  );

  redisServer.it(
    'a node killed mid-word-count: every job counted once',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'parwasm-cluster-kill-'));
      const line = 'Alpha beta GAMMA δέλτα epsilon 12345 zeta eta theta iota kappa lambda mu\n';
      const files = Array.from({ length: 24 }, (_, i) => {
        const file = join(dir, `part-${i}.txt`);
        writeFileSync(file, `${line.repeat(20_000)}unique${i}\n`);
        return file;
      });
      const [victim] = await nodes('victim', 'survivor');
      const result = cluster.wordCount({ files }, { chunk: 1, trace: true });
      const held = await killHoldingAJob(victim!, result);
      const { counts, totalWords, stats } = await result;
      const expected = countFiles(files);
      expect([...counts].sort()).toEqual([...expected].sort());
      expect(totalWords).toBe([...expected.values()].reduce((sum, count) => sum + count, 0));
      expectRedone(held, stats);
      await expectNothingLeft(redis);
    },
    120_000,
  );

  redisServer.it(
    "a node killed with static jobs on its own queue: they move to the others' queue",
    async () => {
      const [victim] = await nodes('victim', 'survivor');
      const result = cluster.mandelbrot({ ...SLOW_VIEW, schedule: 'static', chunk: 6 });
      await victim!.line(/parwasm\.mandelbrot/);
      await victim!.kill();
      const { data, stats } = await result;
      expect(data).toEqual(mandelbrotJs(SLOW_VIEW));
      const survivor = stats.perNode.find((node) => node.name === 'survivor')!;
      expect(survivor.items).toBeGreaterThan(SLOW_VIEW.height / 2);
      await expectNothingLeft(redis);
    },
    120_000,
  );

  redisServer.it(
    'a node that joins mid-run takes work',
    async () => {
      await nodes('first');
      let joined: Promise<TestNode[]> | undefined;
      // Long enough on one node (~4 s on one worker) for another to start meanwhile.
      const view = { ...SLOW_VIEW, maxIter: 200_000 };
      const result = await cluster.mandelbrot({
        ...view,
        chunk: 2,
        onProgress: () => {
          joined ??= nodes('latecomer');
        },
      });
      await joined;
      expect(result.data).toEqual(mandelbrotJs(view));
      expect(result.stats.perNode.find((node) => node.name === 'latecomer')?.jobs).toBeGreaterThan(0);
    },
    120_000,
  );

  redisServer.it(
    'a node stopped with SIGTERM finishes its job and leaves; the others finish the operation',
    async () => {
      const [leaving] = await nodes('leaving', 'staying');
      const result = cluster.mandelbrot({ ...SLOW_VIEW, chunk: 4 });
      await leaving!.line(/parwasm\.mandelbrot/);
      expect(await leaving!.stop()).toBe(0);
      expect(leaving!.lines.some((line) => line.endsWith('leaving: left'))).toBe(true);
      const { data, stats } = await result;
      expect(data).toEqual(mandelbrotJs(SLOW_VIEW));
      expect(retries(stats)).toBe(0); // its job finished: none was lost
      expect((await cluster.nodes()).map((node) => node.name)).toEqual(['staying']);
    },
    120_000,
  );

  redisServer.it(
    'an abort mid-run rejects, stops the jobs and leaves nothing in Redis',
    async () => {
      await nodes('one', 'two');
      const controller = new AbortController();
      const result = cluster.mandelbrot({
        ...SLOW_VIEW,
        chunk: 2,
        signal: controller.signal,
        onProgress: () => controller.abort(),
      });
      await expect(result).rejects.toMatchObject({ name: 'AbortError' });
      await expectNothingLeft(redis);
      const small = { ...SLOW_VIEW, maxIter: 100 };
      expect((await cluster.mandelbrot(small)).data).toEqual(mandelbrotJs(small));
    },
    120_000,
  );

  redisServer.it(
    'Redis restarted between operations: the next call works',
    async () => {
      await nodes('one', 'two');
      const view = { ...SLOW_VIEW, maxIter: 500 };
      expect((await cluster.mandelbrot(view)).data).toEqual(mandelbrotJs(view));
      await redis.restart();
      expect((await cluster.mandelbrot(view)).data).toEqual(mandelbrotJs(view));
      // Both nodes register again at their next heartbeat (every 1.5 s, later on a busy machine).
      await vi.waitFor(async () => expect((await cluster.nodes()).map((node) => node.name)).toEqual(['one', 'two']), {
        timeout: 15_000,
        interval: 200,
      });
    },
    120_000,
  );

  redisServer.it(
    'Redis restarted mid-run: the call rejects clearly, and the next one works',
    async () => {
      await nodes('one', 'two');
      let restarted: Promise<void> | undefined;
      const result = cluster.mandelbrot({
        ...SLOW_VIEW,
        chunk: 2,
        onProgress: () => {
          restarted ??= redis.restart();
        },
      });
      await expect(result).rejects.toMatchObject({ name: 'RedisUnavailableError' });
      await restarted;
      const view = { ...SLOW_VIEW, maxIter: 300 };
      expect((await cluster.mandelbrot(view)).data).toEqual(mandelbrotJs(view));
    },
    120_000,
  );

  redisServer.it(
    'no node, or every node gone: NodeLostError naming the operation after the timeout',
    async () => {
      const impatient = await connectCluster({ redis: redis.url, timeoutMs: 500 });
      try {
        await expect(impatient.mandelbrot({ ...SLOW_VIEW, maxIter: 10 })).rejects.toMatchObject({
          name: 'NodeLostError',
          operation: 'mandelbrot',
          message: expect.stringMatching(/^cluster mandelbrot: no node served it/) as string,
        });
        const [only] = await nodes('only');
        const result = impatient.mandelbrot({ ...SLOW_VIEW, chunk: 2 });
        await killHoldingAJob(only!, result);
        await expect(result).rejects.toMatchObject({ name: 'NodeLostError', operation: 'mandelbrot' });
        await expectNothingLeft(redis);
      } finally {
        await impatient.close();
      }
    },
    120_000,
  );

  redisServer.it('a Redis that cannot be reached: one clear error at once, from the library and the CLI', async () => {
    const url = `redis://:secret@127.0.0.1:${await freePort()}`;
    await expect(connectCluster({ redis: url })).rejects.toMatchObject({
      name: 'RedisUnavailableError',
      message: expect.stringMatching(
        /^cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/?: .*ECONNREFUSED/,
      ) as string,
    });
    const failed = await promisify(execFile)(process.execPath, [CLI, 'node', '--redis', url]).catch(
      (error: unknown) => error as { code: number; stderr: string; stdout: string },
    );
    expect(failed).toMatchObject({ code: 1 });
    const { stderr } = failed as { stderr: string };
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^parwasm node: cannot reach Redis at .*\*\*\*/)]);
    expect(stderr).not.toContain('secret');
  });
});
