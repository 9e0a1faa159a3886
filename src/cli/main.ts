#!/usr/bin/env node
// parwasm's command line: `parwasm <command> [options]`.
import { runHello } from './hello.js';
import { UsageError } from './usage.js';

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = { hello: runHello };
const USAGE = `usage: parwasm <command> [options]

commands:
  hello    every worker says hello: rank, size, thread id, host

Run 'parwasm <command> --help' for a command's options.`;

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(USAGE);
    return;
  }
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`unknown command '${command}' (expected one of: ${Object.keys(COMMANDS).join(', ')})`);
  await run(args);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || (error instanceof Error && error.name === 'ValidationError')) {
    console.error(`parwasm: ${(error as Error).message}`);
    process.exitCode = 2;
    return;
  }
  throw error;
});
