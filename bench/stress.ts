// npm run stress -- --ops 10000 --callers 8
//
// Stress: many small mandelbrot, matmul and wordCount operations from concurrent callers,
// with aborts (an AbortController fired at a random moment) and worker kills
// (terminateWorker after a random delay) injected at random. Every result is checked against
// plain JavaScript. Prints operations per second, errors by kind, wrong results and the
// process's memory (at the start, every 2000 operations and at the end).
//
// Options: --ops N (10000), --callers N (8), --workers N (one per core), --seed N (random),
// --abort-rate P (0.05), --kill-rate P (0.01), --kill-gap-ms N (0: the least time between two
// kills; 500 keeps a kill from landing while the pool replaces the worker killed before).
// Exits with code 1 if any result is wrong or any error is neither AbortError (of an aborted
// call) nor WorkerCrashError, and with code 2 if no operation completes for 15 s (a hang).
// Run `npm run build` first. The output must be dist/stress.js: the pool finds worker.js and
// parwasm.wasm beside it.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { AbortError, createPool, SCHEDULES, WorkerCrashError, type Pool } from 'parwasm';
import { terminateWorker } from 'parwasm/internal';
import { mandelbrotJs } from '../src/baselines/mandelbrot.js';
import { matmulReference, relativeFrobeniusError } from '../src/baselines/matmul.js';

const { values: flags } = parseArgs({
  options: {
    ops: { type: 'string', default: '10000' },
    callers: { type: 'string', default: '8' },
    workers: { type: 'string', default: String(availableParallelism()) },
    seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
    'abort-rate': { type: 'string', default: '0.05' },
    'kill-rate': { type: 'string', default: '0.01' },
    'kill-gap-ms': { type: 'string', default: '0' },
  },
});
const OPS = Number(flags.ops);
const CALLERS = Number(flags.callers);
const WORKERS = Number(flags.workers);
const SEED = Number(flags.seed);
const ABORT_RATE = Number(flags['abort-rate']);
const KILL_RATE = Number(flags['kill-rate']);
const KILL_GAP_MS = Number(flags['kill-gap-ms']);
const REPORT_EVERY = 2000;
const HANG_MS = 15_000;

