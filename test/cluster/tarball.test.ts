// Issue 15's "done when", as a user meets it: a fresh project installs the packed tarball with
// bullmq and ioredis, a Redis server and two nodes run as docs/cluster.md starts them (the
// project's own `parwasm node` bin, which `npx parwasm node` runs), and a program that
// connects with connectCluster gets the local pool's exact results, hello from every worker
// of every node, and the exact image again when a node is killed with SIGKILL mid-run.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect } from 'vitest';
import { mandelbrotJs } from '../../src/baselines/mandelbrot.js';
import { countFiles } from '../../src/baselines/wordcount.js';
import { needs } from '../os-package.js';
import { installProject, packTarball } from '../tarball.js';
import { killWhileHolding, startNode, startRedis, type TestNode, type TestRedis } from './harness.js';
import { expectNothingLeft } from './leftovers.js';

const redisServer = needs('redis-server', 'redis-server');

const VIEW = { width: 83, height: 59, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 500 };
// Rows near the middle take ~10-20 ms each on one worker: a node is killed holding a job.
const SLOW_VIEW = { width: 160, height: 120, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 30_000 };
const [M, K, N] = [67, 45, 83]; // primes over the packed path's threshold

// The user's program: every operation on the cluster and on a local pool of the same
// package; it writes both results for the test to compare, and A and B for its reference.
const MAIN = `
import { writeFileSync } from 'node:fs';
import { createPool } from 'parwasm';
import { connectCluster } from 'parwasm/cluster';

const [url, out, files] = [process.argv[2], process.argv[3], JSON.parse(process.argv[4])];
const cluster = await connectCluster({ redis: url, timeoutMs: 30_000 });
const pool = await createPool({ workers: 2 });
const save = (name, array) => writeFileSync(out + '/' + name, new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
const view = ${JSON.stringify(VIEW)};
save('mandelbrot.cluster', (await cluster.mandelbrot(view)).data);
save('mandelbrot.local', (await pool.mandelbrot(view)).data);
let seed = 7;
const random = (length) => Float64Array.from({ length }, () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 2 - 1);
const a = { rows: ${M}, cols: ${K}, data: random(${M * K}) };
const b = { rows: ${K}, cols: ${N}, data: random(${K * N}) };
save('a', a.data);
save('b', b.data);
save('matmul.cluster', (await cluster.matmul(a, b)).data);
save('matmul.local', (await pool.matmul(a, b)).data);
const sorted = ({ counts, totalWords }) => ({ totalWords, counts: [...counts].sort(([x], [y]) => (x < y ? -1 : 1)) });
writeFileSync(out + '/words.cluster', JSON.stringify(sorted(await cluster.wordCount({ files }, { chunk: 1 }))));
writeFileSync(out + '/words.local', JSON.stringify(sorted(await pool.wordCount({ files }))));
writeFileSync(out + '/hello.json', JSON.stringify(await cluster.hello()));
await pool.close();
await cluster.close();
`;

// The long image a node is killed in the middle of; the stats say which jobs were redone.
const KILLED = `
import { writeFileSync } from 'node:fs';
import { connectCluster } from 'parwasm/cluster';

const [url, out] = process.argv.slice(2);
const cluster = await connectCluster({ redis: url, timeoutMs: 30_000 });
const { data, stats } = await cluster.mandelbrot({ ...${JSON.stringify(SLOW_VIEW)}, chunk: 4, trace: true });
writeFileSync(out + '/killed.cluster', new Uint8Array(data.buffer));
writeFileSync(out + '/killed.json', JSON.stringify(stats));
await cluster.close();
`;

let redis: TestRedis;
let project = '';
let nodes: TestNode[] = [];

/** The versions this repository tests with, so that npm finds them in its cache. */
function installed(name: string): string {
  const require = createRequire(import.meta.url);
  const { version } = require(`${name}/package.json`) as { version: string };
  return `${name}@${version}`;
}

