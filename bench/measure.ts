// Shared by the suites: run tinybench tasks and report medians, so every figure in
// docs/benchmarks.md is a median over many samples taken side by side in one run.
import { Bench, type Fn, type FnOptions } from 'tinybench';

export interface Row {
  task: string;
  /** Median latency in milliseconds. */
  medianMs: number;
  p99Ms: number;
  samples: number;
}

export interface TaskSpec {
  name: string;
  fn: Fn;
  options?: FnOptions;
}

/** Runs each task for at least `timeMs` and at least `iterations` times (fewer iterations
 * for tasks of seconds each), after a warm-up. */
export async function measure(tasks: TaskSpec[], timeMs: number, iterations = 64): Promise<Row[]> {
  const bench = new Bench({
    time: timeMs,
    iterations,
    warmupTime: Math.min(500, timeMs / 4),
    warmupIterations: Math.min(iterations, 16),
  });
  for (const task of tasks) bench.add(task.name, task.fn, task.options);
  await bench.run();
  return bench.tasks.map((task) => {
    const result = task.result;
    if (result.state !== 'completed') {
      throw new Error(`${task.name}: ${result.state === 'errored' ? result.error.message : result.state}`);
    }
    return {
      task: task.name,
      medianMs: result.latency.p50,
      p99Ms: result.latency.p99,
      samples: result.latency.samplesCount,
    };
  });
}

/** Prints rows as a Markdown table, with `extra` columns computed per row. */
export function printTable(title: string, rows: Row[], extra: Record<string, (row: Row) => string> = {}): void {
  const headers = ['task', 'median', 'p99', 'samples', ...Object.keys(extra)];
  const lines = rows.map((row) => [
    row.task,
    formatMs(row.medianMs),
    formatMs(row.p99Ms),
    String(row.samples),
    ...Object.values(extra).map((column) => column(row)),
  ]);
  console.log(`\n### ${title}\n`);
  console.log(`| ${headers.join(' | ')} |`);
  console.log(`|${headers.map(() => '---').join('|')}|`);
  for (const line of lines) console.log(`| ${line.join(' | ')} |`);
}

/** A difference of times with its sign: `+1.20 s`, `−350.00 ms`. */
export function formatDeltaMs(ms: number): string {
  return `${ms < 0 ? '−' : '+'}${formatMs(Math.abs(ms))}`;
}

export function formatMs(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(1)} µs`;
  if (ms < 1000) return `${ms.toFixed(2)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}
