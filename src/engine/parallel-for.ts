// pool.parallelFor: a library kernel over [0, n) with a schedule, checked before any work.
import { rangeError, typeError } from '../errors.js';
import {
  parallelFor as runKernel,
  RUN_OPTION_NAMES,
  validateRunOptions,
  type RunContext,
  type ValidatedRunOptions,
} from '../schedule/parallel-for.js';
import { integerIn, knownKeys, optionsObject } from '../validate.js';
import { encodeArguments } from './arguments.js';
import { LibraryKernel, type LibraryHost } from './library.js';
import type { ParallelForResult } from './types.js';

export interface ValidatedParallelFor {
  n: number;
  kernel: LibraryKernel;
  /** Checked against the kernel's signature; encoded again when the call runs, so that an
   * array freed meanwhile is refused before any work. */
  args: readonly unknown[] | undefined;
  run: ValidatedRunOptions;
}

const MAX_N = 2 ** 31 - 1;

export function validateParallelFor(
  n: unknown,
  kernel: unknown,
  options: unknown,
  pool: { size: number; host: LibraryHost },
): ValidatedParallelFor {
  const count = integerIn(n, 'n', 0, MAX_N);
  if (!(kernel instanceof LibraryKernel)) throw typeError('kernel', 'a kernel from lib.kernel(name)', kernel);
  if (kernel.library.host !== pool.host) throw typeError('kernel', 'a kernel of a library loaded on this pool', kernel);
  if (kernel.library.unloaded) throw rangeError('kernel', 'a kernel of a library that is still loaded', kernel.name);
  const bag = optionsObject(options, 'options');
  knownKeys(bag, 'options', ['args', ...RUN_OPTION_NAMES]);
  const { layout } = pool.host;
  encodeArguments(bag.args, 'options.args', kernel.args, kernel.library, layout.ARG_SLOTS);
  const args = bag.args as readonly unknown[] | undefined;
  return { n: count, kernel, args, run: validateRunOptions(bag, 'options', pool.size, 'dynamic') };
}

export async function runParallelFor(context: RunContext, call: ValidatedParallelFor): Promise<ParallelForResult> {
  const { kernel, n, args, run } = call;
  const stats = await runKernel(context, { kernel, n, args }, run);
  return { stats };
}
