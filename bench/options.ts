// The flags every suite understands; worker counts and sizes are parameters so that the
// same suites run unchanged on a bigger machine.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

export interface SuiteOptions {
  /** Worker counts to measure, e.g. `--workers 1,2,4`. Default: 1 and all cores. */
  workers: number[];
  /** Sizes, where a suite takes them (`--sizes 1024,2048`). */
  sizes: number[] | undefined;
  /** Time per task in ms (`--time 2000`). */
  timeMs: number;
}

export function parseSuiteArgs(args: string[]): { suites: string[]; options: SuiteOptions } {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      workers: { type: 'string' },
      sizes: { type: 'string' },
      time: { type: 'string', default: '2000' },
    },
  });
  const cores = availableParallelism();
  return {
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
    throw new Error(`--${flag} must be a comma-separated list of positive integers (got '${text}')`);
  }
  return numbers;
}
