// The package as a user gets it: `npm pack` of the built tree, installed into fresh projects.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

/** Packs the repository into a new temporary folder; returns the tarball's path. */
export function packTarball(): string {
  const work = mkdtempSync(join(tmpdir(), 'parwasm-pack-'));
  // dist/ is already built by `npm test`; --ignore-scripts skips building it again.
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: root, stdio: 'pipe' });
  return join(
    work,
    readdirSync(work).find((name) => name.endsWith('.tgz'))!,
  );
}

/** A fresh project beside `tarball` with `packageJson` and `files`, the tarball (and `extra`
 * packages) installed; returns its folder. */
export function installProject(
  tarball: string,
  name: string,
  packageJson: object,
  files: Record<string, string> = {},
  extra: string[] = [],
): string {
  const dir = join(tarball, '..', name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, ...packageJson }));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  // --prefer-offline: the registry only for what npm's cache lacks (never --offline, which
  // fails where the cache is cold).
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, ...extra], {
    cwd: dir,
    stdio: 'pipe',
  });
  return dir;
}
