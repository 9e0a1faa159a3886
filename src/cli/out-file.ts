// --out FILE: opened before the work starts, so a path that cannot be written is said at once,
// in one line, rather than as a stack trace after the computation.
import { constants } from 'node:fs';
import { access, mkdir, open, type FileHandle } from 'node:fs/promises';
import { CommandError } from './usage.js';

/** The file, created or emptied for writing, or a CommandError naming it and why. */
export async function openOut(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'w');
  } catch (error) {
    throw fileError(path, error);
  }
}

/** Writes `bytes` to the file openOut gave; a failure (a full disk) is a CommandError too. */
export async function writeOut(file: FileHandle, path: string, bytes: Uint8Array): Promise<void> {
  await file.writeFile(bytes).catch((error: unknown) => Promise.reject(fileError(path, error)));
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
