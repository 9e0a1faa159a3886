// The cluster with data to move, on one machine: matmul f64 (A and B go to Redis, C comes
// back) and word count of the SpamAssassin corpus (paths go out, partial tables come back)
// on 1..N nodes of one worker each, beside the local pool with as many workers; what a node
// killed mid-run costs, over several trials; and matmul's B on a node, copied per job or
// placed once. `--workers 1,2` sets the node and worker counts; `--sizes` matmul's n
// (default 2048), the corpus's repeats (default 1), the killed image's side (default 2048).
import { statSync } from 'node:fs';
import { createPool, type Pool } from 'parwasm';
import type { ClusterStats } from 'parwasm/cluster';
import { mandelbrotJs } from '../../src/baselines/mandelbrot.js';
import { countFiles } from '../../src/baselines/wordcount.js';
import { formatDeltaMs, formatMs, measure, printTable, type Row } from '../measure.js';
import type { SuiteOptions } from '../options.js';
import { FULL, killCost, withCluster, type BenchCluster } from './cluster.js';
import { corpusFiles } from './wordcount.js';

const plural = (count: number, word: string) => `${count} ${word}${count > 1 ? 's' : ''}`;

interface Operation {
  /** Runs on a local pool and checks the result. */
  local(pool: Pool): Promise<void>;
  /** Runs on the cluster, checks the result, returns its stats. */
  cluster(cluster: BenchCluster): Promise<ClusterStats>;
}

/** The operation on the local pool with each worker count, then on each node count (one
 * worker each, dynamic); the rows, and each cluster row's last stats. */
async function sideBySide(
  cluster: BenchCluster,
  { workers, timeMs }: SuiteOptions,
  operation: Operation,
): Promise<{ rows: Row[]; stats: Map<string, ClusterStats> }> {
  const rows: Row[] = [];
  for (const count of workers) {
    await using pool = await createPool({ workers: count });
    rows.push(
      ...(await measure(
        [{ name: `local pool, ${plural(count, 'worker')}`, fn: () => operation.local(pool) }],
        timeMs,
        3,
      )),
    );
  }
  const stats = new Map<string, ClusterStats>();
  for (const count of [...workers].sort((a, b) => a - b)) {
    await cluster.grow(count);
    const name = `cluster, ${plural(count, 'node')} × 1 worker`;
    const fn = async () => void stats.set(name, await operation.cluster(cluster));
    rows.push(...(await measure([{ name, fn }], timeMs, 3)));
  }
  return { rows, stats };
}

const against = (rows: Row[], task: string) => (row: Row) => {
  const base = rows.find((each) => each.task === task);
  return base ? `${(base.medianMs / row.medianMs).toFixed(2)}×` : '';
};

/** Milliseconds of the slowest node's busy time: what the work cost; the rest of the wall
 * time is queueing and moving data through Redis. */
const slowestNode = (stats: ClusterStats | undefined) =>
  stats ? formatMs(Math.max(...stats.perNode.map((node) => node.busyMs))) : '';

export async function clusterMatmul(options: SuiteOptions): Promise<void> {
  await withCluster(async (cluster) => {
    for (const n of options.sizes ?? [2048]) {
      const random = () => Float64Array.from({ length: n * n }, () => Math.random() * 2 - 1);
      const a = { rows: n, cols: n, data: random() };
      const b = { rows: n, cols: n, data: random() };
      let reference: Float64Array | undefined;
      const check = (name: string, c: Float64Array) => {
        reference ??= c;
        if (!c.every((value, i) => Object.is(value, reference![i]))) throw new Error(`${name}: C differs`);
      };
      const { rows, stats } = await sideBySide(cluster, options, {
        local: async (pool) => check('local', (await pool.matmul(a, b)).data),
        async cluster({ client }) {
          const result = await client.matmul(a, b);
          check('cluster', result.data);
          return result.stats;
        },
      });
      const megabytes = (3 * n * n * 8) / 2 ** 20;
      printTable(
        `Cluster: matmul f64, n = ${n}, on one machine (${megabytes.toFixed(0)} MiB of A, B and C through Redis)`,
        rows,
        {
          'GFLOP/s': (row: Row) => ((2 * n ** 3) / (row.medianMs * 1e6)).toFixed(2),
          'vs local, 1 worker': against(rows, 'local pool, 1 worker'),
          jobs: (row: Row) => String(stats.get(row.task)?.jobs ?? ''),
          'slowest node busy': (row: Row) => slowestNode(stats.get(row.task)),
        },
      );
    }
  });
}

