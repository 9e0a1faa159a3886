// Pool start-up: from createPool() to every worker ready, for each worker count.
import { createPool, type Pool } from 'parwasm';
import { measure, printTable, type TaskSpec } from '../measure.js';
import type { SuiteOptions } from '../options.js';

export async function startup({ workers, timeMs }: SuiteOptions): Promise<void> {
  const tasks: TaskSpec[] = workers.map((count) => {
    let pool: Pool | undefined;
    return {
      name: `createPool({ workers: ${count} })`,
      fn: async () => {
        pool = await createPool({ workers: count });
      },
      options: { afterEach: async () => pool?.close() },
    };
  });
  printTable('Pool start-up', await measure(tasks, timeMs));
}
