// Kernel libraries built from source for the tests and the benchmark, by the very commands
// examples/kernels/README.md prints: modules parwasm has never seen at its own build time.
// A build is cached in the OS's temporary folder under a hash of its command and source, so
// that the test files that share a module build it once.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

export interface KernelBuild {
  /** The command as examples/kernels/README.md prints it, run in `folder`; its `-o` names
   * the output, which a build puts elsewhere. */
  command: string;
  /** The folder of the source, from the repository's root. */
  folder: string;
}

/** The flags of issue 14's AssemblyScript line. */
export const AS_FLAGS =
  '-O3 --runtime stub --importMemory --sharedMemory --initialMemory 16 --maximumMemory 256 --enable threads';

/** clang 14's line for a kernel library, exporting `exports` (issue 14's line). */
export const clangCommand = (exports: string[], source: string, output: string, stackExport = true): string =>
  [
    'clang --target=wasm32 -O2 -matomics -mbulk-memory',
    ...(stackExport ? ['-mmutable-globals'] : []),
    '-nostdlib -Wl,--no-entry',
    ...exports.map((name) => `-Wl,--export=${name}`),
    '-Wl,--import-memory -Wl,--shared-memory -Wl,--max-memory=268435456',
    ...(stackExport ? ['-Wl,--export=__stack_pointer'] : []),
    `-o ${output} ${source}`,
  ].join(' ');

const C_EXPORTS = ['saxpy', 'median', 'integrate'];

/** The examples and the test fixtures, by name. */
export const BUILDS = {
  /** examples/kernels/assemblyscript/kernels.ts: saxpy, scale32, collatz, mix64, mandelbrotRow, integrate. */
  assemblyscript: {
    folder: 'examples/kernels/assemblyscript',
    command: `npx asc kernels.ts ${AS_FLAGS} -o kernels.wasm`,
  },
  /** examples/kernels/c/kernels.c: saxpy, median (uses its stack), integrate. */
  c: { folder: 'examples/kernels/c', command: clangCommand(C_EXPORTS, 'kernels.c', 'kernels.wasm') },
  /** test/fixtures/kernels/traps.ts: kernels that trap at an index, a global export. */
  traps: { folder: 'test/fixtures/kernels', command: `npx asc traps.ts ${AS_FLAGS} -o traps.wasm` },
  /** test/fixtures/kernels/empty.ts: kernels that do nothing, range and per-index. */
  empty: { folder: 'test/fixtures/kernels', command: `npx asc empty.ts ${AS_FLAGS} -o empty.wasm` },
  /** The AssemblyScript example with a memory that is imported but not shared. */
  unshared: {
    folder: 'examples/kernels/assemblyscript',
    command:
      'npx asc kernels.ts -O3 --runtime stub --importMemory --initialMemory 16 --maximumMemory 256 -o unshared.wasm',
  },
  /** The AssemblyScript example with a shared memory of its own, not imported. */
  ownMemory: {
    folder: 'examples/kernels/assemblyscript',
    command:
      'npx asc kernels.ts -O3 --runtime stub --sharedMemory --initialMemory 16 --maximumMemory 256 --enable threads -o own-memory.wasm',
  },
  /** The C example linked without exporting its stack pointer, which `median` needs. */
  cHiddenStack: {
    folder: 'examples/kernels/c',
    command: clangCommand(C_EXPORTS, 'kernels.c', 'hidden-stack.wasm', false),
  },
} satisfies Record<string, KernelBuild>;

/** Pages of 64 KiB the module's memory may grow to, as its build command declares. */
export function maximumPages(build: KernelBuild): number {
  const asc = /--maximumMemory (\d+)/.exec(build.command);
  if (asc) return Number(asc[1]);
  const clang = /--max-memory=(\d+)/.exec(build.command);
  if (clang) return Number(clang[1]) / 65536;
  throw new Error(`no maximum memory in: ${build.command}`);
}

/** Builds `build` (or finds it built) and returns the path of its .wasm file. */
export async function buildKernel(build: KernelBuild): Promise<string> {
  const words = build.command.split(' ');
  const output = words.indexOf('-o');
  const source = words[0] === 'npx' ? words[2]! : words[output + 2]!; // `npx asc SOURCE …`, `clang … -o OUT SOURCE`
  const sourceText = readFileSync(join(root, build.folder, source));
  const hash = createHash('sha256').update(build.command).update(sourceText).digest('hex').slice(0, 16);
  const folder = join(tmpdir(), 'parwasm-kernel-builds');
  const path = join(folder, `${words[output + 1]!.replace(/\.wasm$/, '')}-${hash}.wasm`);
  if (existsSync(path)) return path;
  mkdirSync(folder, { recursive: true });
  const partial = `${path}.${process.pid}.partial`; // renamed when whole: parallel test files may build it too
  words[output + 1] = partial;
  const [program, ...args] =
    words[0] === 'npx'
      ? [process.execPath, join(root, 'node_modules/assemblyscript/bin/asc.js'), ...words.slice(2)]
      : words;
  await run(program!, args, { cwd: join(root, build.folder) });
  renameSync(partial, path);
  return path;
}
