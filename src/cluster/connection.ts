// One Redis connection, opened so that an unreachable server is one clear error at once,
// and a server that goes away later is reconnected to (a restarted Redis is used again).
import type { Redis } from 'ioredis';
import { typeError } from '../errors.js';
import { RedisUnavailableError } from './errors.js';
import type { Peers } from './peers.js';

const CONNECT_TIMEOUT_MS = 5000;
const MAX_RECONNECT_DELAY_MS = 1000;

/** The URL with any password replaced by `***`, for messages and logs. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

/** Checks a Redis URL: `redis://[:password@]host[:port][/db]` or `rediss://` (TLS). */
export function redisUrl(value: unknown, argument: string): string {
  const expected = 'a redis:// or rediss:// URL';
  if (typeof value !== 'string') throw typeError(argument, expected, value);
  let protocol: string;
  try {
    protocol = new URL(value).protocol;
  } catch {
    throw typeError(argument, expected, value);
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') throw typeError(argument, expected, value);
  return value;
}

/**
 * Connects to `url`. The first connection is tried once: a server that cannot be reached
 * rejects with RedisUnavailableError instead of retrying for ever. Once connected, a lost
 * connection is retried every second at most, and commands made meanwhile fail after
 * `retriesPerRequest` attempts (null: they wait, as BullMQ's workers require).
 */
export async function connect(peers: Peers, url: string, retriesPerRequest: number | null): Promise<Redis> {
  let connected = false;
  const redis = new peers.Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: retriesPerRequest,
    retryStrategy: (times) => (connected ? Math.min(times * 100, MAX_RECONNECT_DELAY_MS) : null),
  });
  // Without a listener, ioredis prints every failed reconnection attempt. The first error
  // says why a connection failed (ECONNREFUSED); connect() itself only says it closed.
  let cause: Error | undefined;
  redis.on('error', (error: Error) => (cause ??= error));
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    const reason = cause ?? (error as Error);
    throw new RedisUnavailableError(`cannot reach Redis at ${redactedUrl(url)}: ${reason.message}`, reason);
  }
  connected = true;
  return redis;
}
