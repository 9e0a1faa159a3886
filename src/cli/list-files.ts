// The files named on a command line: a file as it is, a directory as every file below it.
// Symbolic links are followed, as `wc` does: a link to a file counts as that file (also when
// the file is listed under its own name too), a link to a directory as that directory, except
// a link back into its own ancestors (a cycle), which is skipped and said on stderr.
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from './usage.js';

/** The files below `paths`, each directory's sorted by name; `warn` hears what is skipped. */
export async function listFiles(paths: readonly string[], warn: (line: string) => void): Promise<string[]> {
  const lists = await Promise.all(
    paths.map(async (path) => {
      const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
        throw new UsageError(`cannot read '${path}': ${error.code ?? error.message}`);
      });
      return info.isDirectory() ? walk(path, [await realpath(path)], warn) : [path];
    }),
  );
  return lists.flat();
}

/** `ancestors`: the real paths of the directories from the command line's down to `dir`. */
async function walk(dir: string, ancestors: string[], warn: (line: string) => void): Promise<string[]> {
  const files: string[] = [];
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    const path = join(dir, name);
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => error);
    if (info instanceof Error) {
      warn(`skipped ${path}: ${info.code === 'ENOENT' ? 'a broken symbolic link' : (info.code ?? info.message)}`);
    } else if (info.isFile()) {
      files.push(path);
    } else if (info.isDirectory()) {
      const real = await realpath(path);
      if (ancestors.includes(real)) warn(`skipped ${path}: a link back to ${real}, which contains it (a cycle)`);
      else files.push(...(await walk(path, [...ancestors, real], warn)));
    } else {
      warn(`skipped ${path}: not a regular file`);
    }
  }
  return files;
}
