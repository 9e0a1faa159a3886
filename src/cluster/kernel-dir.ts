// The directory a node serves users' kernel files from (`parwasm node --kernels DIR`): its
// operator names it, and a job can name only a file inside it. A node never runs code that
// came over Redis; a name from a job is a path relative to DIR, refused when it is absolute,
// climbs out with `..`, or leads out of DIR through a symbolic link.
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';

export interface KernelDirectory {
  /** The directory's real path. */
  readonly root: string;
  /** The real path of the kernel file `name` names inside the directory; rejects with a
   * message naming `name` when it is not a file inside it. */
  resolve(name: string): Promise<string>;
}

/** Opens `dir` as a node's kernel directory; rejects if it is not a readable directory. */
export async function openKernelDirectory(dir: string): Promise<KernelDirectory> {
  const root = await realpath(dir).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`--kernels ${dir}: ${error.code === 'ENOENT' ? 'no such directory' : error.message}`);
  });
  if (!(await stat(root)).isDirectory()) throw new Error(`--kernels ${dir}: not a directory`);
  return {
    root,
    async resolve(name) {
      const refuse = (why: string) => new Error(`kernel file '${name}' refused: ${why}`);
      if (typeof name !== 'string' || name === '' || name.includes('\0')) throw refuse('not a file name');
      if (isAbsolute(name)) throw refuse(`an absolute path (names are relative to the node's --kernels directory)`);
      if (name.split(/[\\/]/).includes('..')) throw refuse(`'..' leads out of the node's --kernels directory`);
      const real = await realpath(join(root, name)).catch(() => {
        throw refuse(`no such file in the node's --kernels directory`);
      });
      // A symbolic link inside DIR may point anywhere: what counts is where it leads.
      if (!inside(root, real)) throw refuse(`a symbolic link out of the node's --kernels directory`);
      if (!(await stat(real)).isFile()) throw refuse('not a file');
      return real;
    },
  };
}

function inside(root: string, path: string): boolean {
  const rest = relative(root, path);
  return rest !== '' && !rest.startsWith(`..${sep}`) && rest !== '..' && !isAbsolute(rest);
}
