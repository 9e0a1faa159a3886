// A file that cannot be read during a word count: the workers find it while the call runs, so
// the call rejects with a FileReadError (not a ValidationError) naming the file and why, and
// the pool counts the next call's words as if nothing had happened.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, FileReadError, ValidationError, type Pool } from 'parwasm';

let pool: Pool;
const dir = mkdtempSync(join(tmpdir(), 'parwasm-file-read-'));
const good = join(dir, 'good.txt');
writeFileSync(good, 'one two two');

beforeAll(async () => {
  pool = await createPool({ workers: 2 });
});
afterAll(() => pool.close());

async function failure(files: string[]): Promise<FileReadError> {
  const error = await pool.wordCount({ files }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(FileReadError);
  expect(error).not.toBeInstanceOf(ValidationError);
  expect((error as Error).name).toBe('FileReadError');
  return error as FileReadError;
}

async function expectPoolStillCounts(): Promise<void> {
  const { counts } = await pool.wordCount({ files: [good, good] });
  expect(counts).toEqual(
    new Map([
      ['one', 2],
      ['two', 4],
    ]),
  );
}

describe('FileReadError', () => {
  it('names a file that does not exist, with ENOENT as its cause', async () => {
    const missing = join(dir, 'removed.txt');
    const error = await failure([good, missing, good]);
    expect(error.path).toBe(missing);
    expect(error.cause.code).toBe('ENOENT');
    expect(error.message).toBe(`cannot read ${JSON.stringify(missing)}: no such file or directory (ENOENT)`);
    await expectPoolStillCounts();
  });

  it('names the first of several files that cannot be read', async () => {
    const error = await failure([good, join(dir, 'first-missing'), join(dir, 'second-missing')]);
    expect(error.path).toBe(join(dir, 'first-missing'));
    await expectPoolStillCounts();
  });

  it('names a directory where a file was expected', async () => {
    const folder = join(dir, 'a-folder.txt');
    mkdirSync(folder);
    const error = await failure([folder]);
    expect(error.path).toBe(folder);
    expect(error.cause.message).toBe('not a regular file');
    await expectPoolStillCounts();
  });

  // Linux's sysfs files say 4096 bytes when measured and hold a few bytes when read: a file
  // that shrinks between being measured and being read, every time (tests run as root, where
  // permissions do not stop a read, so this is the unreadable file a test can make sure of).
  const sysfs = '/sys/devices/system/cpu/online';
  const shrinks = (() => {
    try {
      return statSync(sysfs).size === 4096;
    } catch {
      return false;
    }
  })();
  it.skipIf(!shrinks)('names a file that shrank between being measured and being read', async () => {
    const error = await failure([good, sysfs]);
    expect(error.path).toBe(sysfs);
    expect(error.cause.message).toBe('changed size while being read');
    expect(error.cause.code).toBeUndefined();
    await expectPoolStillCounts();
  });

  it.skipIf(!shrinks)('is one line from the command line, with exit code 1', () => {
    const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    const run = spawnSync(process.execPath, [cli, 'wordcount', '--workers', '1', sysfs], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      `parwasm: cannot read ${JSON.stringify(sysfs)}: changed size while being read`,
    ]);
  });
});
