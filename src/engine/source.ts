// What `pool.load(source)` accepts, resolved to what a library is made from: the bytes of a
// wasm module (from a path, a URL or the bytes themselves), a compiled module, or the URL of
// an ES module of JavaScript kernels.
import { typeError } from '../errors.js';
import type { Platform } from '../platform/platform.js';

export type ResolvedSource =
  | { kind: 'wasm'; bytes: Uint8Array<ArrayBuffer>; module: WebAssembly.Module | undefined }
  | { kind: 'module'; module: WebAssembly.Module }
  | { kind: 'javascript'; url: string };

const JAVASCRIPT = /\.(mjs|js|cjs)$/i;

export async function resolveSource(source: unknown, platform: Platform): Promise<ResolvedSource> {
  if (source instanceof WebAssembly.Module) return { kind: 'module', module: source };
  if (source instanceof ArrayBuffer) return { kind: 'wasm', bytes: new Uint8Array(source.slice(0)), module: undefined };
  if (ArrayBuffer.isView(source)) {
    const bytes = new Uint8Array(source.byteLength);
    bytes.set(new Uint8Array(source.buffer, source.byteOffset, source.byteLength));
    return { kind: 'wasm', bytes, module: undefined };
  }
  const url = toUrl(source, platform);
  if (JAVASCRIPT.test(url.pathname)) return { kind: 'javascript', url: url.href };
  return { kind: 'wasm', bytes: await readUrl(url, platform), module: undefined };
}

function toUrl(source: unknown, platform: Platform): URL {
  if (source instanceof URL) return source;
  if (typeof source !== 'string' || source === '') {
    throw typeError(
      'source',
      'a path or URL of a .wasm or .mjs file, the bytes of a wasm module, or a WebAssembly.Module',
      source,
    );
  }
  return platform.sourceUrl(source);
}

async function readUrl(url: URL, platform: Platform): Promise<Uint8Array<ArrayBuffer>> {
  try {
    return await platform.readBytes(url);
  } catch (error) {
    throw typeError('source', `a readable module (${(error as Error).message})`, url.href);
  }
}
