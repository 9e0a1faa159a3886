// What a library needs to know about a compiled `WebAssembly.Module`, whose bytes the
// JavaScript API does not give back.
import { typeError } from '../errors.js';
import type { ModuleInfo } from './wasm-binary.js';

export function probeModuleInfo(module: WebAssembly.Module): Promise<ModuleInfo> {
  void module;
  return Promise.reject(
    typeError('source', 'the bytes or the URL of the module, not yet a compiled WebAssembly.Module', module),
  );
}
