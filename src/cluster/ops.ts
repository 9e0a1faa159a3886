// The cluster's operations: the local pool's argument checks, a plan of jobs over the
// operation's index space, and the result assembled from the jobs' outputs, byte for byte
// what the local pool returns.
import { typeError } from '../errors.js';
import { validateMandelbrot, type MandelbrotView } from '../ops/mandelbrot.js';
import { THIN, validateOperands, type Matrix } from '../ops/matmul.js';
import { topWords, validateWordCount } from '../ops/wordcount.js';
import { knownKeys, optionsObject } from '../validate.js';
import { decodeCounts, typedArray } from './node-kernels.js';
import { runOperation, type ClusterContext } from './operation.js';
import { bytesOf } from './protocol.js';
import {
  CLUSTER_RUN_OPTION_NAMES,
  validateClusterRun,
  withoutRunOptions,
  type ClusterRunOptions,
} from './run-options.js';
import type { ClusterStats } from './stats.js';

const NO_LIMIT = { poolSize: 1, capacity: Number.MAX_SAFE_INTEGER };

export interface ClusterMandelbrotOptions extends MandelbrotView, ClusterRunOptions {
  /** The nodes' kernel: `simd` (default) or `scalar`; both give the same integers. */
  kernel?: 'simd' | 'scalar';
}

export interface ClusterMandelbrotResult {
  width: number;
  height: number;
  /** Escape count per pixel, row-major, as the local pool's. */
  data: Uint32Array;
  stats: ClusterStats;
}

const VIEW_NAMES = ['width', 'height', 'xmin', 'xmax', 'ymin', 'ymax', 'maxIter', 'kernel'];

/** Rows of the image are the index space; a job is a band of rows. Default: 16 bands per node. */
export async function clusterMandelbrot(context: ClusterContext, options: unknown): Promise<ClusterMandelbrotResult> {
  // No options at all: the local pool's validator says what is missing.
  if (options === undefined) validateMandelbrot(options, NO_LIMIT);
  const bag = optionsObject(options, 'options');
  knownKeys(bag, 'options', [...VIEW_NAMES, ...CLUSTER_RUN_OPTION_NAMES]);
  const run = validateClusterRun(bag, 'options');
  const { width, height, xmin, xmax, ymin, ymax, maxIter, kernel } = validateMandelbrot(
    withoutRunOptions(bag),
    NO_LIMIT,
  );
  const view = { width, height, xmin, xmax, ymin, ymax, maxIter, kernel };
  const data = new Uint32Array(width * height);
  const stats = await runOperation(context, {
    operation: 'mandelbrot',
    kernel: 'parwasm.mandelbrot',
    n: width === 0 ? 0 : height,
    inputs: { view: Buffer.from(JSON.stringify(view)) },
    run,
    jobsPerNode: 16,
    accept({ lo }, payload) {
      data.set(new Uint32Array(new Uint8Array(payload).buffer), lo * width);
    },
  });
  return { width, height, data, stats };
}

export interface ClusterMatmulResult<
  D extends Float64Array | Float32Array = Float64Array | Float32Array,
> extends Matrix<D> {
  stats: ClusterStats;
}

/** Rows of C are the index space; B goes to Redis once, each node reads only its rows of A.
 * Every job has THIN rows or more (unless C has fewer), so it takes the same kernel path as
 * the whole product on one pool, and gives the same bits. Default: 8 jobs per node. */
export async function clusterMatmul<D extends Float64Array | Float32Array>(
  context: ClusterContext,
  a: Matrix<D>,
  b: Matrix<D>,
  options: unknown,
): Promise<ClusterMatmulResult<D>> {
  const { left, right } = validateOperands(a, b);
  const bag = optionsObject(options, 'options');
  knownKeys(bag, 'options', CLUSTER_RUN_OPTION_NAMES);
  const run = validateClusterRun(bag, 'options');
  const [m, k, n] = [left.rows, left.cols, right.cols];
  const dtype = left.data instanceof Float64Array ? 'f64' : 'f32';
  const c = new (left.data.constructor as new (length: number) => D)(m * n);
  const stats = await runOperation(context, {
    operation: 'matmul',
    kernel: 'parwasm.matmul',
    n: m * n === 0 ? 0 : m,
    inputs: {
      shape: Buffer.from(JSON.stringify({ dtype, m, k, n })),
      a: bytesOf(left.data),
      b: bytesOf(right.data),
    },
    run,
    jobsPerNode: 8,
    minChunk: THIN,
    accept({ lo }, payload) {
      c.set(typedArray(dtype, payload), lo * n);
    },
  });
  return { rows: m, cols: n, data: c, stats };
}

export interface ClusterWordCountResult {
  counts: Map<string, number>;
  totalWords: number;
  top(k: number): [word: string, count: number][];
  stats: ClusterStats;
}

/** Files are the index space: every node reads its jobs' files from the same paths (a shared
 * filesystem), counts them on its pool and returns the partial table, merged here once per
 * job. Default: 16 jobs per node. */
export async function clusterWordCount(
  context: ClusterContext,
  input: unknown,
  options: unknown,
): Promise<ClusterWordCountResult> {
  if (Array.isArray(input)) {
    throw typeError('input', '{ files: string[] } on a cluster (paths every node can read)', input);
  }
  const bag = optionsObject(options, 'options');
  knownKeys(bag, 'options', CLUSTER_RUN_OPTION_NAMES);
  const run = validateClusterRun(bag, 'options');
  const files = validateWordCount(input, undefined, NO_LIMIT).files!;
  const counts = new Map<string, number>();
  let totalWords = 0;
  const stats = await runOperation(context, {
    operation: 'wordCount',
    kernel: 'parwasm.wordcount',
    n: files.length,
    inputs: { files: Buffer.from(JSON.stringify(files)) },
    run,
    jobsPerNode: 16,
    accept(_header, payload) {
      const partial = decodeCounts(payload);
      totalWords += partial.totalWords;
      for (const [word, count] of partial.counts) counts.set(word, (counts.get(word) ?? 0) + count);
    },
  });
  return { counts, totalWords, top: (k) => topWords(counts, k), stats };
}
