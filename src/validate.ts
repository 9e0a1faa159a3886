// Checks shared by every validated argument. Each returns the checked value or throws a
// ValidationError that names the argument and what was expected.
import { rangeError, typeError } from './errors.js';

export function integerIn(value: unknown, argument: string, min: number, max: number): number {
  const expected = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  if (typeof value !== 'number') throw typeError(argument, expected, value);
  if (!Number.isInteger(value) || value < min || value > max) throw rangeError(argument, expected, value);
  return value;
}

export function finiteNumber(value: unknown, argument: string): number {
  if (typeof value !== 'number') throw typeError(argument, 'a finite number', value);
  if (!Number.isFinite(value)) throw rangeError(argument, 'a finite number', value);
  return value;
}

export function booleanArg(value: unknown, argument: string): boolean {
  if (typeof value !== 'boolean') throw typeError(argument, 'a boolean', value);
  return value;
}

export function oneOf<T extends string>(value: unknown, argument: string, allowed: readonly T[]): T {
  const expected = `one of ${allowed.map((name) => `'${name}'`).join(', ')}`;
  if (typeof value !== 'string') throw typeError(argument, expected, value);
  if (!(allowed as readonly string[]).includes(value)) throw rangeError(argument, expected, value);
  return value as T;
}

/** An options bag: `undefined` stands for `{}`; anything else must be a plain object. */
export function optionsObject(value: unknown, argument: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw typeError(argument, 'an object', value);
  }
  return value as Record<string, unknown>;
}

export function abortSignal(value: unknown, argument: string): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) throw typeError(argument, 'an AbortSignal', value);
  return value;
}

/** Rejects option names the function does not know, so a typo is not silently ignored. */
export function knownKeys(options: Record<string, unknown>, argument: string, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw typeError(`${argument}.${key}`, `one of the options ${known.join(', ')}`, key);
    }
  }
}

export function callback<T extends (...args: never[]) => unknown>(value: unknown, argument: string): T {
  if (typeof value !== 'function') throw typeError(argument, 'a function', value);
  return value as T;
}
