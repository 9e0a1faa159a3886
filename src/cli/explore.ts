// parwasm explore: the schedule lab (examples/explorer/) served on 127.0.0.1 with the headers
// that let a page share memory with its workers, until Ctrl-C.
import { fileURLToPath } from 'node:url';
import { serveStatic, type StaticServer } from '../platform/static-server.js';
import { CommandError, parseCommand, UsageError } from './usage.js';

const DEFAULT_PORT = 8321;

const HELP = `usage: parwasm explore [--port N] [--open]

Serves the schedule lab on 127.0.0.1: pick a schedule, a worker count and a chunk, zoom into
the Mandelbrot set, and watch each worker's lane fill in the browser, with the imbalance and
efficiency of each run beside the study's prediction. Ctrl-C stops the server.

  --port N   the port to listen on, 0 for any free one (default: ${DEFAULT_PORT})
  --open     open the page in the default browser
  -h, --help this text`;

export async function runExplore(args: string[]): Promise<void> {
  const flags = parseCommand(args, {
    port: { type: 'string' },
    open: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flags.help) return void console.log(HELP);
  const port = portOf(flags.port);
  // The CLI's chunks sit in dist/ beside browser.js, its worker and the lab's explorer/ folder.
  const server = await listen(fileURLToPath(new URL('.', import.meta.url)), port);
  const url = `${server.url}explorer/`;
  console.log(`the schedule lab: ${url}\nCtrl-C stops it`);
  if (flags.open) await (await import('open')).default(url);
  await stopped();
  await server.close();
}

function portOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`--port must be from 0 to 65535 (got '${value}')`);
  return port;
}

async function listen(root: string, port: number): Promise<StaticServer> {
  try {
    return await serveStatic({ root, port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new CommandError(`port ${port} is in use: choose another with --port N (0 for any free port)`);
    throw error;
  }
}

/** Resolves on SIGINT or SIGTERM; listening to them keeps the terminal guard (terminal.ts)
 * from exiting at once, so the server closes its connections first. */
function stopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      console.log('stopped');
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
