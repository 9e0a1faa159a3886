// What `pool.load(source)` accepts, resolved to what a library is made from: the bytes of a
// wasm module (from a path, a URL or the bytes themselves), a compiled module, or the URL of
// an ES module of JavaScript kernels.
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { typeError } from '../errors.js';

export type ResolvedSource =
  | { kind: 'wasm'; bytes: Uint8Array<ArrayBuffer>; module: WebAssembly.Module | undefined }
  | { kind: 'module'; module: WebAssembly.Module }
  | { kind: 'javascript'; url: string };

const JAVASCRIPT = /\.(mjs|js|cjs)$/i;

export async function resolveSource(source: unknown): Promise<ResolvedSource> {
  if (source instanceof WebAssembly.Module) return { kind: 'module', module: source };
  if (source instanceof ArrayBuffer) return { kind: 'wasm', bytes: new Uint8Array(source.slice(0)), module: undefined };
  if (ArrayBuffer.isView(source)) {
    const bytes = new Uint8Array(source.byteLength);
    bytes.set(new Uint8Array(source.buffer, source.byteOffset, source.byteLength));
    return { kind: 'wasm', bytes, module: undefined };
  }
  const url = toUrl(source);
  if (JAVASCRIPT.test(url.pathname)) return { kind: 'javascript', url: url.href };
  return { kind: 'wasm', bytes: await readUrl(url), module: undefined };
}

function toUrl(source: unknown): URL {
  if (source instanceof URL) return source;
  if (typeof source !== 'string' || source === '') {
    throw typeError(
      'source',
      'a path or URL of a .wasm or .mjs file, the bytes of a wasm module, or a WebAssembly.Module',
      source,
    );
  }
  if (/^(file|https?|data):/i.test(source)) return new URL(source);
  return pathToFileURL(isAbsolute(source) ? source : resolve(source));
}

async function readUrl(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  try {
    if (url.protocol === 'file:') {
      const file = await readFile(url);
      return new Uint8Array(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength));
    }
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw typeError('source', `a readable module (${(error as Error).message})`, url.href);
  }
}
