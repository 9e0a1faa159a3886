// The errors parwasm throws. Each can be told apart by `error.name`.

/** Bad input: a `TypeError` (wrong kind of value) or a `RangeError` (value out of range) whose
 * message names the argument and what was expected. Thrown before any work starts. */
export interface ValidationError extends Error {
  readonly name: 'ValidationError';
  /** The argument at fault, as a path from the call: `options.workers`, `a.data`. */
  readonly argument: string;
}

class ValidationTypeError extends TypeError implements ValidationError {
  override readonly name = 'ValidationError' as const;
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super(message);
  }
}

class ValidationRangeError extends RangeError implements ValidationError {
  override readonly name = 'ValidationError' as const;
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super(message);
  }
}

/** What `ValidationError` is at run time: no constructor of its own (a validation error is a
 * TypeError or a RangeError), but `error instanceof ValidationError` holds for both kinds and,
 * through the type predicate, narrows `error` in TypeScript as an ordinary class does. */
export interface ValidationErrorClass {
  [Symbol.hasInstance](value: unknown): value is ValidationError;
}

export const ValidationError: ValidationErrorClass = {
  [Symbol.hasInstance](value: unknown): value is ValidationError {
    return value instanceof ValidationTypeError || value instanceof ValidationRangeError;
  },
};

/** `${argument} must be ${expected} (got ${shown value})`, as a TypeError. */
export function typeError(argument: string, expected: string, got: unknown): ValidationError {
  return new ValidationTypeError(argument, `${argument} must be ${expected} (got ${show(got)})`);
}

/** `${argument} must be ${expected} (got ${shown value})`, as a RangeError. */
export function rangeError(argument: string, expected: string, got: unknown): ValidationError {
  return new ValidationRangeError(argument, `${argument} must be ${expected} (got ${show(got)})`);
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `an object of type ${value.constructor?.name ?? 'Object'}`;
}

/** The operation was cancelled through its `signal`; `cause` is the signal's reason. */
export class AbortError extends Error {
  override readonly name = 'AbortError' as const;
  constructor(reason?: unknown) {
    super('the operation was aborted', { cause: reason });
  }
}

/** A worker exited or threw during an operation (or while starting). The pool replaces it. */
export class WorkerCrashError extends Error {
  override readonly name = 'WorkerCrashError' as const;
  constructor(
    /** Rank of the worker that failed. */
    readonly workerId: number,
    /** The worker thread's exit code. */
    readonly exitCode: number,
    detail: string,
    cause?: unknown,
  ) {
    super(`worker ${workerId} ${detail} (exit code ${exitCode})`, { cause });
  }
}

/** The pool was closed before the call could run. */
export class PoolClosedError extends Error {
  override readonly name = 'PoolClosedError' as const;
  constructor() {
    super('the pool is closed');
  }
}

/** A file named in `wordCount({ files })` could not be read while the call ran: it was
 * missing, not a regular file, unreadable, or changed size between being measured and read.
 * Files are read by the workers during the run, so this is not a ValidationError; the pool
 * stays usable. */
export class FileReadError extends Error {
  override readonly name = 'FileReadError' as const;
  constructor(
    /** The path as it was given. */
    readonly path: string,
    /** What went wrong: an Error whose `code` is the system's (`ENOENT`, `EISDIR`, …) where
     * there is one. */
    override readonly cause: Error & { code?: string },
  ) {
    super(`cannot read ${JSON.stringify(path)}: ${cause.message}`, { cause });
  }
}

/** A kernel of a loaded library trapped (unreachable, an out-of-bounds access, an integer
 * divided by zero) or, for a JavaScript kernel, threw. The pool stays usable. */
export class KernelError extends Error {
  override readonly name = 'KernelError' as const;
  constructor(
    /** The kernel's name in its library. */
    readonly kernel: string,
    /** The range being computed when it failed: [lo, hi). For a per-index kernel, the chunk
     * that held the failing index. */
    readonly lo: number,
    readonly hi: number,
    /** The trap's or the exception's message. */
    readonly detail: string,
  ) {
    super(`kernel '${kernel}' failed on [${lo}, ${hi}): ${detail}`);
  }
}
