// `parwasm node --kernels DIR`: a node takes kernel files only from inside the directory its
// operator names. Names are relative to it; absolute paths, '..' and symbolic links that lead
// out of it are refused, whatever a job asks for.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { openKernelDirectory } from 'parwasm/internal';
import { CLI } from './harness.js';

let base = '';
let dir = '';

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'parwasm-kernels-')));
  dir = join(base, 'kernels');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'saxpy.wasm'), 'inside');
  writeFileSync(join(dir, 'sub', 'fill.mjs'), 'inside');
  writeFileSync(join(base, 'outside.wasm'), 'outside');
  mkdirSync(join(base, 'elsewhere'));
  writeFileSync(join(base, 'elsewhere', 'x.wasm'), 'outside');
  symlinkSync(join(dir, 'saxpy.wasm'), join(dir, 'alias.wasm')); // stays inside
  symlinkSync(join(base, 'outside.wasm'), join(dir, 'escape.wasm'));
  symlinkSync(join(base, 'elsewhere'), join(dir, 'door'));
});

describe('a node kernel directory', () => {
  it('resolves names of files inside it, through links that stay inside', async () => {
    const kernels = await openKernelDirectory(dir);
    expect(kernels.root).toBe(dir);
    expect(await kernels.resolve('saxpy.wasm')).toBe(join(dir, 'saxpy.wasm'));
    expect(await kernels.resolve('sub/fill.mjs')).toBe(join(dir, 'sub', 'fill.mjs'));
    expect(await kernels.resolve('./sub//fill.mjs')).toBe(join(dir, 'sub', 'fill.mjs'));
    expect(await kernels.resolve('alias.wasm')).toBe(join(dir, 'saxpy.wasm'));
  });

  it('refuses absolute paths, .., links out of it, and what is not a file in it', async () => {
    const kernels = await openKernelDirectory(dir);
    const refusals: [string, RegExp][] = [
      [join(base, 'outside.wasm'), /an absolute path/],
      ['/etc/passwd', /an absolute path/],
      ['../outside.wasm', /'\.\.' leads out/],
      ['sub/../../outside.wasm', /'\.\.' leads out/],
      ['sub/../saxpy.wasm', /'\.\.' leads out/], // no '..' at all, even one that comes back
      ['escape.wasm', /a symbolic link out/],
      ['door/x.wasm', /a symbolic link out/],
      ['missing.wasm', /no such file/],
      ['sub', /not a file$/],
      ['', /not a file name/],
      ['a\0b', /not a file name/],
    ];
    for (const [name, why] of refusals) {
      const error = (await kernels.resolve(name).catch((caught: unknown) => caught)) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toMatch(
        new RegExp(`^kernel file '${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}' refused`),
      );
      expect(error.message).toMatch(why);
    }
  });

  it('must be a directory that exists', async () => {
    await expect(openKernelDirectory(join(base, 'nowhere'))).rejects.toThrow(/nowhere: no such directory$/);
    await expect(openKernelDirectory(join(base, 'outside.wasm'))).rejects.toThrow(/outside\.wasm: not a directory$/);
  });

  it('parwasm node --kernels DIR refuses a missing directory in one line, before connecting', async () => {
    const missing = join(base, 'nowhere');
    // Port 1 has no Redis: the directory is checked first.
    const error = (await promisify(execFile)(process.execPath, [
      CLI,
      'node',
      '--redis',
      'redis://127.0.0.1:1',
      '--kernels',
      missing,
    ]).catch((caught: unknown) => caught)) as { code: number; stderr: string };
    expect(error.code).toBe(1);
    expect(error.stderr).toBe(`parwasm node: --kernels ${missing}: no such directory\n`);
  });
});