beforeAll(async () => {
  if (!redisServer.found) return;
  project = installProject(packTarball(), 'cluster-app', { type: 'module' }, { 'main.js': MAIN, 'killed.js': KILLED }, [
    installed('bullmq'),
    installed('ioredis'),
  ]);
  redis = await startRedis();
  const parwasm = [join(project, 'node_modules/.bin/parwasm')];
  nodes = await Promise.all(['alpha', 'beta'].map((name) => startNode(redis.url, name, { parwasm })));
}, 300_000);

afterAll(async () => {
  await Promise.all(nodes.map((node) => node.stop()));
  await redis?.stop();
});

function run(program: string, ...args: string[]): Promise<unknown> {
  return promisify(execFile)(process.execPath, [program, ...args], { cwd: project, timeout: 120_000 });
}

function read(name: string): Buffer {
  return readFileSync(join(project, 'out', name));
}

function floats(name: string): Float64Array {
  const bytes = read(name);
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

redisServer.describe('the packed tarball on a cluster (issue 15, done when)', () => {
  redisServer.it(
    "gives a local pool's exact results and hello from every worker of every node",
    async () => {
      const out = join(project, 'out');
      mkdirSync(out, { recursive: true });
      const texts = ['one two two', 'THREE three three', '', 'héllo wörld one', 'x '.repeat(500)];
      const files = texts.map((text, i) => {
        const path = join(out, `text-${i}.txt`);
        writeFileSync(path, text);
        return path;
      });
      await run('main.js', redis.url, out, JSON.stringify(files));

      const image = read('mandelbrot.cluster');
      expect(new Uint32Array(image.buffer, image.byteOffset, image.length / 4)).toEqual(mandelbrotJs(VIEW));
      expect(image).toEqual(read('mandelbrot.local'));

      // Bit for bit the local pool's product, and near the plain ikj product (not wrong alike).
      expect(read('matmul.cluster')).toEqual(read('matmul.local'));
      const [a, b, c] = [floats('a'), floats('b'), floats('matmul.cluster')];
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let sum = 0;
          for (let p = 0; p < K; p++) sum += a[i * K + p]! * b[p * N + j]!;
          expect(Math.abs(c[i * N + j]! - sum)).toBeLessThan(1e-12);
        }
      }

      const words = JSON.parse(read('words.cluster').toString()) as { totalWords: number; counts: [string, number][] };
      expect(words).toEqual(JSON.parse(read('words.local').toString()));
      const reference = countFiles(files);
      expect(new Map(words.counts)).toEqual(reference);
      expect(words.totalWords).toBe([...reference.values()].reduce((sum, count) => sum + count, 0));

      const hello = JSON.parse(read('hello.json').toString()) as { node: string; rank: number; globalRank: number }[];
      expect(hello.map(({ node, rank, globalRank }) => ({ node, rank, globalRank }))).toEqual([
        { node: 'alpha', rank: 0, globalRank: 0 },
        { node: 'beta', rank: 0, globalRank: 1 },
      ]);
      await expectNothingLeft(redis);
    },
    180_000,
  );

  redisServer.it(
    'gives the exact image again when a node is killed with SIGKILL mid-run',
    async () => {
      const queue = new Queue('dynamic', { connection: redis.client, prefix: 'parwasm:q' });
      queue.on('error', () => undefined);
      try {
        const out = join(project, 'out');
        mkdirSync(out, { recursive: true });
        const program = run('killed.js', redis.url, out);
        const held = await killWhileHolding(queue, nodes[1]!, program);
        await program;
        const image = read('killed.cluster');
        expect(new Uint32Array(image.buffer, image.byteOffset, image.length / 4)).toEqual(mandelbrotJs(SLOW_VIEW));
        const stats = JSON.parse(read('killed.json').toString()) as {
          perNode: { retries: number }[];
          trace: { node: string; lo: number }[];
        };
        // A job the dead node held was redone by the other, which counts a retry (unless the
        // dead node's result came first).
        expect(held.length).toBeGreaterThan(0);
        const redone = held.filter((lo) => stats.trace.find((job) => job.lo === lo)!.node !== 'beta');
        expect(stats.perNode.reduce((sum, node) => sum + node.retries, 0)).toBeGreaterThanOrEqual(redone.length);
        await expectNothingLeft(redis);
      } finally {
        await queue.close();
      }
    },
    180_000,
  );
});
