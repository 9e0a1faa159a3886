// The flags every suite understands; worker counts and sizes are parameters so that the
// same suites run unchanged on a bigger machine.
import { availableParallelism } from 'node:os';
import { parseCommand, UsageError } from '../src/cli/usage.js';

export interface SuiteOptions {
  /** Worker counts to measure, e.g. `--workers 1,2,4`. Default: 1 and all cores. */
  workers: number[];
  /** Sizes, where a suite takes them (`--sizes 1024,2048`). */
  sizes: number[] | undefined;
  /** Time per task in ms (`--time 2000`). */
  timeMs: number;
}

export const SUITE_HELP = `usage: parwasm bench [SUITE ...] [--workers 1,2,4] [--sizes N,...] [--time MS]

Runs benchmark suites, each peer beside parwasm in the same run, and prints Markdown tables
of medians and ratios (docs/benchmarks.md holds the figures measured so far).

  --workers LIST  worker counts to measure (default: 1 and the number of cores)
  --sizes LIST    problem sizes, where a suite takes them
  --time MS       minimum time per task (default: 2000)`;

export function parseSuiteArgs(args: string[]): { suites: string[]; options: SuiteOptions; help: boolean } {
  const { values, positionals } = parseCommand(
    args,
    {
      workers: { type: 'string' },
      sizes: { type: 'string' },
      time: { type: 'string', default: '2000' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  const cores = availableParallelism();
  return {
    help: values.help ?? false,
    suites: positionals,
    options: {
      workers: values.workers ? numberList(values.workers, 'workers') : [...new Set([1, cores])],
      sizes: values.sizes ? numberList(values.sizes, 'sizes') : undefined,
      timeMs: numberList(values.time, 'time')[0]!,
    },
  };
}

function numberList(text: string, flag: string): number[] {
  const numbers = text.split(',').map(Number);
  if (numbers.some((number) => !Number.isInteger(number) || number < 1)) {
    throw new UsageError(`--${flag} must be a comma-separated list of positive integers (got '${text}')`);
  }
  return numbers;
}
