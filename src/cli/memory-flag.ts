// --max-memory: the most bytes a pool's shared WebAssembly.Memory may grow to.
import { UsageError } from './usage.js';

const UNITS = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 } as const;
/** The library's default: half of what a wasm32 memory can address (see README, "Memory"). */
export const DEFAULT_MAX_MEMORY = 2 ** 31;
const MIN = 2 ** 20;
const MAX = 2 ** 32; // wasm32 addresses at most 4 GiB

export const MEMORY_FLAG_HELP = `  --max-memory B  the shared memory's limit: bytes, or with K, M or G (binary units), from 1M to
                  4G (default: 2G)`;

/** The flag's value in bytes (default 2 GiB), or a UsageError naming the flag. */
export function maxMemory(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_MEMORY;
  const match = /^(\d+(?:\.\d+)?)([KMG]?)i?B?$/i.exec(value.trim());
  const bytes = match ? Math.round(Number(match[1]) * UNITS[match[2]!.toUpperCase() as keyof typeof UNITS]) : NaN;
  if (!(bytes >= MIN && bytes <= MAX))
    throw new UsageError(`--max-memory must be a size from 1M to 4G, such as 512M or 3G (got '${value}')`);
  return bytes;
}

/** A size for people: 2 GiB, 9.8 GiB, 300 MiB. */
export function bytesText(bytes: number): string {
  return bytes >= 2 ** 30 ? `${+(bytes / 2 ** 30).toFixed(1)} GiB` : `${+(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** A UsageError for work that does not fit, naming --max-memory and how far it can go.
 * `needing` says what needs the bytes: "--n 20000: A, B and C need". */
export function tooLarge(needing: string, bytes: number, limit: number): UsageError {
  return new UsageError(
    `${needing} ${bytesText(bytes)}, more than --max-memory (${bytesText(limit)})` +
      (bytes <= MAX ? '; raise --max-memory, up to 4G' : '; 4G is the most a wasm32 memory can hold'),
  );
}
