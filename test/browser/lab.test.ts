// The schedule lab as a user meets it: `parwasm explore` serves it on 127.0.0.1 with the
// isolation headers, and in Chromium it runs every schedule and fills one lane per worker.
// Screenshots of the lanes are kept in report/browser-lab/ (gitignored) as the run's artefacts.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode } from 'fast-png';
import { afterAll, beforeAll, describe as plainDescribe, expect, it as plainIt } from 'vitest';
import type { Browser } from 'playwright-core';
import { SCHEDULES } from 'parwasm';
import { laneBox } from '../../examples/explorer/lanes.js';
import { root } from '../tarball.js';
import { browserTests, launchChromium, openPage } from './chromium.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const artefacts = join(root, 'report', 'browser-lab');

interface Explore {
  child: ChildProcessWithoutNullStreams;
  url: string;
  output: () => string;
}

/** `parwasm explore --port 0` (and `extra` flags), once it has printed the page's URL. */
async function startExplore(extra: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<Explore> {
  const child = spawn(process.execPath, [cli, 'explore', '--port', '0', ...extra], { env });
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr.on('data', (data: Buffer) => (output += data.toString()));
  for (;;) {
    const url = /http:\/\/127\.0\.0\.1:\d+\/explorer\//.exec(output)?.[0];
    if (url) return { child, url, output: () => output };
    if (child.exitCode !== null) throw new Error(`parwasm explore exited: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

plainDescribe('parwasm explore', () => {
  plainIt('serves the lab and the browser entry with the isolation headers, and stops on SIGINT', async () => {
    const explore = await startExplore();
    for (const path of ['', 'explorer.js', '../browser.js', '../browser-worker.js', '../parwasm.wasm']) {
      const response = await fetch(new URL(path, explore.url));
      expect([path, response.status]).toEqual([path, 200]);
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    }
    expect(await (await fetch(explore.url)).text()).toContain('"parwasm/browser": "../browser.js"');
    explore.child.kill('SIGINT');
    const [code] = (await once(explore.child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(explore.output()).toContain('stopped');
  });

  // Linux only (not WSL): elsewhere `open` calls the system's own opener, which would start a
  // real browser.
  plainIt.runIf(process.platform === 'linux' && !/microsoft/i.test(release()))(
    '--open hands the page to the default browser (xdg-open, which calls $BROWSER)',
    async () => {
      // Without a desktop session, xdg-open opens a URL with $BROWSER: here a script that writes
      // its arguments to a file, and nothing else.
      const dir = mkdtempSync(join(tmpdir(), 'parwasm-open-'));
      const opened = join(dir, 'opened');
      const browserScript = join(dir, 'browser');
      // Written aside, then renamed: the test never reads a half-written file.
      writeFileSync(browserScript, `#!/bin/sh\necho "$@" > '${opened}.part' && mv '${opened}.part' '${opened}'\n`, {
        mode: 0o755,
      });
      // Only these: xdg-open finds a desktop session through many others (DISPLAY, D-Bus, …).
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, BROWSER: browserScript };
      const explore = await startExplore(['--open'], env);
      try {
        for (let tries = 0; tries < 200 && !existsSync(opened); tries++) await new Promise((r) => setTimeout(r, 25));
        expect(existsSync(opened) ? readFileSync(opened, 'utf8').trim() : 'not opened').toBe(explore.url);
      } finally {
        explore.child.kill('SIGINT');
        await once(explore.child, 'exit');
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  plainIt('says so when its port is taken', async () => {
    const first = await startExplore();
    const port = new URL(first.url).port;
    const second = spawn(process.execPath, [cli, 'explore', '--port', port]);
    let stderr = '';
    second.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    const [code] = (await once(second, 'exit')) as [number | null];
    first.child.kill('SIGINT');
    await once(first.child, 'exit');
    expect(code).toBe(1);
    expect(stderr).toContain(`port ${port} is in use`);
  });
});

const { describe, it } = browserTests;

