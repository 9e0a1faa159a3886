// The benchmark suites: `npm run bench -- [suite ...] [--workers 1,2,4] [--sizes ...] [--time ms]`,
// or `npx parwasm bench ...` from a clone of the repository (the peers are devDependencies).
import { arch, cpus, platform } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../src/cli/usage.js';
import { parseSuiteArgs, SUITE_HELP, type SuiteOptions } from './options.js';
import { startup } from './suites/startup.js';
import { dispatch } from './suites/dispatch.js';
import { completion } from './suites/completion.js';
import { schedules } from './suites/schedules.js';
import { mandelbrot } from './suites/mandelbrot.js';
import { matmul } from './suites/matmul.js';
import { wordcount } from './suites/wordcount.js';
import { memory } from './suites/memory.js';
import { kernels } from './suites/kernels.js';
import { cluster } from './suites/cluster.js';
import { clusterKill, clusterMatmul, clusterMatmulB, clusterWordcount } from './suites/cluster-data.js';
import { browser } from './suites/browser.js';

// The matmul suite measures the fused kernels beside the unfused ones; Node 20 validates
// relaxed SIMD only behind this flag, which must be set before the first pool compiles
// parwasm's module (Node >= 22 has it on; an unknown flag is ignored). parwasm itself never
// sets it: see src/memory/module.ts.
setFlagsFromString('--experimental-wasm-relaxed-simd');

const SUITES: Record<string, (options: SuiteOptions) => Promise<void>> = {
  startup,
  dispatch,
  completion,
  schedules,
  mandelbrot,
  matmul,
  wordcount,
  memory,
  kernels,
  cluster,
  'cluster-matmul': clusterMatmul,
  'cluster-wordcount': clusterWordcount,
  'cluster-kill': clusterKill,
  'cluster-matmul-b': clusterMatmulB,
  browser,
};

/** Runs the named suites (all of them if none is named); throws on an unknown suite. */
export async function runSuites(args: string[]): Promise<void> {
  const { suites, options, help } = parseSuiteArgs(args);
  if (help) return void console.log(`${SUITE_HELP}\n\nsuites: ${Object.keys(SUITES).join(', ')}`);
  const chosen = suites.length > 0 ? suites : Object.keys(SUITES);
  const unknown = chosen.find((name) => !SUITES[name]);
  if (unknown) throw new UsageError(`unknown suite '${unknown}' (expected one of: ${Object.keys(SUITES).join(', ')})`);
  console.log(
    `node ${process.version}, ${platform()} ${arch()}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
  );
  console.log(`workers: ${options.workers.join(', ')}; ${options.timeMs} ms per task`);
  for (const name of chosen) await SUITES[name]!(options);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runSuites(process.argv.slice(2));
