// A static file server on 127.0.0.1 for pages that use parwasm/browser: the Chromium tests,
// and any command that serves a page. With `isolated` (the default) every response carries
// the headers that make a page cross-origin isolated, so it may share memory with workers.
// Node-only.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import { extname, join, relative, resolve, sep } from 'node:path';

export interface StaticServer {
  /** `http://127.0.0.1:<port>/`, the root folder's URL. */
  readonly url: string;
  close(): Promise<void>;
}

export interface StaticServerOptions {
  /** The folder served at `/`. */
  root: string;
  /** Send COOP `same-origin` and COEP `require-corp`. @default true */
  isolated?: boolean;
  /** @default 0 (any free port) */
  port?: number;
}

/** The headers that make a page cross-origin isolated (docs/browser.md). */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

/** Serves `root` until close(); a path outside it, or missing, is a 404. */
export async function serveStatic({ root, isolated = true, port = 0 }: StaticServerOptions): Promise<StaticServer> {
  const base = resolve(root);
  const server = createServer((request, response) => {
    void respond(base, new URL(request.url ?? '/', 'http://localhost').pathname, isolated, response);
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', done);
  });
  const { port: bound } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${bound}/`,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

async function respond(base: string, pathname: string, isolated: boolean, response: ServerResponse): Promise<void> {
  if (isolated) for (const [name, value] of Object.entries(ISOLATION_HEADERS)) response.setHeader(name, value);
  let file = join(base, decodeURIComponent(pathname));
  const inside = relative(base, file);
  try {
    if (inside.startsWith('..') || inside.startsWith(sep)) throw new Error('outside the root');
    if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    const { size } = await stat(file);
    response.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': size,
      'Cache-Control': 'no-store',
    });
    createReadStream(file).pipe(response);
  } catch {
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
  }
}