describe('the schedule lab in Chromium', () => {
  let explore: Explore;
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(artefacts, { recursive: true });
    [explore, browser] = await Promise.all([startExplore(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    explore?.child.kill('SIGINT');
  });

  it('runs each schedule and fills every worker lane, then zooms on a click', async () => {
    const page = await openPage(browser, explore.url);
    await page.setViewportSize({ width: 1100, height: 1000 });
    const finished = (runs: number) =>
      page.waitForFunction(
        (runs) => document.body.dataset.state === 'done' && document.querySelectorAll('#runs tbody tr').length === runs,
        runs,
        { timeout: 120_000 },
      );
    await finished(1); // the page runs once as it opens

    // A larger image: while it is computed, the lanes fill before the run has ended.
    await page.selectOption('[name=size]', '1200x900');
    await page.click('button[type=submit]');
    await page.waitForFunction(
      ({ box }) => {
        const canvas = document.querySelector<HTMLCanvasElement>('#lanes')!;
        if (document.body.dataset.state !== 'running') return false;
        const { data } = canvas.getContext('2d')!.getImageData(box.x, box.y, box.width, box.height);
        for (let i = 0; i < data.length; i += 4) if (data[i] !== 0xf4 && data[i] !== 0xff) return true;
        return false;
      },
      { box: laneBox(0, 1000) },
      { timeout: 120_000 },
    );
    await finished(2);
    await page.fill('[name=workers]', '2');
    await page.fill('[name=chunk]', '3');
    await page.selectOption('[name=size]', '512x384');
    let runs = 2;
    for (const schedule of SCHEDULES) {
      await page.selectOption('[name=schedule]', schedule);
      await page.click('button[type=submit]');
      await finished(++runs);
      const row = await page.$$eval('#runs tbody tr:first-child td', (cells) => cells.map((cell) => cell.textContent));
      expect(row.slice(0, 3)).toEqual([schedule, '2', '3']);
      const [imbalance, predicted] = [Number(row[4]), Number(row[5])];
      expect(imbalance).toBeGreaterThanOrEqual(1);
      expect(predicted).toBeGreaterThanOrEqual(1);
      // Every row reached the page through the live per-worker counters.
      expect(await page.$eval('#lanes', (canvas) => canvas.dataset.rows)).toBe('384');

      const png = await page.locator('#lanes').screenshot();
      writeFileSync(join(artefacts, `${schedule}.png`), png);
      const filled = laneFill(png, await page.$eval('#lanes', (canvas) => (canvas as HTMLCanvasElement).width));
      // Every lane holds chunks; together they cover more than half a lane's width (a loaded
      // machine can start one worker late or take its core away, so no lane alone must).
      expect(filled).toHaveLength(2);
      for (const share of filled) expect(share).toBeGreaterThan(0);
      expect(filled[0]! + filled[1]!).toBeGreaterThan(0.5);
    }

    const before = await page.$eval('#image', (canvas) => (canvas as HTMLCanvasElement).toDataURL());
    await page.click('#image', { position: { x: 120, y: 100 } });
    await finished(runs + 1);
    expect(await page.locator('#where').textContent()).toMatch(/^x -?\d/);
    expect(await page.$eval('#image', (canvas) => (canvas as HTMLCanvasElement).toDataURL())).not.toBe(before);
    expect(page.errors).toEqual([]);
    await page.close();
  }, 300_000);
});

/** The share of each lane's area that is painted: neither the lane's empty grey nor white. */
function laneFill(png: Uint8Array, canvasWidth: number): number[] {
  const image = decode(png);
  const scale = image.width / canvasWidth; // the screenshot is in device pixels
  const channels = image.channels;
  const shares: number[] = [];
  for (let rank = 0; ; rank++) {
    const lane = laneBox(rank, canvasWidth);
    if ((lane.y + lane.height) * scale > image.height) return shares;
    let painted = 0;
    let total = 0;
    for (let y = Math.ceil(lane.y * scale); y < Math.floor((lane.y + lane.height) * scale); y++) {
      for (let x = Math.ceil(lane.x * scale); x < Math.floor((lane.x + lane.width) * scale); x++) {
        const at = (y * image.width + x) * channels;
        const [r, g, b] = [image.data[at]!, image.data[at + 1]!, image.data[at + 2]!];
        const empty = (r === 0xf4 && g === 0xf4 && b === 0xf4) || (r === 255 && g === 255 && b === 255);
        total++;
        if (!empty) painted++;
      }
    }
    shares.push(painted / total);
  }
}
