// The terminal as the command found it, whatever way the command ends; and a closed standard
// output (`parwasm ... | head -1`) as a quiet end, not an EPIPE stack trace.

const SHOW_CURSOR = '\x1b[?25h';
const LINE_WRAP_ON = '\x1b[?7h';
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

let touched = false;

/** Called by whatever hides the cursor or turns line wrap off (the progress bars), so that the
 * exit writes the codes that undo it, and only then (never into a pipe). */
export function terminalTouched(): void {
  touched = true;
}

function restoreTerminal(): void {
  if (touched && process.stderr.isTTY) process.stderr.write(SHOW_CURSOR + LINE_WRAP_ON);
  touched = false;
}

/** Restores the terminal on normal exit, on errors (which end in an exit too) and on SIGINT
 * and SIGTERM, which then end the process with the shell's code for them (128 + signal) —
 * unless the command listens for the signal itself (`parwasm node` finishes its job first). */
export function guardTerminal(): void {
  process.on('exit', restoreTerminal);
  for (const [signal, exitCode] of Object.entries(SIGNAL_EXIT_CODES)) {
    process.on(signal, () => {
      restoreTerminal();
      if (process.listenerCount(signal) === 1) process.exit(exitCode);
    });
  }
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      // The reader went away: nothing more can be said, and nothing is wrong.
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
}
