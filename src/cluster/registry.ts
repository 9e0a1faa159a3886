// Which nodes are serving: each node keeps a key with its description alive by renewing it
// (a heartbeat); a node that dies stops renewing and drops out of the list within NODE_TTL_MS.
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { NODE_KEY_PATTERN, nodeKey } from './keys.js';

/** A node that is serving. */
export interface NodeInfo {
  /** The name it was started with (`--name`; default: host and process id). */
  name: string;
  /** The machine it runs on. */
  host: string;
  /** Worker threads of its pool. */
  workers: number;
}

interface Registration extends NodeInfo {
  /** Tells apart two processes that were given one name. */
  instance: string;
}

export const NODE_TTL_MS = 5000;
const HEARTBEAT_MS = 1500;

/** Registers this process as node `name` and keeps it registered until `stop()`. Refuses a
 * name that a live node already has. */
export async function register(redis: Redis, info: NodeInfo): Promise<{ stop(): Promise<void> }> {
  const registration = JSON.stringify({ ...info, instance: `${hostname()}:${process.pid}:${Date.now()}` });
  const key = nodeKey(info.name);
  if ((await redis.set(key, registration, 'PX', NODE_TTL_MS, 'NX')) !== 'OK') {
    throw new Error(`a node named '${info.name}' is already serving this cluster (choose another with --name)`);
  }
  // SET again rather than PEXPIRE: after a Redis restart the key is gone and comes back.
  const timer = setInterval(
    () => void redis.set(key, registration, 'PX', NODE_TTL_MS).catch(() => undefined),
    HEARTBEAT_MS,
  );
  return {
    async stop() {
      clearInterval(timer);
      const current = await redis.get(key);
      if (current === registration) await redis.del(key);
    },
  };
}

/** The live nodes, by name. */
export async function liveNodes(redis: Redis): Promise<NodeInfo[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', NODE_KEY_PATTERN, 'COUNT', 1000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  if (keys.length === 0) return [];
  const values = await redis.mget(...keys);
  return values
    .filter((value): value is string => value !== null)
    .map((value) => {
      const { name, host, workers } = JSON.parse(value) as Registration;
      return { name, host, workers };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
