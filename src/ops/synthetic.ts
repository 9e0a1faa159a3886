// Operations over the synthetic kernels (assembly/kernels/synthetic.ts), whose answers are known:
// the tests check the schedules with them and the benchmarks time the schedules with them.
// Internal: exported from src/internal.ts only.
import { SharedArena } from '../memory/arena.js';
import type { Executor as Pool, Turn } from '../engine/executor.js';
import { parallelFor, validateRunOptionsBag, type KernelCall } from '../schedule/parallel-for.js';
import type { RunStats } from '../schedule/telemetry.js';

/** Runs `mark` over [0, n): how often each index was computed, and which worker did it. */
export function markRun(pool: Pool, n: number, options: Record<string, unknown> = {}) {
  return runSynthetic(pool, options, async (turn, run) => {
    const counts = turn.arena.alloc(4 * n);
    const owners = turn.arena.alloc(4 * n);
    turn.arena.u32(counts, n).fill(0);
    const stats = await run({ kernel: turn.builtins.kernel('mark'), n, args: [counts, owners] });
    return {
      stats,
      counts: SharedArena.copyOut(turn.arena.u32(counts, n)),
      owners: SharedArena.copyOut(turn.arena.i32(owners, n)),
    };
  });
}

/** Runs `spin`: item i costs cost[i] rounds of a short integer recurrence (~1 ns each). */
export function spinRun(pool: Pool, cost: ArrayLike<number>, options: Record<string, unknown> = {}) {
  const n = cost.length;
  return runSynthetic(pool, options, async (turn, run) => {
    const costs = turn.arena.alloc(4 * n);
    const sink = turn.arena.alloc(4 * n);
    turn.arena.u32(costs, n).set(cost);
    return {
      stats: await run({ kernel: turn.builtins.kernel('spin'), n, args: [costs, sink] }),
    };
  });
}

/** Runs `fault` over [0, n) with the static schedule; it traps at index `at`. */
export function faultRun(pool: Pool, n: number, at: number) {
  return runSynthetic(pool, { schedule: 'static' }, (turn, run) =>
    run({ kernel: turn.builtins.kernel('fault'), n, args: [at] }),
  );
}

function runSynthetic<T>(
  pool: Pool,
  options: Record<string, unknown>,
  task: (turn: Turn, run: (call: KernelCall) => Promise<RunStats>) => Promise<T>,
): Promise<T> {
  const validated = validateRunOptionsBag(options, 'options', pool.size, 'dynamic');
  return pool.enqueue((turn) => task(turn, (call) => parallelFor(turn, call, validated)), validated.signal);
}
