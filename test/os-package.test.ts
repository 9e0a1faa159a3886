// test/os-package.ts: a test that needs a missing program is skipped with one line naming
// the package, except under CI=true, where it fails. Checked by running vitest on a small
// test file of its own, outside this suite.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { needs, onPath } from './os-package.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs vitest on one test file that needs `tool`, with the environment's CI set or unset. */
function runNeeding(tool: string, ci: boolean) {
  const folder = mkdtempSync(join(tmpdir(), 'parwasm-needs-'));
  const helper = JSON.stringify(fileURLToPath(new URL('./os-package.ts', import.meta.url)));
  writeFileSync(
    join(folder, 'needs.test.ts'),
    `import { needs } from ${helper};
     const tool = needs(${JSON.stringify(tool)}, 'some-package');
     tool.it('runs only with the tool', () => {});
     tool.describe('a group', () => { tool.it('runs only with the tool too', () => {}); });`,
  );
  writeFileSync(join(folder, 'vitest.config.mjs'), `export default { test: { include: ['needs.test.ts'] } };`);
  const env = { ...process.env, CI: ci ? 'true' : '' };
  return spawnSync(join(root, 'node_modules/.bin/vitest'), ['run', '--root', folder], { env, encoding: 'utf8' });
}

describe('needs', () => {
  it('finds programs on the PATH, and not others', () => {
    expect(onPath('sh')).toBe(true);
    expect(onPath('no-such-program-parwasm')).toBe(false);
    expect(needs('sh', 'dash').found).toBe(true);
  });

  it('skips the tests that need a missing program, with one line naming the package', () => {
    const child = runNeeding('no-such-program-parwasm', false);
    expect(child.status, child.stdout + child.stderr).toBe(0);
    const output = child.stdout + child.stderr;
    expect(output.match(/apt-get install -y some-package/g)).toHaveLength(1);
    expect(output).toMatch(/2 skipped/);
  }, 60_000);

  it('fails them under CI=true, naming the package', () => {
    const child = runNeeding('no-such-program-parwasm', true);
    expect(child.status).toBe(1);
    expect(child.stdout + child.stderr).toMatch(
      /no-such-program-parwasm is not installed: apt-get install -y some-package/,
    );
    expect(child.stdout + child.stderr).toMatch(/2 failed/);
  }, 60_000);

  it('runs them where the program is installed, CI or not', () => {
    const child = runNeeding('sh', true);
    expect(child.status, child.stdout + child.stderr).toBe(0);
    expect(child.stdout).toMatch(/2 passed/);
  }, 60_000);
});
