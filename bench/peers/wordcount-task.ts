// The piscina peer's task: count a batch of files, return the partial counts as entries.
import { countFiles } from '../../src/baselines/wordcount.js';

export default function countBatch(files: string[]): [string, number][] {
  return [...countFiles(files)];
}
