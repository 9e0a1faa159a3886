// Word counting as a Node user writes it today: the regex of the definition and a Map, on
// one thread. The benchmarks' peer and the tour's baseline.
import { readFileSync } from 'node:fs';

/** Adds the words of `text` (lower-cased) to `counts`. */
export function countInto(counts: Map<string, number>, text: string): void {
  for (const word of text.match(/[\p{L}\p{N}]+/gu) ?? []) {
    const key = word.toLowerCase();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
}

export function countFiles(files: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const file of files) countInto(counts, readFileSync(file, 'utf8'));
  return counts;
}
