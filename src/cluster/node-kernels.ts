// The kernels a node serves: parwasm's own, and nothing sent over Redis. A job names one of
// them with a sub-range [lo, hi) of its operation's index space; the kernel reads the
// operation's inputs (once per node, then cached), computes the range on all of the node's
// workers with the node-local schedule, and returns the output as bytes. Adding an
// operation adds an entry here and nothing to the node's loop.
import type { Pool } from '../pool/pool.js';
import { mandelbrotRows, type ValidatedMandelbrot } from '../ops/mandelbrot.js';
import type { ValidatedRunOptions } from '../schedule/parallel-for.js';
import { bytesOf } from './protocol.js';

/** Reads an operation's inputs from Redis. */
export interface InputReader {
  get(name: string): Promise<Buffer>;
  /** Bytes [start, end) of an input: a node fetches only the part its job needs. */
  getRange(name: string, start: number, end: number): Promise<Buffer>;
}

export interface NodeKernel<Input = unknown> {
  /** Reads what every job of an operation shares; a node does it once per operation. */
  load(read: InputReader, pool: Pool): Promise<Input>;
  /** Gives back what `load` took from the pool, once the operation is over on this node and
   * none of its jobs runs any more. */
  unload?(input: Input, pool: Pool): void;
  run(job: {
    pool: Pool;
    input: Input;
    lo: number;
    hi: number;
    read: InputReader;
    signal: AbortSignal;
  }): Promise<Uint8Array>;
}

/** The node-local run options: every worker, the operation's default schedule. */
function localRun(pool: Pool, signal: AbortSignal): ValidatedRunOptions {
  return { schedule: 'dynamic', chunk: undefined, signal, trace: false, workers: pool.size, onProgress: undefined };
}

/** Index space: the workers of the node; output: the pool's replies as JSON. */
const hello: NodeKernel<null> = {
  load: () => Promise.resolve(null),
  async run({ pool }) {
    return Buffer.from(JSON.stringify(await pool.hello()));
  },
};

type MandelbrotInput = Omit<ValidatedMandelbrot, 'run'>;

/** Index space: rows of the image; input `view`; output: the rows' escape counts (u32). */
const mandelbrotBand: NodeKernel<MandelbrotInput> = {
  async load(read) {
    return JSON.parse((await read.get('view')).toString()) as MandelbrotInput;
  },
  async run({ pool, input, lo, hi, signal }) {
    const view = { ...input, run: localRun(pool, signal) };
    const band = await pool.enqueue((turn) => mandelbrotRows(turn, view, lo, hi), signal);
    return bytesOf(band.data);
  },
};

interface MatmulShape {
  dtype: 'f64' | 'f32';
  m: number;
  k: number;
  n: number;
}

/** Index space: rows of C; inputs `shape`, `a` (read by rows), `b` (read whole, once, into
 * the pool's memory: every job reads it there with no copy); output: the rows of C. */
const matmulRows: NodeKernel<{ shape: MatmulShape; b: Float64Array | Float32Array }> = {
  async load(read, pool) {
    const shape = JSON.parse((await read.get('shape')).toString()) as MatmulShape;
    const bytes = await read.get('b');
    const length = shape.k * shape.n;
    const b = shape.dtype === 'f64' ? pool.alloc(Float64Array, length) : pool.alloc(Float32Array, length);
    new Uint8Array(b.buffer, b.byteOffset, b.byteLength).set(bytes);
    return { shape, b };
  },
  unload({ b }, pool) {
    pool.free(b);
  },
  async run({ pool, input: { shape, b }, lo, hi, read, signal }) {
    const size = shape.dtype === 'f64' ? 8 : 4;
    const a = typedArray(shape.dtype, await read.getRange('a', lo * shape.k * size, hi * shape.k * size));
    const c = await pool.matmul(
      { rows: hi - lo, cols: shape.k, data: a },
      { rows: shape.k, cols: shape.n, data: b },
      { signal },
    );
    return bytesOf(c.data);
  },
};

/** Index space: files; input `files` (JSON paths every node can read); output: the partial
 * word table (see encodeCounts). */
const wordCountFiles: NodeKernel<string[]> = {
  async load(read) {
    return JSON.parse((await read.get('files')).toString()) as string[];
  },
  async run({ pool, input, lo, hi, signal }) {
    const { counts, totalWords } = await pool.wordCount({ files: input.slice(lo, hi) }, { signal });
    return encodeCounts(counts, totalWords);
  },
};

export const NODE_KERNELS: Readonly<Record<string, NodeKernel>> = {
  'parwasm.hello': hello,
  'parwasm.mandelbrot': mandelbrotBand,
  'parwasm.matmul': matmulRows,
  'parwasm.wordcount': wordCountFiles,
};

/** A Buffer's bytes as a typed array of `dtype`, copied to an aligned buffer. */
export function typedArray(dtype: 'f64' | 'f32', bytes: Buffer): Float64Array | Float32Array {
  const copy = new Uint8Array(bytes).buffer;
  return dtype === 'f64' ? new Float64Array(copy) : new Float32Array(copy);
}

/** A word table as bytes: f64 total words, u32 distinct words, a u32 count per word, then
 * the words as UTF-8 joined by '\n' (a word never holds one). */
export function encodeCounts(counts: Map<string, number>, totalWords: number): Buffer {
  const head = Buffer.alloc(12 + 4 * counts.size);
  head.writeDoubleLE(totalWords, 0);
  head.writeUInt32LE(counts.size, 8);
  let at = 12;
  for (const count of counts.values()) at = head.writeUInt32LE(count, at);
  return Buffer.concat([head, Buffer.from([...counts.keys()].join('\n'))]);
}

export function decodeCounts(bytes: Buffer): { counts: [string, number][]; totalWords: number } {
  const totalWords = bytes.readDoubleLE(0);
  const size = bytes.readUInt32LE(8);
  const words =
    size === 0
      ? []
      : bytes
          .subarray(12 + 4 * size)
          .toString()
          .split('\n');
  return { counts: words.map((word, i) => [word, bytes.readUInt32LE(12 + 4 * i)]), totalWords };
}
