// Users' own kernels (issue 14). First what a claim and a call cost: an empty user kernel,
// per chunk (range kernels, chunks of one item) and per index (per-index kernels), beside the
// built-in claim cost measured in the same run (parwasm's own `spin` kernel with no rounds,
// which since the built-ins became a library takes the same table and adapter path). Then a real kernel of uneven cost — the
// midpoint-rule integration of examples/kernels, index i costing i + 1 steps — compiled
// from AssemblyScript and from C, on every schedule, beside the same loop in plain
// JavaScript on one thread and as piscina tasks over blocks. The libraries are built from
// source first (asc is a devDependency; clang where it is installed).
import { readFile } from 'node:fs/promises';
import { Piscina } from 'piscina';
import { createPool, SCHEDULES, type RunStats } from 'parwasm';
import { spinRun } from 'parwasm/internal';
import { kernelPool, type KernelPool } from '../../test/kernel-contract.js';
import { BUILDS, buildKernel } from '../../test/kernel-modules.js';
import { onPath } from '../../test/os-package.js';
import { measure, printTable, type Row, type TaskSpec } from '../measure.js';
import type { SuiteOptions } from '../options.js';

type Integrate = (lo: number, hi: number, out: Float64Array) => void;
/** The JavaScript kernels of examples/kernels, relative to the bundle in dist/. */
const JS_KERNELS = new URL('../examples/kernels/javascript/kernels.mjs', import.meta.url);

export async function kernels({ workers, sizes, timeMs }: SuiteOptions): Promise<void> {
  const clang = onPath('clang');
  if (!clang) console.log('\nclang is not installed (apt-get install -y clang lld): the C rows are left out');
  const [empty, assemblyscript, c] = await Promise.all([
    buildKernel(BUILDS.empty),
    buildKernel(BUILDS.assemblyscript),
    clang ? buildKernel(BUILDS.c) : undefined,
  ]);
  for (const count of workers) await overhead(count, empty, timeMs);
  const libraries = { AssemblyScript: assemblyscript, ...(c ? { C: c } : {}) };
  await realKernel(workers, libraries, sizes?.[0] ?? 10_000, timeMs);
}

/** Claim + call with empty kernels: ns per chunk (range, chunks of 1) and per index. */
async function overhead(count: number, emptyLibrary: string, timeMs: number): Promise<void> {
  await using base = await createPool({ workers: count });
  const pool: KernelPool = kernelPool(base);
  const library = await pool.load(emptyLibrary);
  const n = 1_000_000;
  const indices = 10_000_000;
  const zeroCost = new Uint32Array(n);
  const last = new Map<string, RunStats>();
  const record = (name: string, run: () => Promise<{ stats: RunStats }>) => ({
    name,
    fn: async () => void last.set(name, (await run()).stats),
  });
  const tasks: TaskSpec[] = (['dynamic', 'stealing'] as const).flatMap((schedule) => [
    record(`built-in claim (spin kernel, no rounds), ${schedule}, chunk 1`, () =>
      spinRun(base, zeroCost, { schedule, chunk: 1 }),
    ),
    record(`user range kernel (empty), ${schedule}, chunk 1`, () =>
      pool.parallelFor(n, library.kernel('empty'), { schedule, chunk: 1 }),
    ),
  ]);
  tasks.push(
    record(`user per-index kernel (empty), dynamic, ${indices} indices`, () =>
      pool.parallelFor(indices, library.kernel('emptyAt', { perIndex: true }), { schedule: 'dynamic' }),
    ),
  );
  if (count === 1) {
    const emptyAt = await exportOnMainThread(emptyLibrary, 'emptyAt');
    tasks.push({
      name: 'plain JS loop calling the export, main thread',
      fn: () => {
        for (let i = 0; i < indices; i++) emptyAt(i);
      },
    });
  }
  const rows = await measure(tasks, timeMs);
  const chunksOf = (row: Row) => last.get(row.task)?.perWorker.reduce((sum, worker) => sum + worker.chunks, 0);
  printTable(`Claim + call overhead, empty kernels, ${count} worker${count > 1 ? 's' : ''}`, rows, {
    // Worker time per claim: workers × wall time over the claims made.
    'ns per chunk': (row) => {
      const chunks = chunksOf(row);
      return chunks && !row.task.includes('indices') ? ((count * row.medianMs * 1e6) / chunks).toFixed(1) : '';
    },
    'ns per index': (row) => (row.task.includes('chunk 1') ? '' : ((count * row.medianMs * 1e6) / indices).toFixed(2)),
  });
  await library.unload();
}

