// A user's own Node flags never stop the pool from starting: Node refuses per-process flags in
// a worker's execArgv (ERR_WORKER_INVALID_EXEC_ARGV), so the pool must not hand them on.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const distIndex = pathToFileURL(fileURLToPath(new URL('../dist/index.js', import.meta.url))).href;
const source = `
  import { createPool } from ${JSON.stringify(distIndex)};
  const pool = await createPool({ workers: 2 });
  console.log(JSON.stringify((await pool.hello()).map((reply) => reply.rank)));
  await pool.close();`;
const script = join(mkdtempSync(join(tmpdir(), 'parwasm-argv-')), 'hello.mjs');
writeFileSync(script, source);

function helloUnder(args: string[]) {
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 30_000 });
  // --trace-gc writes its lines to stdout too: the answer is the last line.
  return { status: child.status, stderr: child.stderr, answer: child.stdout.trim().split('\n').at(-1) };
}

const flags = [
  '--max-old-space-size=4096',
  '--expose-gc',
  '--stack-size=2000',
  '--trace-gc',
  '--experimental-wasm-relaxed-simd',
];

describe("the user's Node flags", () => {
  it.each(flags)('%s: the pool starts and every worker says hello', (flag) => {
    expect(helloUnder([flag, script])).toMatchObject({ status: 0, answer: '[0,1]' });
  });

  it.each(flags)('%s with --input-type=module -e: the pool starts too', (flag) => {
    expect(helloUnder([flag, '--input-type=module', '-e', source])).toMatchObject({ status: 0, answer: '[0,1]' });
  });

  it('--input-type module -e (flag and value apart) with --conditions: the pool starts', () => {
    expect(helloUnder(['--input-type', 'module', '--conditions', 'x', '-e', source])).toMatchObject({
      status: 0,
      answer: '[0,1]',
    });
  });
});
