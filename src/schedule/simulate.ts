// A model of every schedule: given the cost of each index, which worker would compute what,
// and how busy each would be. It predicts the balance of worker counts this machine does not
// have, from costs measured on it. Claims are taken as free and workers as equally fast, so
// it shows the imbalance that the decomposition itself causes.
import { staticBlock, type Schedule } from './schedules.js';

export interface Simulation {
  /** Total cost computed by each worker, by rank. */
  busy: number[];
  /** max(busy) / mean(busy); 1 when there is no work. */
  imbalance: number;
  /** The time the last worker finishes: max(busy). */
  makespan: number;
}

export function simulateSchedule(
  schedule: Schedule,
  costs: ArrayLike<number>,
  workers: number,
  chunk: number,
): Simulation {
  const busy = simulators[schedule](costs, workers, chunk);
  const total = busy.reduce((sum, value) => sum + value, 0);
  const makespan = Math.max(...busy);
  return { busy, makespan, imbalance: total > 0 ? makespan / (total / workers) : 1 };
}

type Simulator = (costs: ArrayLike<number>, workers: number, chunk: number) => number[];

const simulators: Record<Schedule, Simulator> = {
  static(costs, workers) {
    return Array.from({ length: workers }, (_, rank) => {
      const { lo, hi } = staticBlock(costs.length, workers, rank);
      return sum(costs, lo, hi);
    });
  },
  cyclic(costs, workers, chunk) {
    const busy = new Array<number>(workers).fill(0);
    for (let lo = 0, c = 0; lo < costs.length; lo += chunk, c++) {
      busy[c % workers]! += sum(costs, lo, lo + chunk);
    }
    return busy;
  },
  // The earliest free worker takes the next chunk from the shared counter.
  dynamic(costs, workers, chunk) {
    return claimInOrder(costs, workers, () => chunk);
  },
  guided(costs, workers, chunk) {
    return claimInOrder(costs, workers, (remaining) => Math.max(chunk, Math.ceil(remaining / workers)));
  },
  // Each worker eats its static block from the front, `chunk` at a time; a worker whose block
  // is empty takes the back half of the largest remaining range, as assembly/runtime/schedule.ts does.
  stealing(costs, workers, chunk) {
    const ranges = Array.from({ length: workers }, (_, rank) => staticBlock(costs.length, workers, rank));
    const busy = new Array<number>(workers).fill(0);
    const done = new Array<boolean>(workers).fill(false);
    for (;;) {
      const rank = earliest(busy, done);
      if (rank < 0) return busy;
      const own = ranges[rank]!;
      if (own.lo < own.hi) {
        const hi = Math.min(own.hi, own.lo + chunk);
        busy[rank]! += sum(costs, own.lo, hi);
        own.lo = hi;
        continue;
      }
      let victim = -1;
      for (let other = 0; other < workers; other++) {
        const size = ranges[other]!.hi - ranges[other]!.lo;
        if (other !== rank && size >= 2 && (victim < 0 || size > ranges[victim]!.hi - ranges[victim]!.lo))
          victim = other;
      }
      if (victim < 0) {
        done[rank] = true;
        continue;
      }
      const range = ranges[victim]!;
      const mid = range.lo + Math.floor((range.hi - range.lo) / 2);
      ranges[rank] = { lo: mid, hi: range.hi };
      range.hi = mid;
    }
  },
};

function claimInOrder(costs: ArrayLike<number>, workers: number, size: (remaining: number) => number): number[] {
  const busy = new Array<number>(workers).fill(0);
  const none = new Array<boolean>(workers).fill(false);
  for (let next = 0; next < costs.length;) {
    const rank = earliest(busy, none);
    const hi = Math.min(costs.length, next + size(costs.length - next));
    busy[rank]! += sum(costs, next, hi);
    next = hi;
  }
  return busy;
}

/** The worker that is free first (lowest rank on ties), among those not done; -1 if none. */
function earliest(busy: number[], done: boolean[]): number {
  let best = -1;
  for (let rank = 0; rank < busy.length; rank++) {
    if (!done[rank] && (best < 0 || busy[rank]! < busy[best]!)) best = rank;
  }
  return best;
}

function sum(costs: ArrayLike<number>, lo: number, hi: number): number {
  let total = 0;
  for (let i = lo; i < Math.min(hi, costs.length); i++) total += costs[i]!;
  return total;
}
