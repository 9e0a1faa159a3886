// The cluster's operations against the local pool and the plain TypeScript references, on
// two nodes: the same results bit for bit, every job counted once, nothing left in Redis.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect } from 'vitest';
import { createPool, ValidationError, type Pool } from 'parwasm';
import { connectCluster, type Cluster, type ClusterStats } from 'parwasm/cluster';
import { mandelbrotJs } from '../../src/baselines/mandelbrot.js';
import { countFiles } from '../../src/baselines/wordcount.js';
import { needs } from '../os-package.js';
import { CLI, startNode, startRedis, type TestNode, type TestRedis } from './harness.js';
import { expectNothingLeft } from './leftovers.js';

const redisServer = needs('redis-server', 'redis-server');

let redis: TestRedis;
let nodes: TestNode[] = [];
let cluster: Cluster;
let pool: Pool;

beforeAll(async () => {
  if (!redisServer.found) return;
  redis = await startRedis();
  nodes = await Promise.all(['alpha', 'beta'].map((name) => startNode(redis.url, name, { workers: 1 })));
  cluster = await connectCluster({ redis: redis.url, timeoutMs: 10_000 });
  pool = await createPool({ workers: 2 });
}, 60_000);

afterAll(async () => {
  await cluster?.close();
  await pool?.close();
  await Promise.all(nodes.map((node) => node.stop()));
  await redis?.stop();
});

/** Every job counted once: the nodes' items add up to the space, and nothing is left. */
async function expectAccounted(stats: ClusterStats): Promise<void> {
  expect(stats.perNode.reduce((sum, node) => sum + node.items, 0)).toBe(stats.n);
  expect(stats.perNode.reduce((sum, node) => sum + node.jobs, 0)).toBe(stats.jobs);
  await expectNothingLeft(redis);
}

function random(n: number, Type: Float64ArrayConstructor | Float32ArrayConstructor): Float64Array | Float32Array {
  const data = new Type(n);
  for (let i = 0; i < n; i++) data[i] = Math.random() * 2 - 1;
  return data;
}

