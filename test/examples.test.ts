// The programs in examples/ run as a user would run them (they import 'parwasm' by name).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 60_000 });

describe('examples', () => {
  it('hello.mjs greets from every worker', () => {
    const child = run('examples/hello.mjs');
    expect(child.status).toBe(0);
    expect(child.stdout).toMatch(/^hello from worker 0 of \d+ \(thread \d+ on .+\)$/m);
  });

  it('mandelbrot-png.mjs compares schedules and writes a PNG', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'parwasm-example-')), 'm.png');
    const child = run('examples/mandelbrot-png.mjs', out);
    expect(child.status).toBe(0);
    expect(child.stdout).toMatch(/^stealing +\d+ ms, imbalance \d\.\d{3}$/m);
    expect([...readFileSync(out).subarray(1, 4)].map((byte) => String.fromCharCode(byte)).join('')).toBe('PNG');
  });

  it('word-frequencies.mjs counts the words of files', () => {
    const child = run('examples/word-frequencies.mjs', 'README.md');
    expect(child.status).toBe(0);
    expect(child.stdout).toMatch(/^\d+ words, \d+ distinct$/m);
    expect(run('examples/word-frequencies.mjs').status).toBe(2);
  });
});