/** Numbers in [0, 1) from a seed: the same seed makes the same operations. */
function lcg(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const WORDS = ['alpha', 'Beta', 'GAMMA', 'δέλτα', 'Ελλάδα', 'naïve', 'straße', '東京', '123', 'x', 'İ', '😀'];

/** One small operation, made from `random`: it runs the call and says whether the result is right. */
interface Operation {
  kind: 'mandelbrot' | 'matmul' | 'wordCount';
  run(pool: Pool, signal: AbortSignal | undefined): Promise<unknown>;
  check(result: unknown): string | undefined;
}

function makeOperation(random: () => number): Operation {
  const int = (max: number) => Math.floor(random() * (max + 1));
  const runOptions = () => ({
    ...(random() < 0.7 ? { schedule: SCHEDULES[int(SCHEDULES.length - 1)] } : {}),
    ...(random() < 0.3 ? { chunk: 1 + int(8) } : {}),
    ...(random() < 0.2 ? { workers: 1 + int(WORKERS - 1) } : {}),
    ...(random() < 0.1 ? { trace: true } : {}),
  });
  const pick = random();
  if (pick < 0.4) {
    const view = {
      width: int(32),
      height: int(32),
      xmin: -2 + random(),
      xmax: 0.5,
      ymin: -1.25,
      ymax: 1.25 - random(),
      maxIter: int(200),
    };
    const options = runOptions();
    return {
      kind: 'mandelbrot',
      run: (pool, signal) => pool.mandelbrot({ ...view, ...options, signal }),
      check: (result) => {
        const { data } = result as { data: Uint32Array };
        const expected = mandelbrotJs(view);
        const wrong = data.length === expected.length ? data.findIndex((value, i) => value !== expected[i]) : -2;
        return wrong === -1 ? undefined : `mandelbrot ${JSON.stringify(view)}: pixel ${wrong} differs`;
      },
    };
  }
  if (pick < 0.7) {
    // Up to 24 on a side: mostly the thin path, and the packed one when all three reach 16.
    const [m, k, n] = [int(24), int(24), int(24)];
    const f32 = random() < 0.5;
    const matrix = (rows: number, cols: number) => {
      const data = f32 ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
      for (let i = 0; i < data.length; i++) data[i] = random() - 0.5;
      return { rows, cols, data };
    };
    const [a, b] = [matrix(m, k), matrix(k, n)];
    const options = runOptions();
    return {
      kind: 'matmul',
      run: (pool, signal) => pool.matmul(a, b, { ...options, signal }),
      check: (result) => {
        const c = result as { rows: number; cols: number; data: Float64Array | Float32Array };
        const error = relativeFrobeniusError(c.data, matmulReference(a, b));
        const ok =
          c.rows === m &&
          c.cols === n &&
          c.data.length === m * n &&
          c.data.constructor === a.data.constructor &&
          error <= (f32 ? 1e-5 : 1e-12);
        return ok ? undefined : `matmul ${m}×${k} by ${k}×${n} ${f32 ? 'f32' : 'f64'}: relative error ${error}`;
      },
    };
  }
  const documents = Array.from({ length: int(4) }, () =>
    Array.from({ length: int(40) }, () => WORDS[int(WORDS.length - 1)]).join(random() < 0.5 ? ' ' : ', '),
  );
  const options = runOptions();
  return {
    kind: 'wordCount',
    run: (pool, signal) => pool.wordCount(documents, { ...options, signal }),
    check: (result) => {
      const { counts, totalWords } = result as { counts: Map<string, number>; totalWords: number };
      const expected = new Map<string, number>();
      for (const word of documents.join(' ').match(/[\p{L}\p{N}]+/gu) ?? [])
        expected.set(word.toLowerCase(), (expected.get(word.toLowerCase()) ?? 0) + 1);
      const same = counts.size === expected.size && [...expected].every(([word, count]) => counts.get(word) === count);
      const total = [...expected.values()].reduce((sum, count) => sum + count, 0);
      return same && totalWords === total ? undefined : `wordCount ${JSON.stringify(documents)}: counts differ`;
    },
  };
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
function memory(label: string): void {
  const { rss, heapUsed } = process.memoryUsage();
  console.log(`${label.padEnd(16)} rss ${mb(rss).padStart(9)}   heapUsed ${mb(heapUsed).padStart(9)}`);
}

const tally = {
  ok: 0,
  wrong: 0,
  abortError: 0,
  workerCrashError: 0,
  /** AbortError for a call whose signal never fired: a bug, counted with the others. */
  unexpectedAbort: 0,
  other: new Map<string, number>(),
  aborts: 0,
  kills: 0,
  killsSkipped: 0,
  /** Kills not made because the last one was less than --kill-gap-ms ago. */
  killsSpaced: 0,
};
let lastKillAt = -Infinity;
const firstProblems: string[] = [];
const note = (problem: string) => void (firstProblems.length < 10 && firstProblems.push(problem));

console.log(
  `stress: ${OPS} operations from ${CALLERS} callers on ${WORKERS} workers (node ${process.version}, ${availableParallelism()} cores), seed ${SEED}`,
);
console.log(`faults: abort rate ${ABORT_RATE}, kill rate ${KILL_RATE}, least time between kills ${KILL_GAP_MS} ms`);
memory('start');

const pool = await createPool({ workers: WORKERS });
const random = lcg(SEED);
const pendingKills: Promise<void>[] = [];
let issued = 0;
let completed = 0;
let lastProgress = performance.now();
const watchdog = setInterval(() => {
  if (performance.now() - lastProgress < HANG_MS) return;
  console.log(
    `no operation completed for ${HANG_MS / 1000} s (${completed} of ${OPS} done, ${issued - completed} pending): a hang`,
  );
  console.log(
    `the last kill was ${Math.round(performance.now() - lastKillAt)} ms ago; so far: ${JSON.stringify({ ...tally, other: Object.fromEntries(tally.other) })}`,
  );
  memory('at the hang');
  process.exit(2);
}, 1000);

async function runOne(
  operation: Operation,
  injected: { abortAfterMs?: number; killAfterMs?: number; killRank: number },
): Promise<void> {
  let controller: AbortController | undefined;
  if (injected.abortAfterMs !== undefined) {
    controller = new AbortController();
    const abort = () => {
      tally.aborts += 1;
      controller!.abort();
    };
    if (injected.abortAfterMs === 0) abort();
    else setTimeout(abort, injected.abortAfterMs);
  }
  if (injected.killAfterMs !== undefined) {
    const rank = injected.killRank;
    pendingKills.push(
      new Promise<void>((resolve) => setTimeout(resolve, injected.killAfterMs)).then(() => {
        if (performance.now() - lastKillAt < KILL_GAP_MS) return void (tally.killsSpaced += 1);
        lastKillAt = performance.now();
        return terminateWorker(pool, rank).then(
          () => void (tally.kills += 1),
          () => void (tally.killsSkipped += 1), // being replaced after an earlier kill
        );
      }),
    );
  }
  try {
    const result = await operation.run(pool, controller?.signal);
    const problem = operation.check(result);
    if (problem) {
      tally.wrong += 1;
      note(`WRONG ${problem}`);
    } else {
      tally.ok += 1;
    }
  } catch (error) {
    if (error instanceof AbortError && controller?.signal.aborted) tally.abortError += 1;
    else if (error instanceof AbortError) {
      tally.unexpectedAbort += 1;
      note(`AbortError without an abort (${operation.kind})`);
    } else if (error instanceof WorkerCrashError) tally.workerCrashError += 1;
    else {
      const name = error instanceof Error ? error.name : typeof error;
      tally.other.set(name, (tally.other.get(name) ?? 0) + 1);
      note(`${operation.kind}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
  }
  completed += 1;
  lastProgress = performance.now();
  if (completed % REPORT_EVERY === 0) memory(`after ${completed}`);
}

async function caller(): Promise<void> {
  while (issued < OPS) {
    issued += 1;
    const operation = makeOperation(random);
    const injected = {
      abortAfterMs: random() < ABORT_RATE ? Math.floor(random() * 4) : undefined,
      killAfterMs: random() < KILL_RATE ? Math.floor(random() * 6) : undefined,
      killRank: Math.floor(random() * WORKERS),
    };
    await runOne(operation, injected);
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: CALLERS }, caller));
const seconds = (performance.now() - started) / 1000;
await Promise.all(pendingKills);

// After the storm: every worker answers, and a last round with no faults is all correct.
const replies = await pool.hello();
const healthy = replies.length === WORKERS && replies.every((reply, rank) => reply.rank === rank);
let afterwards = 0;
for (let i = 0; i < 200; i++) {
  const operation = makeOperation(random);
  if (operation.check(await operation.run(pool, undefined)) === undefined) afterwards += 1;
}
await pool.close();
clearInterval(watchdog);
memory('end');

const others = [...tally.other.values()].reduce((sum, count) => sum + count, 0) + tally.unexpectedAbort;
console.log(`
operations        ${OPS} in ${seconds.toFixed(1)} s: ${Math.round(OPS / seconds)} operations/s
correct results   ${tally.ok}
wrong results     ${tally.wrong}
AbortError        ${tally.abortError} (aborts fired: ${tally.aborts})
WorkerCrashError  ${tally.workerCrashError} (workers killed: ${tally.kills}; kills skipped, worker being replaced: ${tally.killsSkipped}; kills spaced out: ${tally.killsSpaced})
other errors      ${others}${
  others > 0
    ? ` (${[...tally.other]
        .map(([name, count]) => `${name} ${count}`)
        .concat(tally.unexpectedAbort ? [`AbortError without an abort ${tally.unexpectedAbort}`] : [])
        .join(', ')})`
    : ''
}
afterwards        ${replies.length} of ${WORKERS} workers answer hello; ${afterwards} of 200 fault-free operations correct`);
for (const problem of firstProblems) console.log(`  ${problem}`);

const failed = tally.wrong > 0 || others > 0 || !healthy || afterwards !== 200;
console.log(failed ? 'FAIL' : 'PASS');
process.exitCode = failed ? 1 : 0;
