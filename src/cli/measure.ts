// Timing as the benchmarks do it: warm-up runs first (V8 tiers the glue up and the memory
// grows to size), then the median of enough timed runs, with the range beside it.

export interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
}

/** Runs `run(i)` `warmup` times untimed, then `repeat` times timed. `i` counts every run from
 * 0, for progress. Returns the timings and the result of the median run. */
export async function measure<T>(
  run: (i: number) => Promise<T>,
  warmup: number,
  repeat: number,
): Promise<{ timing: Timing; median: T }> {
  for (let i = 0; i < warmup; i++) await run(i);
  const runs: { ms: number; result: T }[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    const result = await run(warmup + i);
    runs.push({ ms: performance.now() - start, result });
  }
  runs.sort((x, y) => x.ms - y.ms);
  const median = runs[Math.floor(runs.length / 2)]!;
  return {
    timing: { medianMs: median.ms, minMs: runs[0]!.ms, maxMs: runs.at(-1)!.ms, runs: repeat },
    median: median.result,
  };
}
