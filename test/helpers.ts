// Runs of the synthetic kernels, shared by the tests.
import type { Pool } from 'parwasm';
import { parallelFor, validateRunOptionsBag, withTurn } from 'parwasm/internal';

/** Runs the `mark` kernel over [0, n): how often each index was computed, and by whom. */
export function markRun(pool: Pool, n: number, options: Record<string, unknown> = {}) {
  const run = validateRunOptionsBag(options, 'options', pool.size, 'dynamic');
  return withTurn(pool, async (turn) => {
    const counts = turn.arena.alloc(4 * n);
    const owners = turn.arena.alloc(4 * n);
    turn.arena.u32(counts, n).fill(0);
    const stats = await parallelFor(turn, { kernel: turn.control.layout.KERNEL_MARK, n, i32: [counts, owners] }, run);
    return { stats, counts: turn.arena.u32(counts, n).slice(), owners: turn.arena.i32(owners, n).slice() };
  }, run.signal);
}

/** Runs the `spin` kernel: item i costs cost[i] rounds of a short recurrence. */
export function spinRun(pool: Pool, cost: ArrayLike<number>, options: Record<string, unknown> = {}) {
  const n = cost.length;
  const run = validateRunOptionsBag(options, 'options', pool.size, 'dynamic');
  return withTurn(pool, async (turn) => {
    const costs = turn.arena.alloc(4 * n);
    const sink = turn.arena.alloc(4 * n);
    turn.arena.u32(costs, n).set(cost);
    const stats = await parallelFor(turn, { kernel: turn.control.layout.KERNEL_SPIN, n, i32: [costs, sink] }, run);
    return { stats };
  }, run.signal);
}

/** Runs the `fault` kernel, which traps at index `at`. */
export function faultRun(pool: Pool, n: number, at: number) {
  const run = validateRunOptionsBag({ schedule: 'static' }, 'options', pool.size, 'static');
  return withTurn(pool, (turn) => parallelFor(turn, { kernel: turn.control.layout.KERNEL_FAULT, n, i32: [at] }, run));
}
