// npm run bench -- [suite ...] [--workers 1,2,4] [--sizes ...] [--time ms]
import { arch, cpus, platform } from 'node:os';
import { parseSuiteArgs, type SuiteOptions } from './options.js';
import { startup } from './suites/startup.js';
import { dispatch } from './suites/dispatch.js';
import { completion } from './suites/completion.js';
import { schedules } from './suites/schedules.js';
import { mandelbrot } from './suites/mandelbrot.js';
import { matmul } from './suites/matmul.js';
import { wordcount } from './suites/wordcount.js';

const SUITES: Record<string, (options: SuiteOptions) => Promise<void>> = { startup, dispatch, completion, schedules, mandelbrot, matmul, wordcount };

const { suites, options } = parseSuiteArgs(process.argv.slice(2));
const chosen = suites.length > 0 ? suites : Object.keys(SUITES);
for (const name of chosen) if (!SUITES[name]) throw new Error(`unknown suite '${name}' (have: ${Object.keys(SUITES).join(', ')})`);
console.log(`node ${process.version}, ${platform()} ${arch()}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`);
console.log(`workers: ${options.workers.join(', ')}; ${options.timeMs} ms per task`);
for (const name of chosen) await SUITES[name]!(options);
