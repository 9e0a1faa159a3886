// parwasm in headless Chromium beside the same tasks in Node and beside plain JavaScript in
// the page: Mandelbrot and matmul on 1 and N workers, pool start-up, an empty operation. The
// tasks are one function (bench/browser/tasks.ts) run in both places, part by part. Needs
// Debian's chromium and a build with the browser entry (npm run build).
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as parwasm from 'parwasm';
import { mandelbrotJs } from '../../src/baselines/mandelbrot.js';
import { ikj } from '../../src/baselines/matmul.js';
import { serveStatic } from '../../src/platform/static-server.js';
import { PARTS, runTasks, type Peers, type TaskPlan, type TaskResult } from '../browser/tasks.js';
import { formatMs } from '../measure.js';
import type { SuiteOptions } from '../options.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'];
const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, ''); // dist/bench.js: the repository

export async function browser({ workers, sizes, timeMs }: SuiteOptions): Promise<void> {
  if (!existsSync(CHROMIUM))
    return void console.log(`\nbrowser: skipped, no ${CHROMIUM} (apt-get install -y chromium)`);
  const [size = 2048, n = 512] = sizes ?? [];
  const view = { width: size, height: size, xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 1000 };
  const kernels = 'examples/kernels/javascript/kernels.mjs';
  const inNode: TaskResult[] = [];
  const inChromium: TaskResult[] = [];
  const loads = [loadAverage()];
  await withPage(async (inPage, url) => {
    for (const part of PARTS) {
      const plan = { part, workers, view, n, timeMs };
      inNode.push(
        ...(await runTasks(
          parwasm,
          { mandelbrotJs, ikj },
          { ...plan, kernels: `${pathToFileURL(root).href}/${kernels}` },
        )),
      );
      inChromium.push(...(await inPage({ ...plan, kernels: `${url}${kernels}` })));
    }
  });
  loads.push(loadAverage());
  console.log(`\nload average (1, 5, 15 min) before: ${loads[0]}; after: ${loads[1]}`);
  printComparison(`Chromium beside Node (Mandelbrot ${size}², maxIter 1000; matmul f64 n = ${n})`, inChromium, inNode);
}

function loadAverage(): string {
  return loadavg()
    .map((load) => load.toFixed(2))
    .join(', ');
}

/** Chromium on the benchmark page (bench/browser/page.html), served from the repository with
 * the isolation headers; `body` gets a function that runs one plan's tasks in it. */
async function withPage(
  body: (inPage: (plan: TaskPlan) => Promise<TaskResult[]>, url: string) => Promise<void>,
): Promise<void> {
  const { chromium } = await import('playwright-core');
  const server = await serveStatic({ root });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}bench/browser/page.html`);
    await page.waitForFunction(() => 'parwasm' in globalThis);
    const isolated = await page.evaluate(() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated);
    console.log(`\nChromium ${browser.version()}, crossOriginIsolated: ${isolated}`);
    const sources = { tasks: runTasks.toString(), mandelbrotJs: mandelbrotJs.toString(), ikj: ikj.toString() };
    // The functions travel as source text and are rebuilt in the page.
    const inPage = (plan: TaskPlan) =>
      page.evaluate(
        async ({ sources, plan }) => {
          const rebuild = (source: string) => (0, eval)(`(${source})`) as unknown;
          const run = rebuild(sources.tasks) as typeof runTasks;
          const { parwasm } = globalThis as unknown as { parwasm: Parameters<typeof runTasks>[0] };
          const peers = { mandelbrotJs: rebuild(sources.mandelbrotJs), ikj: rebuild(sources.ikj) } as Peers;
          return run(parwasm, peers, plan);
        },
        { sources, plan },
      );
    await body(inPage, server.url);
  } finally {
    await browser.close();
    await server.close();
  }
}

function printComparison(title: string, chromium: TaskResult[], node: TaskResult[]): void {
  const jsIn = (results: TaskResult[], prefix: string) =>
    results.find((row) => row.task.startsWith(prefix) && row.task.includes('plain JS'))?.medianMs;
  console.log(`\n### ${title}\n`);
  console.log('| task | Chromium | Node | Chromium / Node | vs plain JS in Chromium | vs plain JS in Node | checked |');
  console.log('|---|---|---|---|---|---|---|');
  for (const row of chromium) {
    const peer = node.find((other) => other.task === row.task);
    const family = row.task.split(',')[0]!;
    const [jsChromium, jsNode] = [jsIn(chromium, family), jsIn(node, family)];
    const speedup = (js: number | undefined, ms: number | undefined) =>
      js && ms && !row.task.includes('plain JS') ? `${(js / ms).toFixed(2)}×` : '';
    console.log(
      `| ${row.task} | ${formatMs(row.medianMs)} (${row.samples}) | ${peer ? `${formatMs(peer.medianMs)} (${peer.samples})` : ''} | ` +
        `${peer ? (row.medianMs / peer.medianMs).toFixed(2) : ''} | ${speedup(jsChromium, row.medianMs)} | ` +
        `${speedup(jsNode, peer?.medianMs)} | ${row.checked === undefined ? '' : row.checked && peer?.checked ? 'yes' : 'NO'} |`,
    );
  }
}
