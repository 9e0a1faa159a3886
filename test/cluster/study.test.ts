// The study across a cluster's nodes (`parwasm study --cluster`): static and dynamic runs of
// one view, whose figures agree with their own traces, and the report with a timeline per node.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect } from 'vitest';
import { ValidationError } from 'parwasm';
import { connectCluster, studyClusterMandelbrot, type Cluster, type ClusterStudyRun } from 'parwasm/cluster';
import { mandelbrotJs } from '../../src/baselines/mandelbrot.js';
import { needs } from '../os-package.js';
import { CLI, startNode, startRedis, type TestNode, type TestRedis } from './harness.js';
import { expectNothingLeft } from './leftovers.js';

const redisServer = needs('redis-server', 'redis-server');

let redis: TestRedis;
let nodes: TestNode[] = [];
let cluster: Cluster;

beforeAll(async () => {
  if (!redisServer.found) return;
  redis = await startRedis();
  nodes = await Promise.all(['alpha', 'beta'].map((name) => startNode(redis.url, name)));
  cluster = await connectCluster({ redis: redis.url, timeoutMs: 10_000 });
}, 60_000);

afterAll(async () => {
  await cluster?.close();
  await Promise.all(nodes.map((node) => node.stop()));
  await redis?.stop();
});

/** A run's figures, worked again from its trace: every row in exactly one job, each node's
 * jobs and rows, and the imbalance of the nodes' busy times. A job's busy time is its span in
 * the trace to within the millisecond of the node's clock, so each node's busy time lies
 * within its jobs' spans ± (jobs + 1) ms, and the imbalance between the bounds that follow. */
function expectAgreesWithTrace(run: ClusterStudyRun, height: number): void {
  expect(run.trace).toHaveLength(run.jobs);
  const rows = run.trace.flatMap((job) => Array.from({ length: job.hi - job.lo }, (_, i) => job.lo + i));
  expect(rows.sort((a, b) => a - b)).toEqual([...Array(height).keys()]);
  expect(Math.max(...run.trace.map((job) => job.hi - job.lo))).toBe(run.chunk);
  const low: number[] = [];
  const high: number[] = [];
  for (const node of run.perNode.filter((each) => each.jobs > 0)) {
    const jobs = run.trace.filter((job) => job.node === node.name);
    expect(jobs).toHaveLength(node.jobs);
    expect(jobs.reduce((sum, job) => sum + job.hi - job.lo, 0)).toBe(node.items);
    const span = jobs.reduce((sum, job) => sum + job.t1 - job.t0, 0);
    expect(Math.abs(span - node.busyMs)).toBeLessThanOrEqual(jobs.length + 1);
    low.push(Math.max(0, span - jobs.length - 1));
    high.push(span + jobs.length + 1);
  }
  const mean = (values: number[]) => values.reduce((sum, ms) => sum + ms, 0) / values.length;
  expect(run.imbalance).toBeGreaterThanOrEqual(Math.max(1, Math.max(...low) / mean(high)));
  expect(run.imbalance).toBeLessThanOrEqual(Math.max(...high) / mean(low));
}

redisServer.describe('the study across nodes', () => {
  redisServer.it('runs static and dynamic across the nodes, and its figures agree with the traces', async () => {
    // Rows of a few ms each: each node's busy time dwarfs the clocks' millisecond.
    const view = { width: 120, height: 67, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 3000 };
    const study = await studyClusterMandelbrot(cluster, view, { chunk: 5 });
    expect(study.pixels).toEqual(mandelbrotJs(view));
    expect(study.runs.map((run) => run.schedule)).toEqual(['dynamic', 'static']);
    const [dynamic, fixed] = study.runs as [ClusterStudyRun, ClusterStudyRun];
    // static: one block per node, split as the pool splits rows; dynamic: jobs of 5 rows.
    expect(fixed.trace.map(({ node, lo, hi }) => ({ node, lo, hi })).sort((a, b) => a.lo - b.lo)).toEqual([
      { node: 'alpha', lo: 0, hi: 33 },
      { node: 'beta', lo: 33, hi: 67 },
    ]);
    expect(dynamic.jobs).toBe(Math.ceil(67 / 5));
    for (const run of study.runs) expectAgreesWithTrace(run, view.height);
    await expectNothingLeft(redis);
  });

  redisServer.it('refuses bad arguments before any job is queued', async () => {
    const view = { width: 8, height: 8, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 10 };
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => studyClusterMandelbrot(cluster, { ...view, height: 0 }), /^view\.height must be at least 1/],
      [() => studyClusterMandelbrot(cluster, view, { chunk: 0 }), /^options\.chunk must be/],
      [() => studyClusterMandelbrot(cluster, view, { workers: 2 } as never), /^options\.workers/],
    ];
    for (const [call, message] of cases) {
      const error = (await call().catch((caught: unknown) => caught)) as Error;
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(message);
    }
    await expect(studyClusterMandelbrot({} as Cluster, view)).rejects.toThrow(/^cluster must be a Cluster/);
    expect(await redis.keys('parwasm:op:*')).toEqual([]);
  });

  redisServer.it(
    'parwasm study --cluster writes a timeline per node beside the image and study.md',
    async () => {
      const out = mkdtempSync(join(tmpdir(), 'parwasm-cluster-study-'));
      const { stdout } = await promisify(execFile)(process.execPath, [
        CLI,
        'study',
        '--cluster',
        redis.url,
        '--size',
        '64',
        '--max-iter',
        '2000',
        '--out',
        out,
        '--json',
      ]);
      const { runs, files } = JSON.parse(stdout) as { runs: ClusterStudyRun[]; files: string[] };
      for (const run of runs) expectAgreesWithTrace(run, 64);
      const names = ['mandelbrot.png', 'timeline-dynamic.png', 'timeline-static.png', 'busy-by-node.png', 'study.md'];
      expect(files).toEqual(names.map((name) => join(out, name)));
      for (const name of names.slice(0, -1)) {
        expect([...readFileSync(join(out, name)).subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]); // 'PNG'
      }
      const page = readFileSync(join(out, 'study.md'), 'utf8');
      for (const run of runs) {
        expect(page).toContain(`| ${run.schedule} | ${run.wallMs.toFixed(1)} | ${run.jobs} |`);
        for (const node of run.perNode)
          expect(page).toContain(`| ${run.schedule} | ${node.name} | ${node.host} | ${node.jobs} | ${node.items} |`);
        expect(page).toContain(`(timeline-${run.schedule}.png)`);
      }
      expect(existsSync(join(out, 'study.md'))).toBe(true);
    },
    60_000,
  );
});
