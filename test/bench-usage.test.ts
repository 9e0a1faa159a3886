// `parwasm bench` exits 2 with one line for its own usage errors only: a failure inside a
// suite (here a RangeError from an impossible matrix size) is not a usage error.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function bench(...args: string[]) {
  return spawnSync(process.execPath, [cli, 'bench', ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('parwasm bench', () => {
  it.each([
    [['nosuch'], /^parwasm: unknown suite 'nosuch'/],
    [['--workers', '0'], /^parwasm: --workers must be a comma-separated list of positive integers/],
    [['--time', 'soon'], /^parwasm: --time must be a comma-separated list of positive integers/],
    [['--wokers', '2'], /^parwasm: Unknown option '--wokers'/],
  ])('%j is a usage error: exit 2, one line', (args, message) => {
    const { status, stderr } = bench(...args);
    expect(status).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr.trim()).toMatch(message);
  });

  it('lets a RangeError from inside a suite fail as an error, with its stack, not as exit 2', () => {
    // A 10⁸ × 10⁸ matrix: its Float64Array cannot be made.
    const { status, stderr } = bench('matmul', '--sizes', '100000000', '--workers', '1', '--time', '1');
    expect(status).toBe(1);
    expect(stderr).toMatch(/RangeError/);
    expect(stderr).toMatch(/\n\s+at /); // a stack trace
    expect(stderr).not.toMatch(/^parwasm: /);
  });
});
