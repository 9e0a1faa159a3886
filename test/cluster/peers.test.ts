// bullmq and ioredis are optional: without them parwasm itself works, and the cluster says in
// one line what to install. A module hook makes them unresolvable, as in a project that
// installed parwasm alone.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI } from './harness.js';

const run = promisify(execFile);

const HOOKS = `export async function resolve(specifier, context, next) {
  if (specifier === 'bullmq' || specifier === 'ioredis')
    throw Object.assign(new Error("Cannot find package '" + specifier + "'"), { code: 'ERR_MODULE_NOT_FOUND' });
  return next(specifier, context);
}`;
const WITHOUT_PEERS = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`,
)}`;
const DIST = new URL('../../dist/', import.meta.url).href;
const INSTALL = 'parwasm/cluster needs the packages bullmq and ioredis: npm install bullmq ioredis';

function node(...args: string[]) {
  return run(process.execPath, ['--import', WITHOUT_PEERS, ...args], { timeout: 30_000 }).catch(
    (error: unknown) => error as { code: number; stdout: string; stderr: string },
  );
}

describe('without bullmq and ioredis', () => {
  it('parwasm computes as before', async () => {
    const { stdout } = await node(
      '--input-type=module',
      '-e',
      `const { createPool } = await import('${DIST}index.js');
       const pool = await createPool({ workers: 2 });
       console.log((await pool.hello()).length);
       await pool.close();`,
    );
    expect(stdout.trim()).toBe('2');
  });

  it('connectCluster rejects at once, naming what to install', async () => {
    const { stdout } = await node(
      '--input-type=module',
      '-e',
      `const { connectCluster } = await import('${DIST}cluster.js');
       await connectCluster({ redis: 'redis://127.0.0.1:1' }).catch((error) => console.log(error.message));`,
    );
    expect(stdout.trim()).toBe(INSTALL);
  });

  it("'parwasm node' and 'parwasm hello --cluster' fail with one line", async () => {
    for (const args of [
      ['node', '--redis', 'redis://127.0.0.1:1'],
      ['hello', '--cluster', 'redis://127.0.0.1:1'],
    ]) {
      const failed = await node(CLI, ...args);
      expect(failed).toMatchObject({ code: 1 });
      expect(failed.stderr.trim().split('\n')).toEqual([expect.stringContaining(INSTALL)]);
    }
  });
});