export async function clusterWordcount(options: SuiteOptions): Promise<void> {
  const files = corpusFiles(options.sizes?.[0] ?? 1);
  const megabytes = files.reduce((sum, file) => sum + statSync(file).size, 0) / 1e6;
  const expected = countFiles(files);
  const check = (name: string, counts: Map<string, number>) => {
    if (counts.size !== expected.size || [...expected].some(([word, count]) => counts.get(word) !== count))
      throw new Error(`${name}: counts differ from the plain regex count`);
  };
  await withCluster(async (cluster) => {
    const { rows, stats } = await sideBySide(cluster, options, {
      local: async (pool) => check('local', (await pool.wordCount({ files })).counts),
      async cluster({ client }) {
        const result = await client.wordCount({ files });
        check('cluster', result.counts);
        return result.stats;
      },
    });
    printTable(`Cluster: word count, ${megabytes.toFixed(1)} MB in ${files.length} files, on one machine`, rows, {
      'MB/s': (row: Row) => (megabytes / (row.medianMs / 1000)).toFixed(1),
      'vs local, 1 worker': against(rows, 'local pool, 1 worker'),
      jobs: (row: Row) => String(stats.get(row.task)?.jobs ?? ''),
      'slowest node busy': (row: Row) => slowestNode(stats.get(row.task)),
    });
  });
}

const KILL_TRIALS = 3;

export async function clusterKill(options: SuiteOptions): Promise<void> {
  const size = options.sizes?.[0] ?? 2048;
  const view = { width: size, height: size, ...FULL };
  const reference = mandelbrotJs(view);
  await withCluster(async ({ url, client, nodes, grow }) => {
    await grow(2);
    const costs: number[] = [];
    for (let trial = 0; trial < KILL_TRIALS; trial++) costs.push(await killCost(client, url, nodes, view, reference));
    const sorted = [...costs].sort((x, y) => x - y);
    console.log(
      `\nA node killed a third of the way in, ${KILL_TRIALS} trials: ${sorted.map(formatDeltaMs).join(', ')} ` +
        `(median ${formatDeltaMs(sorted[Math.floor(KILL_TRIALS / 2)]!)}).`,
    );
  });
}

/** A node's matmul jobs of one operation, on one local pool (no Redis): B copied into the
 * pool by every job (an ordinary array) against B placed once with pool.alloc (what a node
 * does), with the time spent packing B in each. `--sizes` n (default 2048), 16 jobs. */
export async function clusterMatmulB({ sizes, workers }: SuiteOptions): Promise<void> {
  const n = sizes?.[0] ?? 2048;
  const jobs = 16;
  const rowsPerJob = Math.ceil(n / jobs);
  await using pool = await createPool({ workers: Math.min(...workers) });
  const random = () => Float64Array.from({ length: n * n }, () => Math.random() - 0.5);
  const a = random();
  const ordinary = random();
  const placed = pool.alloc(Float64Array, n * n);
  placed.set(ordinary);
  const operation = async (b: Float64Array) => {
    const start = performance.now();
    let packing = 0;
    for (let lo = 0; lo < n; lo += rowsPerJob) {
      const rows = Math.min(rowsPerJob, n - lo);
      const result = await pool.matmul(
        { rows, cols: n, data: a.subarray(lo * n, (lo + rows) * n) },
        { rows: n, cols: n, data: b },
      );
      packing += result.packStats?.wallMs ?? 0;
    }
    return `${formatMs(performance.now() - start)} (packing ${formatMs(packing)})`;
  };
  console.log(`\n### A node's matmul jobs, n = ${n} f64, ${jobs} jobs, ${plural(pool.size, 'worker')}\n`);
  console.log('| round | B copied by every job | B placed once (pool.alloc) |');
  console.log('|---|---|---|');
  for (let round = 1; round <= 3; round++)
    console.log(`| ${round} | ${await operation(ordinary)} | ${await operation(placed)} |`);
  pool.free(placed);
}
