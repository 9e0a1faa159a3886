// The load-balancing study across machines: the same Mandelbrot view run on a cluster's
// nodes with each schedule (`static`: a block per node; `dynamic`: one queue all nodes pull
// from), traced, so that each node's share and its timeline can be compared.
import type { ClusterStats, JobRecord, NodeStats } from '../cluster/stats.js';
import { CLUSTER_SCHEDULES } from '../cluster/run-options.js';
import { typeError } from '../errors.js';
import { integerIn, knownKeys, optionsObject } from '../validate.js';
import { validateStudyView, type StudyView } from './study.js';

/** What the study asks of a cluster (a Cluster from connectCluster): its mandelbrot. Declared
 * here so that parwasm/report's declarations need neither bullmq's types nor ioredis's. */
export interface StudiedCluster {
  mandelbrot(
    options: StudyView & { schedule: ClusterStudyRun['schedule']; chunk?: number; trace: boolean },
  ): Promise<{ data: Uint32Array; stats: ClusterStats }>;
}

export interface ClusterStudyOptions {
  /** Rows per job for `dynamic` (`static` gives each node one block).
   * @default the cluster's (16 jobs per node) */
  chunk?: number;
}

/** One traced run of the view on the cluster. */
export interface ClusterStudyRun {
  schedule: (typeof CLUSTER_SCHEDULES)[number];
  /** Milliseconds from queueing the jobs to the last result. */
  wallMs: number;
  jobs: number;
  /** Largest rows per job. */
  chunk: number;
  /** Largest busy time over mean busy time across the nodes that took part. */
  imbalance: number;
  perNode: NodeStats[];
  /** Every job: node, host, rows [lo, hi), start and end in ms since the run began. */
  trace: JobRecord[];
}

export interface ClusterStudy {
  view: StudyView;
  /** Escape counts of the view (the same from every run). */
  pixels: Uint32Array;
  runs: ClusterStudyRun[];
}

/** Runs `view` on the cluster once per schedule, traced. Arguments are checked before the
 * first job is queued: a bad one is a ValidationError naming it (`view.height`). */
export async function studyClusterMandelbrot(
  cluster: StudiedCluster,
  view: StudyView,
  options?: ClusterStudyOptions,
): Promise<ClusterStudy> {
  if (cluster === null || typeof cluster !== 'object' || typeof cluster.mandelbrot !== 'function') {
    throw typeError('cluster', 'a Cluster from connectCluster()', cluster);
  }
  const checked = validateStudyView(view);
  const bag = optionsObject(options, 'options');
  knownKeys(bag, 'options', ['chunk']);
  const chunk = bag.chunk === undefined ? undefined : integerIn(bag.chunk, 'options.chunk', 1, 2 ** 31 - 1);
  let pixels: Uint32Array = new Uint32Array(0);
  const runs: ClusterStudyRun[] = [];
  for (const schedule of CLUSTER_SCHEDULES) {
    const result = await cluster.mandelbrot({
      ...checked,
      schedule,
      chunk: schedule === 'static' ? undefined : chunk,
      trace: true,
    });
    pixels = result.data;
    runs.push(studyRun(result.stats));
  }
  return { view: checked, pixels, runs };
}

function studyRun({ schedule, wallMs, jobs, chunk, imbalance, perNode, trace }: ClusterStats): ClusterStudyRun {
  return { schedule, wallMs, jobs, chunk, imbalance, perNode, trace: trace ?? [] };
}
