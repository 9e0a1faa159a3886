// The commands that take --cluster URL: hello, mandelbrot, matmul and wordcount, run on a
// cluster's nodes (started with `parwasm node`) instead of a local pool. Kept apart from the
// local commands, which never load bullmq.
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Cluster } from '../cluster/client.js';
import type { ClusterStats } from '../cluster/stats.js';
import type { ClusterCommand } from './cluster-flag.js';
import { openOut } from './out-file.js';
import { picture } from './view.js';
import { productShape, randomMatrix } from './matmul.js';
import { parseCommand, positiveInteger, UsageError } from './usage.js';

const COMMON = {
  cluster: { type: 'string' },
  schedule: { type: 'string' },
  chunk: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HELP = `usage: parwasm hello --cluster URL [--json]
       parwasm mandelbrot --cluster URL [--size N | --width N --height N] [--view V | --center RE,IM --span W]
                          [--max-iter N] [--out FILE.png]
       parwasm matmul --cluster URL [--n N] [--m M] [--k K] [--dtype f64|f32]
       parwasm wordcount --cluster URL [--top K] FILE|DIR...

Runs the command on the cluster whose Redis is at URL (redis://[:password@]host[:port], or
rediss:// for TLS), served by 'parwasm node'. Needs the packages bullmq and ioredis.

  --schedule S    dynamic (one queue all nodes pull from; default) or static (a block per node)
  --chunk N       items per job (default: the operation's)
  Mandelbrot's picture flags read as the local command's (parwasm mandelbrot --help).
  --json          print the result as JSON`;

/** Runs `command` with `args` (which hold --cluster URL) on the cluster. */
export async function runOnCluster(command: ClusterCommand, args: string[]): Promise<void> {
  const run = { hello, mandelbrot, matmul, wordcount }[command];
  await run(args);
}

async function open(url: string | undefined): Promise<Cluster> {
  if (url === undefined) throw new UsageError('--cluster needs a URL (e.g. --cluster redis://host:6379)');
  // Loaded on demand: the other commands must not need bullmq and ioredis.
  const { connectCluster } = await import('../cluster/client.js');
  return connectCluster({ redis: url });
}

function runOptions(flags: { schedule?: string; chunk?: string }) {
  return {
    ...(flags.schedule === undefined ? {} : { schedule: flags.schedule as 'dynamic' | 'static' }),
    ...(flags.chunk === undefined ? {} : { chunk: positiveInteger(flags.chunk, 'chunk') }),
  };
}

/** One line for the operation, and a table with a row per node. */
function report(title: string, stats: ClusterStats): void {
  console.log(
    `${title}: ${stats.schedule}, ${stats.jobs} jobs of up to ${stats.chunk}, ${stats.perNode.length} nodes: ` +
      `${stats.wallMs.toFixed(1)} ms, imbalance ${stats.imbalance.toFixed(3)}`,
  );
  console.table(
    stats.perNode.map(({ name, host, jobs, items, busyMs, retries }) => ({
      node: name,
      host,
      jobs,
      items,
      'busy ms': +busyMs.toFixed(1),
      retries,
    })),
  );
}

async function hello(args: string[]): Promise<void> {
  const flags = parseCommand(args, COMMON);
  if (flags.help) return void console.log(HELP);
  await using cluster = await open(flags.cluster);
  const replies = await cluster.hello();
  if (flags.json) return void console.log(JSON.stringify(replies, null, 2));
  for (const { globalRank, globalSize, node, rank, size, threadId, hostname } of replies) {
    console.log(
      `Hello from worker ${globalRank} of ${globalSize} (node ${node}: worker ${rank} of ${size}, thread ${threadId} on ${hostname})`,
    );
  }
}

async function mandelbrot(args: string[]): Promise<void> {
  const flags = parseCommand(args, {
    ...COMMON,
    size: { type: 'string' },
    width: { type: 'string' },
    height: { type: 'string' },
    view: { type: 'string' },
    center: { type: 'string' },
    span: { type: 'string' },
    'max-iter': { type: 'string' },
    out: { type: 'string' },
  });
  if (flags.help) return void console.log(HELP);
  // The local command's reading of the picture's flags, so both draw the same picture.
  const { label, ...view } = picture(flags);
  const { width, height, maxIter } = view;
  const run = runOptions(flags);
  // Opened first, as the local command does: a path that cannot be written is one line, at once.
  await using out = flags.out === undefined ? undefined : await openOut(flags.out);
  await using cluster = await open(flags.cluster);
  const result = await cluster.mandelbrot({ ...view, ...run });
  if (out) {
    const { mandelbrotPng } = await import('../report/png.js');
    await out.write(mandelbrotPng(result, maxIter));
  }
  if (flags.json) {
    const { xmin, xmax, ymin, ymax } = view;
    return void console.log(
      JSON.stringify({ width, height, xmin, xmax, ymin, ymax, maxIter, stats: result.stats }, null, 2),
    );
  }
  const pixels = width === height ? `${width}²` : `${width}×${height}`;
  report(`mandelbrot ${pixels} (${label}, maxIter ${maxIter}) on the cluster`, result.stats);
  if (flags.out) console.log(`image: ${flags.out}`);
}

async function matmul(args: string[]): Promise<void> {
  const flags = parseCommand(args, {
    ...COMMON,
    n: { type: 'string' },
    m: { type: 'string' },
    k: { type: 'string' },
    dtype: { type: 'string' },
  });
  if (flags.help) return void console.log(HELP);
  const { m, n, k, dtype } = productShape(flags);
  const run = runOptions(flags);
  const [a, b] = [randomMatrix(m, k, dtype), randomMatrix(k, n, dtype)];
  await using cluster = await open(flags.cluster);
  const start = performance.now();
  const result = await cluster.matmul(a, b, run);
  const ms = performance.now() - start;
  const gflops = (2 * m * n * k) / (ms * 1e6);
  if (flags.json) return void console.log(JSON.stringify({ m, n, k, dtype, ms, gflops, stats: result.stats }, null, 2));
  report(`matmul ${m}×${k} by ${k}×${n} ${dtype} on the cluster, ${gflops.toFixed(2)} GFLOP/s`, result.stats);
}

async function wordcount(args: string[]): Promise<void> {
  const { values: flags, positionals } = parseCommand(args, { ...COMMON, top: { type: 'string' } }, true);
  if (flags.help) return void console.log(HELP);
  if (positionals.length === 0) throw new UsageError('wordcount needs at least one file or directory');
  const top = positiveInteger(flags.top, 'top') ?? 20;
  const run = runOptions(flags);
  // Absolute paths: the nodes may run in other directories (on a shared filesystem).
  const files = (await Promise.all(positionals.map(filesBelow))).flat();
  await using cluster = await open(flags.cluster);
  const result = await cluster.wordCount({ files }, run);
  if (flags.json) {
    const { totalWords, counts, stats } = result;
    return void console.log(
      JSON.stringify({ files: files.length, totalWords, distinct: counts.size, top: result.top(top), stats }, null, 2),
    );
  }
  report(
    `${files.length} files: ${result.totalWords} words, ${result.counts.size} distinct, on the cluster`,
    result.stats,
  );
  console.table(result.top(top).map(([word, count]) => ({ word, count })));
}

/** A file's absolute path, or those of every file below a directory. */
async function filesBelow(path: string): Promise<string[]> {
  const absolute = resolve(path);
  const info = await stat(absolute).catch(() => {
    throw new UsageError(`cannot read '${path}'`);
  });
  if (!info.isDirectory()) return [absolute];
  const entries = await readdir(absolute, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}
