// Nodes on "other machines": each node runs in its own network namespace with its own
// hostname (unshare --uts) and reaches Redis, in a namespace of its own, over a veth pair.
// Only loopback-range addresses are used (127.77.x.y): a 127.x address on a veth needs
// route_localnet=1 on `all` and on the veth, in both namespaces. The client runs in a third
// namespace, as a user runs it: `parwasm hello --cluster URL` with a password in the URL.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../os-package.js';
import { CLI, startNode, waitForLine, type TestNode } from './harness.js';

const redisServer = needs('redis-server', 'redis-server');
const tag = `pw${process.pid % 100_000}`;
const REDIS_NS = `${tag}r`;
const PASSWORD = 'test-only-password';
// Node a, node b and the client, each linked to the Redis namespace by its own veth pair.
const LINKS = ['a', 'b', 'c'].map((peer, i) => ({
  peer,
  namespace: `${tag}${peer}`,
  redisSide: `${tag}${peer}0`,
  peerSide: `${tag}${peer}1`,
  redisAddress: `127.77.${i + 1}.1`,
  peerAddress: `127.77.${i + 1}.2`,
}));

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
const inNamespace = (namespace: string, ...command: string[]) => ip('netns', 'exec', namespace, ...command);

/** Whether this machine lets us make network namespaces (root, and no sandbox forbidding it). */
function namespacesPermitted(): boolean {
  try {
    ip('netns', 'add', `${tag}probe`);
    ip('netns', 'del', `${tag}probe`);
    return true;
  } catch {
    return false;
  }
}

const permitted = redisServer.found && namespacesPermitted();
const suite = permitted ? describe : process.env.CI === 'true' ? describe : describe.skip;
if (redisServer.found && !permitted && process.env.CI !== 'true') {
  console.warn('skipping the network-namespace cluster test: `ip netns add` is not permitted here (needs root)');
}

let redis: ChildProcess | undefined;
let dir: string | undefined;
const nodes: TestNode[] = [];

function setUp(): void {
  ip('netns', 'add', REDIS_NS);
  for (const link of LINKS) {
    ip('netns', 'add', link.namespace);
    ip('link', 'add', link.redisSide, 'type', 'veth', 'peer', 'name', link.peerSide);
    ip('link', 'set', link.redisSide, 'netns', REDIS_NS);
    ip('link', 'set', link.peerSide, 'netns', link.namespace);
    for (const [namespace, device, address] of [
      [REDIS_NS, link.redisSide, link.redisAddress],
      [link.namespace, link.peerSide, link.peerAddress],
    ] as const) {
      inNamespace(namespace, 'sysctl', '-qw', 'net.ipv4.conf.all.route_localnet=1');
      inNamespace(namespace, 'sysctl', '-qw', `net.ipv4.conf.${device}.route_localnet=1`);
      inNamespace(namespace, 'ip', 'addr', 'add', `${address}/30`, 'dev', device);
      inNamespace(namespace, 'ip', 'link', 'set', device, 'up');
    }
  }
}

function tearDown(): void {
  for (const namespace of [REDIS_NS, ...LINKS.map((link) => link.namespace)]) {
    try {
      ip('netns', 'del', namespace); // takes its end of each veth pair, and so the pair, with it
    } catch {
      // never made
    }
  }
}

suite('nodes in their own network namespaces', () => {
  beforeAll(async () => {
    if (!permitted) return;
    setUp();
    dir = mkdtempSync(join(tmpdir(), 'parwasm-netns-redis-'));
    const binds = LINKS.map((link) => link.redisAddress);
    redis = spawn(
      'ip',
      [
        'netns',
        'exec',
        REDIS_NS,
        'redis-server',
        '--port',
        '6379',
        '--bind',
        ...binds,
        '--requirepass',
        PASSWORD,
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const lines: string[] = [];
    redis.stdout!.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        lines.push(line);
        redis!.emit('line', line);
      }
    });
    await waitForLine(redis, lines, /Ready to accept connections/);
    for (const link of LINKS.slice(0, 2)) {
      const url = `redis://:${PASSWORD}@${link.redisAddress}:6379`;
      const wrap = [
        'ip',
        'netns',
        'exec',
        link.namespace,
        'unshare',
        '--uts',
        'sh',
        '-c',
        `hostname parwasm-host-${link.peer} && exec "$0" "$@"`,
      ];
      nodes.push(await startNode(url, `node-${link.peer}`, { workers: 2, wrap }));
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    if (redis?.exitCode === null) {
      const exited = new Promise((resolve) => redis!.once('exit', resolve));
      redis.kill('SIGTERM');
      await exited;
    }
    tearDown();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('says hello from every worker of every node, each on its own host', () => {
    if (!permitted) throw new Error('`ip netns add` is not permitted here, and CI must run this test');
    const client = LINKS[2]!;
    const output = execFileSync(
      'ip',
      [
        'netns',
        'exec',
        client.namespace,
        process.execPath,
        CLI,
        'hello',
        '--cluster',
        `redis://:${PASSWORD}@${client.redisAddress}:6379`,
        '--json',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    const replies = JSON.parse(output) as {
      node: string;
      hostname: string;
      rank: number;
      globalRank: number;
      globalSize: number;
    }[];
    expect(
      replies.map(({ node, hostname, rank, globalRank, globalSize }) => ({
        node,
        hostname,
        rank,
        globalRank,
        globalSize,
      })),
    ).toEqual([
      { node: 'node-a', hostname: 'parwasm-host-a', rank: 0, globalRank: 0, globalSize: 4 },
      { node: 'node-a', hostname: 'parwasm-host-a', rank: 1, globalRank: 1, globalSize: 4 },
      { node: 'node-b', hostname: 'parwasm-host-b', rank: 0, globalRank: 2, globalSize: 4 },
      { node: 'node-b', hostname: 'parwasm-host-b', rank: 1, globalRank: 3, globalSize: 4 },
    ]);
    // Nothing of this reached the machine's own hostname or network.
    expect(execFileSync('hostname', { encoding: 'utf8' }).trim()).not.toMatch(/^parwasm-host-/);
  });
});
