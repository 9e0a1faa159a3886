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
    const parsed = parseArgs({
      args: joinNegativeValues(args, options),
      options,
      strict: true,
      allowPositionals: positionals,
    });
    return positionals ? parsed : parsed.values;
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
}

/** `--flag -0.75,0.1` as `--flag=-0.75,0.1`: parseArgs takes a value that starts with a dash for
 * an option and refuses it as ambiguous, but a region's coordinates are often negative. */
function joinNegativeValues(args: string[], options: NonNullable<ParseArgsConfig['options']>): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const [arg, next] = [args[i]!, args[i + 1]];
    const takesValue = arg.startsWith('--') && options[arg.slice(2)]?.type === 'string';
    if (takesValue && next !== undefined && /^-[\d.]/.test(next)) joined.push(`${arg}=${args[++i]}`);
    else joined.push(arg);
  }
  return joined;
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
