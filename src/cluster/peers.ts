// bullmq and ioredis are optional peer dependencies: `npm install parwasm` stays free of
// native packages (bullmq brings msgpackr-extract). They are loaded here, on first use, so
// that a missing one is one clear line instead of a module-resolution stack.
import type * as BullMQ from 'bullmq';
import type { Redis } from 'ioredis';

export interface Peers {
  bullmq: typeof BullMQ;
  Redis: typeof Redis;
}

export const INSTALL_HINT = 'parwasm/cluster needs the packages bullmq and ioredis: npm install bullmq ioredis';

let loading: Promise<Peers> | undefined;

export function loadPeers(): Promise<Peers> {
  loading ??= (async () => {
    try {
      const [bullmq, ioredis] = await Promise.all([import('bullmq'), import('ioredis')]);
      return { bullmq, Redis: ioredis.Redis };
    } catch (error) {
      loading = undefined;
      throw new Error(INSTALL_HINT, { cause: error });
    }
  })();
  return loading;
}
