// What the cluster tests share: a redis-server of their own on a free loopback port, and
// node processes started as a user starts them (`parwasm node`), stopped by their pids.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';

// The package resolves its own name from anywhere inside it: from test/ and from the
// benchmarks' bundle in dist/ alike.
export const CLI = join(createRequire(import.meta.url).resolve('parwasm/package.json'), '../dist/cli.js');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves when `child` prints a line matching `pattern`; rejects if it exits first. */
export function waitForLine(
  child: ChildProcess,
  lines: string[],
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const found = lines.find((line) => pattern.test(line));
    if (found) return resolve(found);
    const timer = setTimeout(
      () => done(new Error(`no line matching ${pattern} in ${timeoutMs} ms: ${lines.join(' | ')}`)),
      timeoutMs,
    );
    const onLine = (line: string): void => {
      if (pattern.test(line)) done(undefined, line);
    };
    const onExit = (code: number | null): void =>
      done(new Error(`exited (${code}) before printing ${pattern}: ${lines.join(' | ')}`));
    const done = (error?: Error, line?: string): void => {
      clearTimeout(timer);
      child.off('line', onLine);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(line!);
    };
    child.on('line', onLine);
    child.once('exit', onExit);
  });
}

/** Collects a child's output as lines, and emits each as a 'line' event. */
function collectLines(child: ChildProcess): string[] {
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        child.emit('line', line);
      }
    });
  }
  return lines;
}

export interface TestRedis {
  url: string;
  port: number;
  /** A connection for the test's own looks into Redis. */
  client: Redis;
  /** Keys matching `pattern`. */
  keys(pattern: string): Promise<string[]>;
  /** Stops the server and starts it again on the same port, empty. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'parwasm-redis-'));
  let server: ChildProcess;
  const launch = async (): Promise<void> => {
    server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const lines = collectLines(server);
    await waitForLine(server, lines, /Ready to accept connections/);
  };
  await launch();
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
  client.on('error', () => undefined);
  const stopServer = async (): Promise<void> => {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  };
  return {
    url,
    port,
    client,
    keys: (pattern) => client.keys(pattern),
    async restart() {
      await stopServer();
      await launch();
    },
    async stop() {
      client.disconnect();
      await stopServer();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestNode {
  name: string;
  process: ChildProcess;
  lines: string[];
  /** Resolves with the first line matching `pattern` (printed before or after the call). */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM, then waits for it to leave. */
  stop(): Promise<number | null>;
  /** SIGKILL: dies at once, holding whatever job it had. */
  kill(): Promise<void>;
}

/** Starts `parwasm node` and waits until it has joined. `wrap` runs it inside another
 * command (a network namespace); `parwasm` is the command that runs the CLI (default: this
 * repository's, with this Node.js). */
export async function startNode(
  url: string,
  name: string,
  { workers = 1, wrap = [] as string[], parwasm = [process.execPath, CLI] } = {},
): Promise<TestNode> {
  const command = [...wrap, ...parwasm, 'node', '--redis', url, '--workers', String(workers), '--name', name];
  const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = collectLines(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const node: TestNode = {
    name,
    process: child,
    lines,
    line: (pattern, timeoutMs) => waitForLine(child, lines, pattern, timeoutMs),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  try {
    await node.line(/joined/);
  } catch (error) {
    await node.kill();
    throw error;
  }
  return node;
}

/** Waits until `node` holds a job of `queue` (the cluster's shared queue), then kills it with
 * SIGKILL. Returns the first index (`lo`) of each job it still held once dead: jobs its lock
 * now keeps from the others until it expires. */
export async function killWhileHolding(queue: Queue, node: TestNode, operation: Promise<unknown>): Promise<number[]> {
  let settled = false;
  void operation.then(
    () => (settled = true),
    () => (settled = true),
  );
  const held = async () =>
    (await queue.getActive())
      .filter((job) => job.processedBy === node.name)
      .map((job) => (job.data as { lo: number }).lo);
  while ((await held()).length === 0) {
    if (settled) throw new Error(`the operation ended before ${node.name} held a job: make its jobs longer`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await node.kill();
  return held();
}
