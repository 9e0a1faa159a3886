// The schedules on a synthetic kernel whose per-item cost is known: wall time, imbalance
// and the cost of a claim, for every schedule and every worker count given.
import { createPool, SCHEDULES, type RunStats } from 'parwasm';
import { measure, printTable } from '../measure.js';
import type { SuiteOptions } from '../options.js';
import { spinRun } from 'parwasm/internal';

/** Per-item costs (rounds of the spin kernel, ~1 ns each) with the same total, spread three ways. */
const PROFILES: Record<string, (n: number, mean: number) => Uint32Array> = {
  uniform: (n, mean) => new Uint32Array(n).fill(mean),
  increasing: (n, mean) => Uint32Array.from({ length: n }, (_, i) => Math.round((2 * mean * (i + 0.5)) / n)),
  // 90% of the work in the middle tenth of the index space
  spike: (n, mean) => Uint32Array.from({ length: n }, (_, i) => (Math.abs(i - n / 2) < n / 20 ? 9 * mean : mean / 9)),
};

export async function schedules({ workers, sizes, timeMs }: SuiteOptions): Promise<void> {
  const n = sizes?.[0] ?? 10_000;
  const mean = Math.round(20_000_000 / n); // ~20 ms of work per run on one worker
  for (const count of workers) {
    await using pool = await createPool({ workers: count });
    for (const [profile, makeCost] of Object.entries(PROFILES)) {
      const cost = makeCost(n, mean);
      const imbalances = new Map<string, number[]>();
      const rows = await measure(
        SCHEDULES.map((schedule) => ({
          name: schedule,
          fn: async () => {
            const { stats } = await spinRun(pool, cost, { schedule });
            (imbalances.get(schedule) ?? imbalances.set(schedule, []).get(schedule)!).push(stats.imbalance);
          },
        })),
        timeMs,
      );
      printTable(`${profile} cost, n = ${n}, ${count} workers`, rows, {
        imbalance: (row) => median(imbalances.get(row.task)!).toFixed(3),
      });
    }
    await claimOverhead(pool, count, timeMs);
    await chunkSweep(pool, count, timeMs);
  }
}

/** How the chunk size trades claim cost against balance: cheap items (~200 ns), so claims
 * matter, with the spike profile, so balance matters. This chose defaultChunk(). */
async function chunkSweep(pool: Awaited<ReturnType<typeof createPool>>, count: number, timeMs: number): Promise<void> {
  const n = 100_000;
  const cost = PROFILES.spike!(n, 200);
  const claimsPerWorker = [4, 16, 64, 256, 1024];
  const imbalances = new Map<string, number[]>();
  const tasks = SCHEDULES.filter((schedule) => schedule !== 'static').flatMap((schedule) =>
    claimsPerWorker.map((claims) => {
      const chunk = Math.ceil(n / (count * claims));
      const name = `${schedule}, chunk ${chunk} (n / ${claims}w)`;
      return {
        name,
        fn: async () => {
          const { stats } = await spinRun(pool, cost, { schedule, chunk });
          (imbalances.get(name) ?? imbalances.set(name, []).get(name)!).push(stats.imbalance);
        },
      };
    }),
  );
  printTable(`Chunk sweep: spike cost, ~200 ns an item, n = ${n}, ${count} workers`, await measure(tasks, timeMs), {
    imbalance: (row) => median(imbalances.get(row.task)!).toFixed(3),
  });
}

/** A claim's cost: an empty kernel over 10^6 items in chunks of 1, so a run is all claims
 * (and their accounting). Per chunk: workers × wall / Σ chunks. */
async function claimOverhead(
  pool: Awaited<ReturnType<typeof createPool>>,
  count: number,
  timeMs: number,
): Promise<void> {
  const n = 1_000_000;
  const cost = new Uint32Array(n);
  const last = new Map<string, RunStats>();
  // static and guided never claim chunks of 1 item: guided's claims start at n / workers.
  const rows = await measure(
    SCHEDULES.filter((schedule) => schedule !== 'static' && schedule !== 'guided').map((schedule) => ({
      name: schedule,
      fn: async () => {
        last.set(schedule, (await spinRun(pool, cost, { schedule, chunk: 1 })).stats);
      },
    })),
    timeMs,
  );
  printTable(`Claim overhead: empty items, chunk 1, n = ${n}, ${count} workers`, rows, {
    'ns per chunk': (row) => {
      const stats = last.get(row.task)!;
      const chunks = stats.perWorker.reduce((sum, worker) => sum + worker.chunks, 0);
      return (((count * stats.wallMs) / chunks) * 1e6).toFixed(1);
    },
    'wall ns per item': (row) => ((row.medianMs / n) * 1e6).toFixed(1),
    steals: (row) => String(last.get(row.task)!.perWorker.reduce((sum, worker) => sum + worker.steals, 0)),
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
