// parwasm bench: the benchmark suites of bench/, built next to this file by `npm run build`.
// Their peers (piscina, ml-matrix, the word-count corpus) are devDependencies, so the suites
// run from a clone of the repository, not from an installed package.
import { UsageError } from './usage.js';

interface BenchModule {
  runSuites(args: string[]): Promise<void>;
}

export async function runBench(args: string[]): Promise<void> {
  let suites: BenchModule;
  try {
    suites = (await import(new URL('./bench.js', import.meta.url).href)) as BenchModule;
  } catch (error) {
    throw new UsageError(
      `the benchmark suites need parwasm's devDependencies: run them from a clone of the repository (${(error as Error).message.split('\n')[0]})`,
    );
  }
  try {
    await suites.runSuites(args);
  } catch (error) {
    // The suites' own usage errors (bad flags, an unknown suite) are UsageErrors of bench.js's
    // bundle, a copy of this class: known by name. Anything else is a failure, not a usage error.
    if (error instanceof Error && error.name === 'UsageError') throw new UsageError(error.message);
    throw error;
  }
}
