// createPool's options, validated in one place.
import { PAGE_BYTES } from '../memory/module.js';
import { integerIn, knownKeys, optionsObject } from '../validate.js';

/** Options of createPool. */
export interface PoolOptions {
  /** Worker threads to start, from 1 to 512. More than the machine's cores is allowed (and
   * correct) but not faster.
   * @default os.availableParallelism() on Node, navigator.hardwareConcurrency in a browser */
  workers?: number;
  /** The most bytes the shared memory may grow to, from 1 MiB to 4 GiB (the wasm32 limit);
   * rounded up to whole 64 KiB pages. Operations that would need more reject with a
   * RangeError before any work starts.
   * @default 2147483648 (2 GiB) on Node, 536870912 (512 MiB) in a browser (docs/browser.md) */
  maxMemory?: number;
}

export interface ValidatedPoolOptions {
  workers: number;
  maxMemoryPages: number;
}

const MIN_MEMORY = 1 << 20;
const MAX_MEMORY = 2 ** 32;

/** `maxWorkers`: the module's MAX_WORKERS, the telemetry slots its control block has;
 * `defaults`: the platform's cores and default maxMemory. */
export function validatePoolOptions(
  value: unknown,
  maxWorkers: number,
  defaults: { cores: number; maxMemory: number },
): ValidatedPoolOptions {
  const options = optionsObject(value, 'options');
  knownKeys(options, 'options', ['workers', 'maxMemory']);
  const workers =
    options.workers === undefined
      ? Math.min(defaults.cores, maxWorkers)
      : integerIn(options.workers, 'options.workers', 1, maxWorkers);
  const maxMemory =
    options.maxMemory === undefined
      ? defaults.maxMemory
      : integerIn(options.maxMemory, 'options.maxMemory', MIN_MEMORY, MAX_MEMORY);
  return { workers, maxMemoryPages: Math.ceil(maxMemory / PAGE_BYTES) };
}
