// The cluster on one machine: Mandelbrot on 1..N nodes of one worker each, `static` and
// `dynamic` across nodes, beside the local pool with as many workers; what a node killed
// mid-run costs; and the overhead of one job. It starts its own redis-server and nodes
// (`parwasm node`, from dist/), as the tests do. `--workers 1,2` sets the node and worker
// counts, `--sizes 4096` the image side.
import { createPool } from 'parwasm';
import { connectCluster, type Cluster } from 'parwasm/cluster';
import { mandelbrotJs } from '../../src/baselines/mandelbrot.js';
import { startNode, startRedis, type TestNode } from '../../test/cluster/harness.js';
import { formatDeltaMs, formatMs, measure, printTable, type Row, type TaskSpec } from '../measure.js';
import type { SuiteOptions } from '../options.js';

export const FULL = { xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 2000 };

/** What a cluster suite runs on: its own Redis, a client, and nodes of one worker each. */
export interface BenchCluster {
  url: string;
  client: Cluster;
  nodes: TestNode[];
  /** Starts nodes until there are `count`. */
  grow: (count: number) => Promise<void>;
}

/** Starts Redis and a client, runs `body`, then stops every node and Redis. */
export async function withCluster(body: (cluster: BenchCluster) => Promise<void>): Promise<void> {
  const redis = await startRedis();
  const nodes: TestNode[] = [];
  try {
    const client = await connectCluster({ redis: redis.url });
    try {
      await body({
        url: redis.url,
        client,
        nodes,
        async grow(count) {
          while (nodes.length < count) nodes.push(await startNode(redis.url, `node-${nodes.length}`));
        },
      });
    } finally {
      await client.close();
    }
  } finally {
    await Promise.all(nodes.map((node) => node.stop()));
    await redis.stop();
  }
}

export async function cluster({ workers, sizes, timeMs }: SuiteOptions): Promise<void> {
  await withCluster(async ({ url, client, nodes, grow }) => {
    for (const size of sizes ?? [4096]) {
      const view = { width: size, height: size, ...FULL };
      const reference = mandelbrotJs(view);
      const check = (name: string, data: Uint32Array): void => {
        if (!data.every((value, i) => value === reference[i])) throw new Error(`${name}: image differs from plain JS`);
      };
      const imbalance = new Map<string, number>();
      const rows = await measure(
        workers.map((count) => ({
          name: `local pool, ${count} worker${count > 1 ? 's' : ''}`,
          fn: async () => {
            await using pool = await createPool({ workers: count });
            check('local', (await pool.mandelbrot({ ...view, schedule: 'dynamic' })).data);
          },
        })),
        timeMs,
        3,
      );
      // Node counts in increasing order: each step starts the nodes it lacks.
      for (const count of [...workers].sort((a, b) => a - b)) {
        await grow(count);
        const tasks: TaskSpec[] = (['static', 'dynamic'] as const).map((schedule) => {
          const name = `cluster, ${count} node${count > 1 ? 's' : ''} × 1 worker, ${schedule}`;
          return {
            name,
            fn: async () => {
              const result = await client.mandelbrot({ ...view, schedule });
              check(name, result.data);
              imbalance.set(name, result.stats.imbalance);
            },
          };
        });
        rows.push(...(await measure(tasks, timeMs, 3)));
      }
      const oneNode = rows.find((row) => row.task === 'cluster, 1 node × 1 worker, dynamic');
      printTable(`Cluster: Mandelbrot ${size}², maxIter ${FULL.maxIter}, on one machine`, rows, {
        'vs 1 node, dynamic': (row: Row) => (oneNode ? `${(oneNode.medianMs / row.medianMs).toFixed(2)}×` : ''),
        'imbalance across nodes': (row: Row) => imbalance.get(row.task)?.toFixed(3) ?? '',
      });
      if (nodes.length >= 2) await killCost(client, url, nodes, view, reference);
    }
    await jobOverhead(client, timeMs);
  });
}

export type View = Parameters<typeof mandelbrotJs>[0];

/** Time to the exact image on the nodes, and with one of them killed (SIGKILL) a third of
 * the way in; a replacement node is started after. The difference is the kill's cost: the
 * lock timeout plus the lost job, done again (docs/cluster.md). */
export async function killCost(
  client: Cluster,
  url: string,
  nodes: TestNode[],
  view: View,
  reference: Uint32Array,
): Promise<number> {
  const whole = performance.now();
  await client.mandelbrot(view);
  const normalMs = performance.now() - whole;
  const victim = nodes[1]!;
  // A third of the way in by the clock, when the victim is computing a job (a kill timed by a
  // result arriving would find it between two jobs).
  const start = performance.now();
  const kill = setTimeout(() => void victim.kill(), normalMs / 3);
  const result = await client.mandelbrot(view).finally(() => clearTimeout(kill));
  const killedMs = performance.now() - start;
  if (!result.data.every((value, i) => value === reference[i])) throw new Error('killed run: image differs');
  const retries = result.stats.perNode.reduce((sum, node) => sum + node.retries, 0);
  console.log(
    `\nA node killed a third of the way into Mandelbrot ${view.width}² on ${nodes.length} nodes: ${formatMs(killedMs)} ` +
      `against ${formatMs(normalMs)} with no kill (${formatDeltaMs(killedMs - normalMs)}; ${retries} job(s) redone, exact).`,
  );
  // The killed node's registration lingers until it expires; the replacement takes a new name.
  nodes[1] = await startNode(url, `${victim.name}-again`);
  return killedMs - normalMs;
}

/** An operation of one tiny job, and of 64: what a job costs beyond its work. */
async function jobOverhead(client: Cluster, timeMs: number): Promise<void> {
  const tiny = { width: 8, height: 64, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 1 };
  const rows = await measure(
    [
      { name: 'operation of 1 job', fn: async () => void (await client.mandelbrot({ ...tiny, chunk: 64 })) },
      { name: 'operation of 64 jobs', fn: async () => void (await client.mandelbrot({ ...tiny, chunk: 1 })) },
    ],
    timeMs,
    16,
  );
  printTable('Cluster: job overhead (empty work)', rows, {
    'per job': (row: Row) => formatMs(row.medianMs / (row.task.includes('64') ? 64 : 1)),
  });
}
