// The package as a user gets it: packed into a tarball, installed into another project,
// imported by name, with its worker entry and .wasm found next to its own modules.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('the packed tarball', () => {
  it('installs into a fresh project and says hello', () => {
    const work = mkdtempSync(join(tmpdir(), 'parwasm-pack-'));
    // dist/ is already built by `npm test`; --ignore-scripts skips building it again.
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: root, stdio: 'pipe' });
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'))!;
    const project = join(work, 'app');
    execFileSync('mkdir', [project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, tarball)], {
      cwd: project,
      stdio: 'pipe',
    });
    // bullmq and ioredis are optional peers: parwasm alone brings no native package.
    for (const optional of ['bullmq', 'ioredis', 'msgpackr-extract']) {
      expect(existsSync(join(project, 'node_modules', optional))).toBe(false);
    }
    writeFileSync(
      join(project, 'main.js'),
      `
      import { createPool } from 'parwasm';
      const pool = await createPool({ workers: 2 });
      console.log(JSON.stringify(await pool.hello()));
      await pool.close();`,
    );
    const replies = JSON.parse(
      execFileSync(process.execPath, ['main.js'], { cwd: project, encoding: 'utf8', timeout: 20_000 }),
    ) as { rank: number }[];
    expect(replies.map((reply) => reply.rank)).toEqual([0, 1]);
    const bin = execFileSync(join(project, 'node_modules/.bin/parwasm'), ['hello', '--workers', '3'], {
      encoding: 'utf8',
    });
    expect(bin.trim().split('\n')).toHaveLength(3);
  }, 120_000);
});