redisServer.describe('a cluster of two nodes', () => {
  redisServer.it('lists its nodes and says hello from every worker of every node', async () => {
    expect(await cluster.nodes()).toEqual([
      { name: 'alpha', host: expect.any(String) as string, workers: 1 },
      { name: 'beta', host: expect.any(String) as string, workers: 1 },
    ]);
    const replies = await cluster.hello();
    expect(replies.map(({ node, rank, globalRank, globalSize }) => ({ node, rank, globalRank, globalSize }))).toEqual([
      { node: 'alpha', rank: 0, globalRank: 0, globalSize: 2 },
      { node: 'beta', rank: 0, globalRank: 1, globalSize: 2 },
    ]);
    for (const node of nodes) expect(node.lines.some((line) => line.includes('parwasm.hello'))).toBe(true);
  });

  const views = [
    { width: 97, height: 61, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 300 },
    { width: 1, height: 1, xmin: -0.75, xmax: -0.74, ymin: 0.1, ymax: 0.11, maxIter: 1000 },
    { width: 13, height: 211, xmin: -1.5, xmax: -1.2, ymin: -0.1, ymax: 0.2, maxIter: 500 },
    { width: 0, height: 5, xmin: -2, xmax: 1, ymin: -1, ymax: 1, maxIter: 10 },
  ];
  for (const schedule of ['dynamic', 'static'] as const) {
    redisServer.it(`computes Mandelbrot views exactly (${schedule})`, async () => {
      for (const [i, view] of views.entries()) {
        const chunk = i === 0 ? 7 : undefined; // an awkward chunk, and the defaults
        const result = await cluster.mandelbrot({ ...view, schedule, chunk, trace: true });
        expect(result.data).toEqual(mandelbrotJs(view));
        expect(result.data).toEqual((await pool.mandelbrot(view)).data);
        expect(result.stats.schedule).toBe(schedule);
        expect(result.stats.trace).toHaveLength(result.stats.jobs);
        await expectAccounted(result.stats);
      }
    });
  }

  redisServer.it('computes jobs larger than a band exactly: each node interleaves its rows', async () => {
    // Jobs of 1000 rows of 1100 pixels (4.4 MB, over a band's 4 MiB): on each node, two bands
    // of every other row, the second job's starting at row 1000. No trace: traced bands are
    // consecutive rows.
    const view = { width: 1100, height: 2000, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 20 };
    const result = await cluster.mandelbrot({ ...view, schedule: 'static', chunk: 1000 });
    const expected = mandelbrotJs(view);
    expect(result.data.findIndex((value, i) => value !== expected[i])).toBe(-1);
    expect(result.stats.jobs).toBe(2);
    await expectAccounted(result.stats);
  });

  redisServer.it('spreads a dynamic operation over both nodes', async () => {
    const view = { width: 200, height: 120, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 3000 };
    const { stats } = await cluster.mandelbrot({ ...view, chunk: 4 });
    expect(stats.jobs).toBe(30);
    expect(stats.perNode.map((node) => node.name)).toEqual(['alpha', 'beta']);
    for (const node of stats.perNode) expect(node.jobs).toBeGreaterThan(0);
    expect(stats.imbalance).toBeGreaterThanOrEqual(1);
  });

  const shapes: [number, number, number][] = [
    [37, 53, 41], // primes
    [1, 64, 300], // one row
    [400, 17, 3], // tall and skinny
    [16, 16, 16], // the thin threshold
    [101, 100, 99],
    [0, 5, 7],
    [6, 0, 4], // no k: C is zero
  ];
  for (const Type of [Float64Array, Float32Array]) {
    redisServer.it(`multiplies awkward ${Type.name} shapes exactly as the local pool does`, async () => {
      for (const [m, k, n] of shapes) {
        const a = { rows: m, cols: k, data: random(m * k, Type) };
        const b = { rows: k, cols: n, data: random(k * n, Type) };
        const local = await pool.matmul(a, b);
        for (const schedule of ['dynamic', 'static'] as const) {
          const result = await cluster.matmul(a, b, { schedule, chunk: 20 });
          expect([result.rows, result.cols]).toEqual([m, n]);
          expect(result.data).toBeInstanceOf(Type);
          expect(Buffer.from(result.data.buffer)).toEqual(Buffer.from(local.data.buffer));
          await expectAccounted(result.stats);
        }
      }
    });
  }

  redisServer.it('counts the words of files as the definition does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parwasm-cluster-words-'));
    const texts = ['The cat. THE DOG!', 'ΣΊΣΥΦΟΣ σίσυφος ΟΔΟΣ', '', 'naïve Naïve NAÏVE 42 x42', 'İstanbul ß STRASSE'];
    const files = Array.from({ length: 23 }, (_, i) => {
      const file = join(dir, `doc-${i}.txt`);
      writeFileSync(file, texts[i % texts.length]!.repeat(1 + (i % 4)));
      return file;
    });
    for (const schedule of ['dynamic', 'static'] as const) {
      const result = await cluster.wordCount({ files }, { schedule, chunk: 3 });
      expect([...result.counts].sort()).toEqual([...countFiles(files)].sort());
      expect(result.totalWords).toBe([...countFiles(files).values()].reduce((sum, count) => sum + count, 0));
      expect(result.top(2)).toEqual((await pool.wordCount({ files })).top(2));
      await expectAccounted(result.stats);
    }
  });

  redisServer.it('keeps the jobs of clients that run at once apart', async () => {
    const other = await connectCluster({ redis: redis.url });
    try {
      const views = [
        { width: 64, height: 48, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 200 },
        { width: 48, height: 64, xmin: -1, xmax: 0, ymin: 0, ymax: 1, maxIter: 400 },
      ];
      const results = await Promise.all([
        cluster.mandelbrot({ ...views[0]!, chunk: 3 }),
        other.mandelbrot({ ...views[1]!, chunk: 5 }),
        cluster.mandelbrot({ ...views[1]!, chunk: 2, schedule: 'static' }),
      ]);
      expect(results[0].data).toEqual(mandelbrotJs(views[0]!));
      expect(results[1].data).toEqual(mandelbrotJs(views[1]!));
      expect(results[2].data).toEqual(mandelbrotJs(views[1]!));
    } finally {
      await other.close();
    }
  });

  redisServer.it('refuses bad input before queueing anything, as the local pool does', async () => {
    const view = { width: 4, height: 4, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 10 };
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => cluster.mandelbrot({ ...view, width: -1 }), /^options\.width must be/],
      [() => cluster.mandelbrot({ ...view, xmax: -3 }), /^options\.xmax must be/],
      [
        () => cluster.mandelbrot({ ...view, schedule: 'stealing' as 'static' }),
        /^options\.schedule must be one of 'dynamic', 'static'/,
      ],
      [
        () => cluster.mandelbrot({ ...view, workers: 2 } as typeof view),
        /^options\.workers must be one of the options/,
      ],
      [() => cluster.mandelbrot(undefined as unknown as typeof view), /^options must be/],
      [
        () =>
          cluster.matmul(
            { rows: 2, cols: 2, data: new Float64Array(3) },
            { rows: 2, cols: 2, data: new Float64Array(4) },
          ),
        /^a\.data must be of length/,
      ],
      [
        () =>
          cluster.matmul(
            { rows: 1, cols: 2, data: new Float64Array(2) },
            { rows: 3, cols: 1, data: new Float64Array(3) },
          ),
        /^b\.rows must be equal to a\.cols/,
      ],
      [
        () =>
          cluster.matmul(
            { rows: 1, cols: 1, data: new Float64Array(1) },
            { rows: 1, cols: 1, data: new Float64Array(1) },
            { chunk: 0 },
          ),
        /^options\.chunk must be/,
      ],
      [
        () => cluster.wordCount(['text'] as unknown as { files: string[] }),
        /^input must be \{ files: string\[\] \} on a cluster/,
      ],
      [() => cluster.wordCount({ files: [''] }), /^input\.files\[0\] must be a non-empty path/],
    ];
    for (const [call, message] of cases) {
      const error = (await call().catch((caught: unknown) => caught)) as Error;
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(message);
    }
    expect(await redis.keys('parwasm:op:*')).toEqual([]);
  });

  redisServer.it('rejects an operation whose file a node cannot read, naming it', async () => {
    const missing = join(tmpdir(), 'parwasm-no-such-file.txt');
    await expect(cluster.wordCount({ files: [missing] })).rejects.toThrow(/no-such-file.*ENOENT|ENOENT.*no-such-file/);
    expect(await redis.keys('parwasm:op:*')).toEqual([]);
  });

  redisServer.it('runs each command of the CLI on the cluster with --cluster URL', async () => {
    const cli = async (...args: string[]) =>
      JSON.parse(
        (await promisify(execFile)(process.execPath, [CLI, ...args, '--cluster', redis.url, '--json'])).stdout,
      ) as {
        stats: ClusterStats;
      } & Record<string, unknown>;
    const nodeNames = (stats: ClusterStats) => stats.perNode.map((node) => node.name);
    const image = await cli('mandelbrot', '--size', '64', '--max-iter', '50', '--chunk', '4');
    expect(image.stats).toMatchObject({ n: 64, jobs: 16 });
    expect(nodeNames(image.stats)).toEqual(['alpha', 'beta']);
    // The picture's flags read as the local command reads them: the same region, the same image.
    const pictureFlags = [
      '--width',
      '48',
      '--height',
      '20',
      '--center',
      '-0.75,0.1',
      '--span',
      '0.05',
      '--max-iter',
      '80',
    ];
    const outDir = mkdtempSync(join(tmpdir(), 'parwasm-cluster-png-'));
    const [clustered, local] = [join(outDir, 'cluster.png'), join(outDir, 'local.png')];
    const wide = await cli('mandelbrot', ...pictureFlags, '--out', clustered);
    const { stdout } = await promisify(execFile)(process.execPath, [
      CLI,
      'mandelbrot',
      ...pictureFlags,
      '--workers',
      '1',
      '--out',
      local,
      '--json',
    ]);
    const localPicture = JSON.parse(stdout) as Record<string, unknown>;
    for (const key of ['width', 'height', 'xmin', 'xmax', 'ymin', 'ymax', 'maxIter']) {
      expect(wide[key]).toBe(localPicture[key]);
    }
    expect(wide).toMatchObject({ width: 48, height: 20, xmin: -0.775, xmax: -0.725, maxIter: 80 });
    expect(readFileSync(clustered)).toEqual(readFileSync(local));
    const product = await cli('matmul', '--n', '40', '--dtype', 'f32', '--schedule', 'static');
    expect(product.stats).toMatchObject({ schedule: 'static', n: 40, jobs: 2 });
    const dir = mkdtempSync(join(tmpdir(), 'parwasm-cluster-cli-'));
    writeFileSync(join(dir, 'a.txt'), 'one two two THREE three three');
    writeFileSync(join(dir, 'b.txt'), 'Three');
    const words = await cli('wordcount', '--top', '2', dir);
    expect(words).toMatchObject({
      files: 2,
      totalWords: 7,
      top: [
        ['three', 4],
        ['two', 2],
      ],
    });
    expect(await redis.keys('parwasm:op:*')).toEqual([]);
  });
});
