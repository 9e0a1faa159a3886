// The command line as a user runs it: a child process per command, on small sizes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function run(...args: string[]) {
  const child = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

const work = mkdtempSync(join(tmpdir(), 'parwasm-cli-'));

describe('parwasm', () => {
  it('lists its commands', () => {
    const { status, stdout } = run('--help');
    expect(status).toBe(0);
    for (const command of ['tour', 'hello', 'mandelbrot', 'matmul', 'wordcount', 'study', 'bench', 'explore'])
      expect(stdout).toContain(command);
  });

  it.each(['hello', 'mandelbrot', 'matmul', 'wordcount', 'study', 'tour', 'bench', 'explore'])(
    '%s --help prints its usage',
    (command) => {
      const { status, stdout } = run(command, '--help');
      expect(status).toBe(0);
      expect(stdout).toMatch(new RegExp(`^usage: parwasm ${command}`));
    },
  );

  it('hello --json gives one reply per worker', () => {
    const { status, stdout } = run('hello', '--workers', '3', '--json');
    expect(status).toBe(0);
    expect((JSON.parse(stdout) as { rank: number }[]).map((reply) => reply.rank)).toEqual([0, 1, 2]);
  });

  it('mandelbrot writes a PNG of the requested size and reports its run', () => {
    const out = join(work, 'm.png');
    const { status, stdout } = run(
      'mandelbrot',
      '--size',
      '48',
      '--max-iter',
      '50',
      '--schedule',
      'stealing',
      '--workers',
      '2',
      '--out',
      out,
      '--json',
    );
    expect(status).toBe(0);
    const report: unknown = JSON.parse(stdout);
    expect(report).toMatchObject({
      width: 48,
      height: 48,
      maxIter: 50,
      stats: { schedule: 'stealing', workers: 2, n: 48 },
    });
    const png = readFileSync(out);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(decode(png)).toMatchObject({ width: 48, height: 48 });
  });

  it('mandelbrot prints a summary and a table of workers', () => {
    const { status, stdout } = run('mandelbrot', '--size', '32', '--workers', '2');
    expect(status).toBe(0);
    expect(stdout).toMatch(
      /mandelbrot 32² \(full view, maxIter 1000\): dynamic, chunk 1, 2 workers: [\d.]+ ms, imbalance/,
    );
    expect(stdout).toContain('busy ms');
  });

  it('mandelbrot renders any region at any width and height: --center and --span', () => {
    const out = join(work, 'valley.png');
    const args = ['--width', '40', '--height', '24', '--center', '-0.75,0.1', '--span', '0.05', '--max-iter', '80'];
    const { status, stdout } = run('mandelbrot', ...args, '--out', out, '--json');
    expect(status).toBe(0);
    const report = JSON.parse(stdout) as Record<string, number>;
    expect(report).toMatchObject({ width: 40, height: 24, maxIter: 80, stats: { n: 24 } });
    // The height's span is the width's × 24 / 40 = 0.03.
    const expected = { xmin: -0.775, xmax: -0.725, ymin: 0.085, ymax: 0.115 };
    for (const [key, value] of Object.entries(expected)) expect(report[key]).toBeCloseTo(value, 12);
    expect(decode(readFileSync(out))).toMatchObject({ width: 40, height: 24 });
  });

  it('mandelbrot takes a region as --view xmin,xmax,ymin,ymax and names it in the summary', () => {
    const { status, stdout } = run('mandelbrot', '--width', '30', '--height', '12', '--view', '-1.5,0.5,-0.4,0.4');
    expect(status).toBe(0);
    expect(stdout).toMatch(/^mandelbrot 30×12 \(\[-1\.5, 0\.5\] × \[-0\.4, 0\.4\], maxIter 1000\): /);
    const json = run('mandelbrot', '--size', '16', '--view', '-1.5,0.5,-0.4,0.4', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({
      width: 16,
      height: 16,
      xmin: -1.5,
      xmax: 0.5,
      ymin: -0.4,
      ymax: 0.4,
    });
  });

  it('bench runs a suite with the given worker counts', () => {
    const { status, stdout } = run('bench', 'startup', '--workers', '1', '--time', '50');
    expect(status).toBe(0);
    expect(stdout).toMatch(/\| createPool\(\{ workers: 1 \}\) \| [\d.]+ ms/);
  });

  it('matmul reports GFLOP/s', () => {
    const { status, stdout } = run('matmul', '--n', '40', '--dtype', 'f32', '--repeat', '2', '--json');
    expect(status).toBe(0);
    const report = JSON.parse(stdout) as { gflops: number };
    expect(report).toMatchObject({ m: 40, n: 40, k: 40, dtype: 'f32' });
    expect(report.gflops).toBeGreaterThan(0);
  });

  it('wordcount counts the words of files and directories', () => {
    const dir = mkdtempSync(join(work, 'words-'));
    writeFileSync(join(dir, 'a.txt'), 'Hello hello WORLD');
    writeFileSync(join(dir, 'b.txt'), 'world, σίσυφος ΣΊΣΥΦΟΣ');
    const { status, stdout } = run('wordcount', '--top', '2', '--json', dir);
    expect(status).toBe(0);
    const report = JSON.parse(stdout) as { top: [string, number][] };
    expect(report).toMatchObject({
      files: 2,
      totalWords: 6,
      distinct: 3,
      bytes: Buffer.byteLength('Hello hello WORLD') + Buffer.byteLength('world, σίσυφος ΣΊΣΥΦΟΣ'),
    });
    expect(report.top).toEqual([
      ['hello', 2],
      ['world', 2],
    ]);
  });

  it('study writes its report folder', () => {
    const out = join(work, 'study');
    const { status, stdout } = run('study', '--size', '32', '--max-iter', '100', '--out', out);
    expect(status).toBe(0);
    expect(stdout).toContain(`report: ${join(out, 'study.md')}`);
    expect(readFileSync(join(out, 'study.md'), 'utf8')).toContain('| static |');
  });

  it('tour runs the four exercises and writes its report', () => {
    const out = join(work, 'tour');
    const started = performance.now();
    const { status, stdout } = run('tour', '--out', out);
    expect(status).toBe(0);
    expect(performance.now() - started).toBeLessThan(60_000);
    for (const step of [
      '1. Hello world',
      '2. Matrix multiplication',
      '3. Mandelbrot',
      '4. Map-reduce word count',
      '5. The load-balancing study',
    ]) {
      expect(stdout).toContain(step);
    }
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/\| mandelbrot \| dynamic, \d+ workers \| [\d.]+ ms/);
    expect(decode(readFileSync(join(out, 'mandelbrot.png')))).toMatchObject({ width: 1024, height: 1024 });
    expect(readFileSync(join(out, 'study', 'study.md'), 'utf8')).toContain('| stealing |');
  }, 90_000);

  it.each([
    [['frobnicate'], /^parwasm: unknown command 'frobnicate'/],
    [['hello', '--workers', 'two'], /^parwasm: --workers must be a positive integer \(got 'two'\)$/],
    [['hello', '--wokers', '2'], /^parwasm: Unknown option '--wokers'/],
    [['mandelbrot', '--size', '0'], /^parwasm: --size must be a positive integer/],
    [['mandelbrot', '--size', '8', '--schedule', 'fastest'], /^parwasm: --schedule must be one of 'static'/],
    [['mandelbrot', '--view', 'moon'], /^parwasm: --view must be full, seahorse or xmin,xmax,ymin,ymax/],
    [
      ['mandelbrot', '--view', '1,2,3'],
      /^parwasm: --view must be full, seahorse or xmin,xmax,ymin,ymax .* \(got '1,2,3'\)$/,
    ],
    [
      ['mandelbrot', '--view', '1,0,0,1'],
      /^parwasm: --view must be .* with xmin < xmax and ymin < ymax \(got '1,0,0,1'\)$/,
    ],
    [['mandelbrot', '--view', '0,1,,1'], /^parwasm: --view must be/],
    [['mandelbrot', '--width', '0'], /^parwasm: --width must be a positive integer \(got '0'\)$/],
    [
      ['mandelbrot', '--width', '1600000', '--height', '900', '--max-memory', '4M'],
      /^parwasm: --width must be such that one row of pixels \(width × 4 bytes\) fits --max-memory \(\d+ bytes free\) \(got "1600000 × 900"\)$/,
    ],
    [['mandelbrot', '--height', '9.5'], /^parwasm: --height must be a positive integer \(got '9.5'\)$/],
    [['mandelbrot', '--center', '0,0'], /^parwasm: --center needs --span W$/],
    [['mandelbrot', '--span', '2'], /^parwasm: --span needs --center re,im$/],
    [['mandelbrot', '--center', 'a,b', '--span', '1'], /^parwasm: --center must be two numbers re,im \(got 'a,b'\)$/],
    [['mandelbrot', '--center', '0,0', '--span', '0'], /^parwasm: --span must be a positive number \(got '0'\)$/],
    [['mandelbrot', '--center', '0,0', '--span', '-1'], /^parwasm: --span must be a positive number/],
    [
      ['mandelbrot', '--view', 'full', '--center', '0,0', '--span', '1'],
      /^parwasm: --view cannot be combined with --center/,
    ],
    [['matmul', '--dtype', 'f16'], /^parwasm: --dtype must be f64 or f32/],
    [['wordcount'], /^parwasm: wordcount needs at least one file or directory$/],
    [['wordcount', '/no/such/file'], /^parwasm: cannot read '\/no\/such\/file': ENOENT$/],
    [['bench', 'nosuch'], /^parwasm: unknown suite 'nosuch'/],
    [['bench', '--workers', '0'], /^parwasm: --workers must be a comma-separated list of positive integers/],
  ])('%j exits 2 with one line and no stack trace', (args, message) => {
    const { status, stderr, stdout } = run(...args);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr.trim()).toMatch(message);
  });
});
