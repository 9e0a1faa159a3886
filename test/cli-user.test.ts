// The command line as a new user meets it: Ctrl-C under a real terminal, bad output paths,
// a closed pipe, sizes over the memory limit, symbolic links, the version.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/cli.js');
const work = mkdtempSync(join(tmpdir(), 'parwasm-cli-user-'));

function run(...args: string[]) {
  // The timeout only stops a hang; no assertion is about time.
  const child = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
const WRAP_OFF = '\x1b[?7l';
const WRAP_ON = '\x1b[?7h';

/** Runs `command` under a pseudo-terminal (`script` from util-linux); once the progress bar has
 * hidden the cursor, types Ctrl-C. Resolves with the exit code and all the terminal got. */
function ctrlCUnderTerminal(command: string): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd: root });
    let screen = '';
    let typed = false;
    child.stdout.on('data', (data: Buffer) => {
      screen += data.toString('latin1');
      if (!typed && screen.includes(HIDE_CURSOR)) {
        typed = true;
        child.stdin.write('\x03'); // the terminal turns it into SIGINT for the command
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, screen }));
  });
}

describe('parwasm, as a new user meets it', () => {
  it.each(['--version', '-v'])('%s prints the version of package.json', (flag) => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(run(flag)).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
  });

  it.each([
    ['matmul', '--n', '1024', '--repeat', '1000'],
    ['mandelbrot', '--size', '4096', '--max-iter', '100000'],
  ])(
    'Ctrl-C during %s under a terminal exits 130 with the cursor shown and line wrap on',
    async (...args) => {
      const { code, screen } = await ctrlCUnderTerminal(`exec node dist/cli.js ${args.join(' ')}`);
      expect(code).toBe(130);
      const drawing = screen.lastIndexOf(HIDE_CURSOR);
      expect(screen).toContain(WRAP_OFF); // the bar did change the terminal
      expect(screen.indexOf(SHOW_CURSOR, drawing)).toBeGreaterThan(drawing);
      expect(screen.indexOf(WRAP_ON, drawing)).toBeGreaterThan(drawing);
    },
    60_000,
  );

  it('a finished command leaves the terminal as it found it too', async () => {
    const { code, screen } = await new Promise<{ code: number | null; screen: string }>((resolve) => {
      const child = spawn('script', ['-qefc', 'exec node dist/cli.js mandelbrot --size 64', '/dev/null'], {
        cwd: root,
      });
      let screen = '';
      child.stdout.on('data', (data: Buffer) => (screen += data.toString('latin1')));
      child.on('exit', (code) => resolve({ code, screen }));
    });
    expect(code).toBe(0);
    const drawing = screen.lastIndexOf(HIDE_CURSOR);
    expect(drawing).toBeGreaterThanOrEqual(0);
    expect(screen.indexOf(SHOW_CURSOR, drawing)).toBeGreaterThan(drawing);
    expect(screen.indexOf(WRAP_ON, drawing)).toBeGreaterThan(drawing);
  }, 60_000);

  it('--out in a folder that does not exist: one line, exit 1, before any work', () => {
    const { status, stdout, stderr } = run('mandelbrot', '--size', '8', '--out', join(work, 'no/such/x.png'));
    expect(status).toBe(1);
    expect(stdout).toBe(''); // no summary: nothing was computed
    expect(stderr).toBe(
      `parwasm: cannot write --out ${join(work, 'no/such/x.png')}: no such file or directory (ENOENT)\n`,
    );
  });

  it('mandelbrot --cluster --out in a folder that does not exist: one line, exit 1, before connecting', () => {
    // Port 9 (discard) of this machine: were the cluster reached first, its error would come instead.
    const out = join(work, 'no/such/x.png');
    const { status, stdout, stderr } = run(
      'mandelbrot',
      '--cluster',
      'redis://127.0.0.1:9',
      '--size',
      '8',
      '--out',
      out,
    );
    expect({ status, stdout }).toEqual({ status: 1, stdout: '' });
    expect(stderr).toBe(`parwasm: cannot write --out ${out}: no such file or directory (ENOENT)\n`);
  });

  it.each([
    ['the local command, on a row wider than --max-memory', ['--width', '2000000000', '--height', '1']],
    ['the cluster command, with no cluster to reach', ['--cluster', 'redis://127.0.0.1:9', '--size', '8']],
  ])('mandelbrot --out of %s that fails leaves an existing file as it was, and makes none', (_, args) => {
    const existing = join(work, 'kept.png');
    writeFileSync(existing, 'an earlier picture');
    expect(run('mandelbrot', ...args, '--out', existing).status).not.toBe(0);
    expect(readFileSync(existing, 'utf8')).toBe('an earlier picture');
    const fresh = join(work, 'never-written.png');
    expect(run('mandelbrot', ...args, '--out', fresh).status).not.toBe(0);
    expect(existsSync(fresh)).toBe(false);
  });

  it.each([
    ['study', '--size', '8', '--out'],
    ['tour', '--out'],
  ])('%s --out where a file stands: one line, exit 1', (...args) => {
    const file = join(work, `${args[0]}-file`);
    writeFileSync(file, '');
    const { status, stdout, stderr } = run(...args, join(file, 'report'));
    expect({ status, stdout }).toEqual({ status: 1, stdout: '' });
    expect(stderr).toMatch(/^parwasm: cannot write --out .*: not a directory \(ENOTDIR\)\n$/);
  });

  it('piped into head -1, a command ends quietly with exit 0', () => {
    for (let i = 0; i < 3; i++) {
      const shell = spawnSync(
        'bash',
        ['-c', `set -o pipefail; "${process.execPath}" "${cli}" hello --workers 8 | head -1`],
        {
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      expect({ status: shell.status, stderr: shell.stderr }).toEqual({ status: 0, stderr: '' });
      expect(shell.stdout).toMatch(/^Hello from worker 0 of 8 [^\n]*\n$/);
    }
  });

  it('an oversized --n is refused, naming --max-memory, before any input is built', () => {
    // 20000² f64 inputs would take ~28 s and 6 GB to build: refused at once, exit 2, one line.
    const { status, stderr } = run('matmul', '--n', '20000');
    expect(status).toBe(2);
    expect(stderr).toBe(
      'parwasm: a 20000×20000 by 20000×20000 product: A, B and C need 8.9 GiB, more than --max-memory (2 GiB); ' +
        '4G is the most a wasm32 memory can hold\n',
    );
  });

  it('--max-memory lowers and raises the limit of every computing command', () => {
    expect(run('matmul', '--n', '600', '--max-memory', '4M').stderr).toBe(
      'parwasm: a 600×600 by 600×600 product: A, B and C need 8.2 MiB, more than --max-memory (4 MiB); raise --max-memory, up to 4G\n',
    );
    // An image passes through the pool's memory a band of rows at a time: 15.3 MiB of pixels
    // render under an 8 MiB limit, and only a row wider than the limit is refused.
    expect(run('mandelbrot', '--size', '2000', '--max-iter', '5', '--max-memory', '8M', '--json').status).toBe(0);
    expect(run('mandelbrot', '--width', '3000000', '--height', '1', '--max-memory', '8M').stderr).toMatch(
      /^parwasm: --width must be such that one row of pixels \(width × 4 bytes\) fits --max-memory \(\d+ bytes free\)/,
    );
    // Files are read through a window of the pool's memory a batch at a time: 2.4 MB of text
    // counts under a 1 MiB limit (each word's count checked by hand: word i of file f).
    const corpus = mkdtempSync(join(work, 'corpus-'));
    for (let f = 0; f < 4; f++) writeFileSync(join(corpus, `${f}.txt`), `w${f} common `.repeat(60_000));
    const counted = run('wordcount', '--max-memory', '1M', '--top', '5', '--json', corpus);
    expect(counted.status).toBe(0);
    const report = JSON.parse(counted.stdout) as { bytes: number; totalWords: number; top: [string, number][] };
    expect(report.bytes).toBeGreaterThan(2 ** 20);
    expect(report.totalWords).toBe(4 * 2 * 60_000);
    expect(Object.fromEntries(report.top)).toEqual({ common: 240_000, w0: 60_000, w1: 60_000, w2: 60_000, w3: 60_000 });
    const big = run('matmul', '--n', '64', '--max-memory', '3G', '--repeat', '1', '--json');
    expect(big.status).toBe(0);
    for (const command of ['matmul', 'mandelbrot', 'wordcount', 'study', 'tour'])
      expect(run(command, '--help').stdout).toContain('--max-memory');
  });

  it.each([['5G'], ['0'], ['lots'], ['512K']])('--max-memory %s is refused in CLI terms', (value) => {
    const { status, stderr } = run('mandelbrot', '--size', '8', '--max-memory', value);
    expect(status).toBe(2);
    expect(stderr).toBe(`parwasm: --max-memory must be a size from 1M to 4G, such as 512M or 3G (got '${value}')\n`);
  });

  it.each([
    [
      ['mandelbrot', '--size', '8', '--kernel', 'gpu'],
      "parwasm: --kernel must be one of 'simd', 'scalar' (got \"gpu\")",
    ],
    [['matmul', '--n', '8', '--schedule', 'fast'], /^parwasm: --schedule must be one of 'static', .* \(got "fast"\)$/],
    // A, B and C fit 10 MiB; with the library's packing buffers they do not.
    [
      ['matmul', '--n', '600', '--max-memory', '10M'],
      /^parwasm: the matrices must be small enough that A, B, C and the packing buffers fit --max-memory \(\d+ bytes free\)/,
    ],
  ])("%j: the library's refusal in the command line's terms", (args, message) => {
    const { status, stderr } = run(...args);
    expect(status).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr.trim()).toMatch(message);
  });

  it('wordcount DIR follows symbolic links to files, each counting as its file, and cuts directory cycles', () => {
    const dir = mkdtempSync(join(work, 'links-'));
    const outside = mkdtempSync(join(work, 'outside-'));
    writeFileSync(join(dir, 'a.txt'), 'alpha beta beta');
    writeFileSync(join(outside, 'far.txt'), 'gamma delta');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'c.txt'), 'beta');
    symlinkSync(join(dir, 'a.txt'), join(dir, 'again.txt')); // also listed under its own name
    symlinkSync(join(outside, 'far.txt'), join(dir, 'far.txt'));
    symlinkSync(outside, join(dir, 'elsewhere')); // a directory outside: followed
    symlinkSync(dir, join(dir, 'sub', 'loop')); // back to an ancestor: a cycle
    symlinkSync(join(dir, 'gone.txt'), join(dir, 'broken.txt'));
    const { status, stdout, stderr } = run('wordcount', '--json', dir);
    expect(status).toBe(0);
    // a.txt twice (itself and again.txt), far.txt twice (the link and elsewhere/far.txt), c.txt.
    const report = JSON.parse(stdout) as { files: number; totalWords: number; top: [string, number][] };
    expect(report).toMatchObject({ files: 5, totalWords: 3 + 3 + 2 + 2 + 1 });
    expect(Object.fromEntries(report.top)).toEqual({ alpha: 2, beta: 5, gamma: 2, delta: 2 });
    expect(stderr.trim().split('\n').sort()).toEqual([
      `parwasm: skipped ${join(dir, 'broken.txt')}: a broken symbolic link`,
      `parwasm: skipped ${join(dir, 'sub', 'loop')}: a link back to ${dir}, which contains it (a cycle)`,
    ]);
  });
});