/** An export of the library instantiated on this thread: a JavaScript loop calling it is
 * the path parwasm's per-index kernels must beat. */
async function exportOnMainThread(path: string, name: string): Promise<(i: number) => void> {
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 256, shared: true });
  const { instance } = await WebAssembly.instantiate(await readFile(path), { env: { memory } });
  return instance.exports[name] as (i: number) => void;
}

/** The integration kernel from each library on every schedule and worker count, beside
 * plain JavaScript on one thread and piscina over blocks. */
async function realKernel(
  workers: number[],
  libraries: Record<string, string>,
  n: number,
  timeMs: number,
): Promise<void> {
  const most = Math.max(...workers);
  await using base = await createPool({ workers: most });
  const pool = kernelPool(base);
  const { integrate } = (await import(JS_KERNELS.href)) as { integrate: Integrate };
  const piscina = new Piscina({
    filename: new URL('../bench/fixtures/integrate-task.mjs', import.meta.url).href,
    minThreads: most,
    maxThreads: most,
  });
  const reference = new Float64Array(n);
  integrate(0, n, reference);

  const imbalance = new Map<string, number>();
  const mismatches: string[] = [];
  const tasks: TaskSpec[] = [
    { name: 'plain JS, 1 thread', fn: () => integrate(0, n, new Float64Array(n)) },
    { name: `piscina, ${most} threads, ${8 * most} blocks`, fn: () => piscinaBlocks(piscina, n, 8 * most) },
  ];
  for (const [toolchain, path] of Object.entries(libraries)) {
    const library = await pool.load(path);
    const out = library.alloc(Float64Array, n);
    for (const count of workers) {
      for (const schedule of SCHEDULES) {
        const name = `${toolchain}, ${count} worker${count > 1 ? 's' : ''}, ${schedule}`;
        tasks.push({
          name,
          fn: async () => {
            const { stats } = await pool.parallelFor(n, library.kernel('integrate'), {
              args: [out],
              schedule,
              workers: count,
            });
            imbalance.set(name, stats.imbalance);
            if (out.some((value, i) => !Object.is(value, reference[i]))) mismatches.push(name);
          },
        });
      }
    }
  }
  const rows = await measure(tasks, timeMs, 5);
  const js = rows[0]!;
  printTable(`Integration, index i costs i + 1 steps, n = ${n}`, rows, {
    'vs plain JS': (row) => `${(js.medianMs / row.medianMs).toFixed(2)}×`,
    imbalance: (row) => imbalance.get(row.task)?.toFixed(3) ?? '',
  });
  console.log(
    mismatches.length === 0
      ? '\nevery run gave plain JavaScript’s results bit for bit'
      : `\nDIFFERENT from plain JavaScript: ${mismatches.join(', ')}`,
  );
  await piscina.destroy();
}

/** The same loop as piscina tasks over `blocks` contiguous blocks, into a shared array. */
async function piscinaBlocks(piscina: Piscina, n: number, blocks: number): Promise<void> {
  const out = new Float64Array(new SharedArrayBuffer(n * 8));
  await Promise.all(
    Array.from({ length: blocks }, (_, b) =>
      piscina.run({ lo: Math.floor((n * b) / blocks), hi: Math.floor((n * (b + 1)) / blocks), out }),
    ),
  );
}
