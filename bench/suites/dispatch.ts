// The round trip of an empty operation: parwasm's shared-memory doorbell beside
// Promise.all of one empty piscina.run() per worker (what a Node user would write today).
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { createPool } from 'parwasm';
import { parallelFor, validateRunOptionsBag, withTurn } from 'parwasm/internal';
import { measure, printTable, type Row } from '../measure.js';
import type { SuiteOptions } from '../options.js';

export async function dispatch({ workers, timeMs }: SuiteOptions): Promise<void> {
  for (const count of workers) {
    await using pool = await createPool({ workers: count });
    const run = validateRunOptionsBag({ schedule: 'static' }, 'options', count, 'static');
    const piscina = new Piscina({
      filename: new URL('../bench/fixtures/noop-task.mjs', import.meta.url).href,
      minThreads: count,
      maxThreads: count,
      idleTimeout: Infinity,
    });
    await Promise.all(Array.from({ length: count * 4 }, () => piscina.run(null))); // all threads up
    const emptyOperation = `parwasm: empty operation on ${count} workers`;
    const rows = await measure(
      [
        {
          name: emptyOperation,
          fn: () =>
            withTurn(pool, (turn) =>
              parallelFor(turn, { kernel: turn.builtins.kernel('mark'), n: 0, args: [0, 0] }, run),
            ),
        },
        {
          name: `piscina: Promise.all of ${count} empty run()`,
          fn: async () => {
            await Promise.all(Array.from({ length: count }, () => piscina.run(null)));
          },
        },
      ],
      timeMs,
    );
    await piscina.destroy();
    const ours = rows.find((row) => row.task === emptyOperation)!;
    printTable(`Empty operation round trip, ${count} workers (${availableParallelism()} cores)`, rows, {
      'vs parwasm': (row: Row) => `${(row.medianMs / ours.medianMs).toFixed(2)}×`,
    });
  }
}
