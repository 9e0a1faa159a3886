// --out FILE: checked before the work starts, so a path that cannot be written is said at once,
// in one line, rather than as a stack trace after the computation; and left as it was if the
// command fails, rather than emptied.
import { constants } from 'node:fs';
import { access, mkdir, open, unlink, type FileHandle } from 'node:fs/promises';
import { CommandError } from './usage.js';

/** An --out file opened by openOut: write() replaces its content; disposed, it is closed, and
 * removed if this command created it and wrote nothing. */
export interface OutFile extends AsyncDisposable {
  write(bytes: Uint8Array): Promise<void>;
}

/** The file, opened for writing without emptying it (a command that fails later leaves an
 * existing file as it was), or a CommandError naming it and why. */
export async function openOut(path: string): Promise<OutFile> {
  let file: FileHandle;
  let created = false;
  try {
    file = await open(path, 'wx');
    created = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw fileError(path, error);
    file = await open(path, 'r+').catch((reopened: unknown) => Promise.reject(fileError(path, reopened)));
  }
  let written = false;
  return {
    async write(bytes) {
      try {
        await file.truncate(0);
        await file.writeFile(bytes); // from position 0: nothing was written before
        written = true;
      } catch (error) {
        throw fileError(path, error);
      }
    },
    async [Symbol.asyncDispose]() {
      await file.close();
      if (created && !written) await unlink(path).catch(() => undefined);
    },
  };
}

/** `cannot write --out x.png: no such file or directory (ENOENT)` (a CommandError) from a Node
 * file error; any other error as it is. */
export function fileError(path: string, error: unknown): unknown {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === undefined) return error;
  const reason = message.replace(/^\w+: /, '').replace(/, \w+ '.*'$/, '');
  return new CommandError(`cannot write --out ${path}: ${reason} (${code})`);
}

/** --out DIR: the folder, made before the work starts, or a CommandError naming it and why. */
export async function makeOutDir(path: string): Promise<string> {
  try {
    await mkdir(path, { recursive: true });
    await access(path, constants.W_OK);
    return path;
  } catch (error) {
    throw fileError(path, error);
  }
}
