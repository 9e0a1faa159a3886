// The options every cluster operation accepts, checked before any job is queued.
import { abortSignal, booleanArg, callback, integerIn, oneOf } from '../validate.js';

export const CLUSTER_SCHEDULES = ['dynamic', 'static'] as const;

export interface ClusterRunOptions {
  /** `dynamic` (default): one queue all nodes pull jobs from, so a fast node takes more.
   * `static`: each node gets one contiguous block of the space on its own queue. */
  schedule?: (typeof CLUSTER_SCHEDULES)[number];
  /** Items per job. Default: chosen per operation (several jobs per node for `dynamic`, one
   * block per node for `static`). Each job should carry tens of milliseconds of work: a job
   * costs about 2 ms of queueing. */
  chunk?: number;
  /** Cancels the operation: queued jobs are removed, running ones told to stop, and the call
   * rejects with AbortError. */
  signal?: AbortSignal;
  /** Record every job (node, range, start, end) in `stats.trace`. Default: false. */
  trace?: boolean;
  /** Called as results arrive with the indices done so far and the total. */
  onProgress?: (done: number, total: number) => void;
}

export const CLUSTER_RUN_OPTION_NAMES = ['schedule', 'chunk', 'signal', 'trace', 'onProgress'] as const;

export interface ValidatedClusterRun {
  schedule: (typeof CLUSTER_SCHEDULES)[number];
  chunk: number | undefined;
  signal: AbortSignal | undefined;
  trace: boolean;
  onProgress: ((done: number, total: number) => void) | undefined;
}

export function validateClusterRun(options: Record<string, unknown>, argument: string): ValidatedClusterRun {
  return {
    schedule:
      options.schedule === undefined ? 'dynamic' : oneOf(options.schedule, `${argument}.schedule`, CLUSTER_SCHEDULES),
    chunk: options.chunk === undefined ? undefined : integerIn(options.chunk, `${argument}.chunk`, 1, 2 ** 31 - 1),
    signal: abortSignal(options.signal, `${argument}.signal`),
    trace: options.trace === undefined ? false : booleanArg(options.trace, `${argument}.trace`),
    onProgress:
      options.onProgress === undefined
        ? undefined
        : callback<(done: number, total: number) => void>(options.onProgress, `${argument}.onProgress`),
  };
}

/** `options` without the cluster's run options: what the local pool's validator checks. */
export function withoutRunOptions(options: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...options };
  for (const name of CLUSTER_RUN_OPTION_NAMES) delete rest[name];
  return rest;
}
