// Tests that need a program from the operating system's packages (clang, redis-server,
// chromium): where the program is missing they are skipped with one line that names the
// Debian package to install; under CI=true they fail instead, since .ci/run installs every
// such package and a skip there would hide a missing install step.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it, type TestFunction } from 'vitest';

/** What a test file uses in place of vitest's `it` and `describe` for tests that need a tool. */
export interface Needed {
  /** Whether the tool is on the PATH. */
  readonly found: boolean;
  /** `it`, skipped (or failing, under CI=true) where the tool is missing. */
  readonly it: (name: string, fn: TestFunction, timeout?: number) => void;
  /** `describe`, its tests skipped (or one failing test, under CI=true) where the tool is missing. */
  readonly describe: (name: string, body: () => void) => void;
}

/** `needs('clang', 'clang')`: the tests that follow run only where `tool` is installed. */
export function needs(tool: string, debianPackage: string): Needed {
  if (onPath(tool)) return { found: true, it, describe };
  const install = `${tool} is not installed: apt-get install -y ${debianPackage}`;
  if (process.env.CI === 'true') {
    const failing = (name: string) =>
      it(name, () => {
        throw new Error(`${install} (.ci/run installs it; CI must not skip these tests)`);
      });
    return { found: false, it: failing, describe: (name) => describe(name, () => failing(`needs ${tool}`)) };
  }
  console.warn(`skipping the tests that need ${tool}: ${install}`);
  return { found: false, it: it.skip, describe: describe.skip };
}

/** Whether an executable named `tool` is in one of the PATH's directories. */
export function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((directory) => {
    if (directory === '') return false;
    try {
      accessSync(join(directory, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
