// The adapter between the runtime's claim loop and a library's kernel: a tiny wasm module,
// generated here as bytes, that exports `run(lo, hi)`. Each worker instantiates it with the
// kernel (that worker's instance's export, or a JavaScript function) as its import and puts
// `run` in its function table at the kernel's slot; the claim loop reaches it with one
// `call_indirect` per chunk, and it calls the kernel with a direct wasm-to-wasm call
// (2.4 ns here, NOTES-wasm-threads.md), so the hot loop never passes through JavaScript.
//
// A wasm kernel's adapter also imports parwasm's own memory and loads the arguments from the
// job descriptor's slots (ARGS + 8 j), typed as the kernel's signature says: range kernels
// get `(lo, hi, ...args)` once per chunk; per-index kernels `(i, ...args)` for every index,
// with the arguments loaded into locals once per chunk.
import type { ValueType } from './wasm-binary.js';
import { functionType, HEADER, importEntry, name, section, TYPE_CODE, uleb } from './wasm-emit.js';

export interface AdapterShape {
  /** The kernel's parameters after the index ones (lo, hi or i). */
  args: readonly ValueType[];
  /** The kernel's results, dropped. */
  results: readonly ValueType[];
  perIndex: boolean;
  /** Byte offset of argument slot 0 in parwasm's memory, and the bytes between slots. */
  argsAt: number;
  slotBytes: number;
}

// The load instruction and the log2 of the natural alignment of each type.
const LOAD: Record<ValueType, [opcode: number, align: number]> = {
  i32: [0x28, 2],
  i64: [0x29, 3],
  f32: [0x2a, 2],
  f64: [0x2b, 3],
};
const OP = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  call: 0x10,
  drop: 0x1a,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  i32GeS: 0x4e,
  i32LtS: 0x48,
  i32Add: 0x6a,
  voidBlock: 0x40,
};

/** An adapter for a wasm kernel: imports `env.kernel` and `env.memory` (parwasm's). */
export function wasmAdapter(shape: AdapterShape): Uint8Array<ArrayBuffer> {
  const indexParams: ValueType[] = shape.perIndex ? ['i32'] : ['i32', 'i32'];
  const kernelType = functionType([...indexParams, ...shape.args], shape.results);
  const imports = [
    ...importEntry('env', 'kernel', [0x00, 0]), // function of type 0
    // A shared memory of any size: 0 pages at least, 65536 (4 GiB) at most.
    ...importEntry('env', 'memory', [0x02, 0x03, 0, ...uleb(65536)]),
  ];
  const body = shape.perIndex ? perIndexBody(shape) : rangeBody(shape);
  return module(kernelType, [2, ...imports], body);
}

/** An adapter for a JavaScript kernel: `run(lo, hi)` calls `env.kernel(lo, hi)`, a function
 * of the worker that has the arguments at hand. */
export function javascriptAdapter(): Uint8Array<ArrayBuffer> {
  const body = [0x00, OP.localGet, 0, OP.localGet, 1, OP.call, 0, OP.end];
  return module(functionType(['i32', 'i32'], []), [1, ...importEntry('env', 'kernel', [0x00, 0])], body);
}

/** (lo, hi): kernel(lo, hi, arg0, arg1, ...) */
function rangeBody(shape: AdapterShape): number[] {
  const code = [0x00, OP.localGet, 0, OP.localGet, 1];
  shape.args.forEach((type, j) => code.push(...loadArgument(shape, type, j)));
  code.push(OP.call, 0, ...shape.results.map(() => OP.drop), OP.end);
  return code;
}

/** (lo, hi): for (i = lo; i < hi; i++) kernel(i, arg0, arg1, ...), arguments in locals 2... */
function perIndexBody(shape: AdapterShape): number[] {
  const code = [...uleb(shape.args.length), ...shape.args.flatMap((type) => [1, TYPE_CODE[type]])];
  shape.args.forEach((type, j) => code.push(...loadArgument(shape, type, j), OP.localSet, ...uleb(j + 2)));
  code.push(OP.block, OP.voidBlock, OP.localGet, 0, OP.localGet, 1, OP.i32GeS, OP.brIf, 0);
  code.push(OP.loop, OP.voidBlock, OP.localGet, 0);
  shape.args.forEach((_, j) => code.push(OP.localGet, ...uleb(j + 2)));
  code.push(OP.call, 0, ...shape.results.map(() => OP.drop));
  code.push(OP.localGet, 0, OP.i32Const, 1, OP.i32Add, OP.localTee, 0, OP.localGet, 1, OP.i32LtS, OP.brIf, 0);
  code.push(OP.end, OP.end, OP.end);
  return code;
}

function loadArgument(shape: AdapterShape, type: ValueType, slot: number): number[] {
  const [opcode, align] = LOAD[type];
  return [OP.i32Const, 0, opcode, align, ...uleb(shape.argsAt + slot * shape.slotBytes)];
}

/** A module of two types (the kernel's, and run's `(i32, i32) -> ()`), the given imports, and
 * one function `run` (function index 1, after the imported kernel) with the given body. */
function module(kernelType: number[], imports: number[], body: number[]): Uint8Array<ArrayBuffer> {
  const runType = functionType(['i32', 'i32'], []);
  return Uint8Array.from([
    ...HEADER,
    ...section(1, [2, ...kernelType, ...runType]),
    ...section(2, imports),
    ...section(3, [1, 1]), // one function, of type 1
    ...section(7, [1, ...name('run'), 0x00, 1]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}
