// parwasm node: serve a cluster's jobs with a local pool until SIGINT or SIGTERM.
import { parseCommand, positiveInteger, UsageError } from './usage.js';

const HELP = `usage: parwasm node --redis URL [--workers N] [--name NAME] [--kernels DIR]

Joins the cluster whose Redis is at URL and computes its operations' jobs on a local pool
until SIGINT or SIGTERM, which lets the current job finish and leaves cleanly. Needs the
packages bullmq and ioredis (npm install bullmq ioredis).

  --redis URL     redis://[:password@]host[:port][/db], or rediss:// for TLS
  --workers N     worker threads (default: the number of CPU cores)
  --name NAME     the node's name in the cluster (default: <hostname>-<pid>)
  --kernels DIR   the directory of users' kernel files this node may serve: a job names a
                  file inside it, never one outside (no absolute paths, '..' or symbolic
                  links out of it), and no code comes over Redis (default: parwasm's own only)
  -h, --help      this text`;

export async function runNode(args: string[]): Promise<void> {
  const flags = parseCommand(args, {
    redis: { type: 'string' },
    workers: { type: 'string' },
    name: { type: 'string' },
    kernels: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flags.help) return void console.log(HELP);
  if (flags.redis === undefined) throw new UsageError('--redis URL is required (e.g. --redis redis://host:6379)');
  const workers = positiveInteger(flags.workers, 'workers');
  // Loaded here, not at the top: the other commands must not need bullmq and ioredis.
  const { startNode } = await import('../cluster/node.js');
  let node: Awaited<ReturnType<typeof startNode>>;
  try {
    node = await startNode({
      redis: flags.redis,
      ...(workers === undefined ? {} : { workers }),
      ...(flags.name === undefined ? {} : { name: flags.name }),
      ...(flags.kernels === undefined ? {} : { kernels: flags.kernels }),
      log: (line) => console.log(`${new Date().toISOString()} ${line}`),
    });
  } catch (error) {
    // A missing package, an unreachable Redis, a name in use: one line, not a stack.
    console.error(`parwasm node: ${(error as Error).message}`);
    process.exitCode = 1;
    return;
  }
  await new Promise<void>((resolve) => {
    const leave = (signal: NodeJS.Signals): void => {
      console.log(`${new Date().toISOString()} ${node.name}: ${signal}, leaving after the current job`);
      process.off('SIGINT', leave);
      process.off('SIGTERM', leave);
      resolve();
    };
    process.on('SIGINT', leave);
    process.on('SIGTERM', leave);
  });
  await node.close();
}
