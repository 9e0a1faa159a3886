// The set of code points that can be part of a word, taken from the running JavaScript
// engine's own regex (/[\p{L}\p{N}]/u), so that the kernels agree with it exactly, whatever
// Unicode version this Node.js ships. Built once per process (~0.1 s) as a bitmap.
let bitmap: Uint8Array | undefined;

export function wordCharacterBitmap(): Uint8Array {
  if (bitmap) return bitmap;
  const bits = new Uint8Array(0x110000 / 8);
  const wordCharacter = /^[\p{L}\p{N}]$/u;
  for (let cp = 0; cp < 0x110000; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue; // surrogates: never decoded from UTF-8
    if (wordCharacter.test(String.fromCodePoint(cp))) bits[cp >> 3]! |= 1 << (cp & 7);
  }
  bitmap = bits;
  return bits;
}
