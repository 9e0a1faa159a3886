// dist/browser.js and its worker as a page gets them: self-contained ES modules with no
// node: import and no chart library, whose only URLs are relative ones inside the package.
import { readFileSync } from 'node:fs';
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';

const FILES = ['browser.js', 'browser-worker.js'];
const read = (file: string): string => readFileSync(new URL(`../../dist/${file}`, import.meta.url), 'utf8');

describe('the browser bundle', () => {
  it.each(FILES)('%s imports nothing: no node: module, no package, no chart library', (file) => {
    const text = read(file);
    expect(text).not.toMatch(/\bnode:/);
    expect(text).not.toMatch(/^\s*import[\s{*"']|^\s*export .* from |\bimport\(\s*["']|\brequire\(/m);
    expect(text).not.toMatch(/vega|resvg/);
    expect(text).not.toMatch(/\b(process|Buffer)\./);
  });

  it('browser.js names its files with literal relative URLs beside it', () => {
    const urls = [...read('browser.js').matchAll(/new URL\(([^,)]*),\s*import\.meta\.url\)/g)].map((match) => match[1]);
    expect(urls.length).toBe(4);
    for (const url of urls) expect(url).toMatch(/^"\.\/[\w.-]+"$/);
    for (const url of urls) expect(() => read(JSON.parse(url!) as string)).not.toThrow();
  });

  // webpack copies the worker as an asset and minifies it as a classic script: a top-level
  // await, an import.meta or an import statement would fail its build.
  it('browser-worker.js is a classic script too, naming no file', () => {
    expect(() => new Script(read('browser-worker.js'))).not.toThrow();
    expect(read('browser-worker.js')).not.toContain('new URL(');
  });

  it('starts its worker from the one literal URL bundlers look for', () => {
    expect(read('browser.js')).toContain('new URL("./browser-worker.js", import.meta.url)');
  });
});
