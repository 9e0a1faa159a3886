#!/usr/bin/env node
// parwasm's command line: `parwasm <command> [options]`.
import { readFileSync } from 'node:fs';
import { inCliTerms } from './cli-terms.js';
import { guardTerminal } from './terminal.js';
import { clusterCommand, isClusterError } from './cluster-flag.js';
import { CommandError, UsageError } from './usage.js';

// Loaded on demand: `hello` should not pay for the chart libraries that `study` loads.
const COMMANDS: Record<string, () => Promise<(args: string[]) => Promise<void>>> = {
  hello: async () => (await import('./hello.js')).runHello,
  mandelbrot: async () => (await import('./mandelbrot.js')).runMandelbrot,
  matmul: async () => (await import('./matmul.js')).runMatmul,
  wordcount: async () => (await import('./wordcount.js')).runWordCount,
  study: async () => (await import('./study.js')).runStudy,
  tour: async () => (await import('./tour.js')).runTour,
  bench: async () => (await import('./bench.js')).runBench,
  node: async () => (await import('./node.js')).runNode,
  explore: async () => (await import('./explore.js')).runExplore,
};
const USAGE = `usage: parwasm <command> [options]

commands:
  tour        all four exercises in under a minute, with a report folder (npm start)
  hello       every worker says hello: rank, size, thread id, host
  mandelbrot  a Mandelbrot image, and how the workers shared its rows
  matmul      a matrix product in GFLOP/s
  wordcount   the most frequent words of files
  study       the Mandelbrot load-balancing study, with charts
  explore     the schedule lab in the browser: watch each worker's rows, zoom, compare schedules
  bench       the benchmark suites, peers beside parwasm (from a clone of the repository only)
  node        serve a cluster's jobs from Redis with a local pool (needs bullmq and ioredis)

  -v, --version   parwasm's version

Run 'parwasm <command> --help' for a command's options.`;

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(USAGE);
    return;
  }
  if (command === '--version' || command === '-v') {
    // dist/cli.js sits one folder below package.json, in a clone and in an install alike.
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    console.log(version);
    return;
  }
  // --cluster URL runs the command on a cluster's nodes instead of a local pool.
  const clustered = clusterCommand(command, args);
  if (clustered) return (await import('./cluster-commands.js')).runOnCluster(clustered, args);
  const load = COMMANDS[command];
  if (!load)
    throw new UsageError(`unknown command '${command}' (expected one of: ${Object.keys(COMMANDS).join(', ')})`);
  await (
    await load()
  )(args);
}

guardTerminal();
main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || (error instanceof Error && error.name === 'ValidationError')) {
    console.error(`parwasm: ${inCliTerms((error as Error).message)}`);
    process.exitCode = 2;
    return;
  }
  // Failures the user can act on without a stack trace: a file that could not be read, or
  // the report commands in an install without the optional chart libraries.
  if (
    error instanceof CommandError ||
    isClusterError(error) ||
    (error instanceof Error && (error.name === 'FileReadError' || error.name === 'MissingDependencyError'))
  ) {
    console.error(`parwasm: ${error.message}`);
    process.exitCode = 1;
    return;
  }
  throw error;
});
