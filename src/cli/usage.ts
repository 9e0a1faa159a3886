// Argument parsing shared by the commands: node:util parseArgs, with its errors turned into
// one-line usage errors (exit code 2) instead of stack traces.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A command line that cannot be run as given: one line on stderr, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A command that failed while running (a file it cannot write): one line, exit code 1. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}

export function parseCommand<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>>['values'];
export function parseCommand<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  positionals: true,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: true }>>;
export function parseCommand(args: string[], options: NonNullable<ParseArgsConfig['options']>, positionals = false) {
  try {
    const parsed = parseArgs({ args, options, strict: true, allowPositionals: positionals });
    return positionals ? parsed : parsed.values;
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
}

/** A flag's value as a positive integer, or a UsageError naming the flag. */
export function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new UsageError(`--${flag} must be a positive integer (got '${value}')`);
  }
  return number;
}
