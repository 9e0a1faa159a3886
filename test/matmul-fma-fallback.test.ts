// options.fma where the runtime may lack relaxed SIMD (Node 20 without its flag): parwasm
// takes the fused build only where WebAssembly.validate accepts it, and otherwise runs the
// unfused kernels, bit for bit the same as without the option.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { createPool } from 'parwasm';
import { matmulReference, relativeFrobeniusError } from '../src/baselines/matmul.js';

// A module whose one function is f64x2.relaxed_madd of three zero vectors.
const RELAXED_MADD = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // header
  0x01,
  0x05,
  0x01,
  0x60,
  0x00,
  0x01,
  0x7b, // type: () -> v128
  0x03,
  0x02,
  0x01,
  0x00, // function 0 of type 0
  0x0a,
  0x3d,
  0x01,
  0x3b,
  0x00, // code: one body of 59 bytes, no locals
  ...[0, 1, 2].flatMap(() => [0xfd, 0x0c, ...new Array<number>(16).fill(0)]), // v128.const 0 (× 3)
  0xfd,
  0x87,
  0x02, // f64x2.relaxed_madd (0xfd 0x107)
  0x0b, // end
]);

it('runs the fused kernels exactly where the runtime validates relaxed SIMD, else the unfused ones', async () => {
  const relaxed = WebAssembly.validate(RELAXED_MADD);
  expect(WebAssembly.validate(readFileSync(new URL('../dist/builtins-fma.wasm', import.meta.url)))).toBe(relaxed);
  await using pool = await createPool({ workers: 2 });
  const n = 120;
  const a = { rows: n, cols: n, data: Float64Array.from({ length: n * n }, (_, i) => Math.sin(i)) };
  const b = { rows: n, cols: n, data: Float64Array.from({ length: n * n }, (_, i) => Math.cos(i)) };
  const fused = await pool.matmul(a, b, { fma: true });
  const plain = await pool.matmul(a, b);
  expect(fused.fma).toBe(relaxed);
  expect(plain.fma).toBe(false);
  if (!relaxed) expect(fused.data).toEqual(plain.data);
  expect(relativeFrobeniusError(fused.data, matmulReference(a, b))).toBeLessThanOrEqual(1e-12);
});
