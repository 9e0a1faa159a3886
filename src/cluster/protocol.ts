// What travels between a client and the nodes. A job names a kernel parwasm ships (never
// code), the operation whose inputs it reads, and its sub-range [lo, hi) of the operation's
// index space. A result is one binary frame: a small JSON header, then the kernel's output
// bytes as they are (pixels, rows of C, a partial word table), never a JSON array of numbers.

/** The data of one BullMQ job. */
export interface JobData {
  /** The operation's id: its keys and its results list are named after it. */
  op: string;
  /** Name of a kernel in the node's table (node-kernels.ts). */
  kernel: string;
  /** Position of the job in the operation (results are keyed by it: a job done twice counts once). */
  index: number;
  lo: number;
  hi: number;
}

/** What a node says about one job it computed. */
export interface ResultHeader {
  index: number;
  node: string;
  host: string;
  lo: number;
  hi: number;
  /** Items of the index space computed (hi - lo). */
  items: number;
  /** Milliseconds the node spent on the job, reading its inputs included. */
  busyMs: number;
  /** Wall-clock start and end (ms since the epoch, the node's clock). */
  startedAt: number;
  endedAt: number;
  /** True when another node had taken this job and lost it (its lock expired). */
  retried: boolean;
  /** Set when the job failed on the node: the operation rejects with it. */
  error?: { name: string; message: string };
}

export function encodeResult(header: ResultHeader, payload: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  return Buffer.concat([length, json, payload]);
}

export function decodeResult(frame: Buffer): { header: ResultHeader; payload: Buffer } {
  const length = frame.readUInt32LE(0);
  const header = JSON.parse(frame.subarray(4, 4 + length).toString()) as ResultHeader;
  return { header, payload: frame.subarray(4 + length) };
}

/** The bytes of a typed array, without a copy. */
export function bytesOf(array: ArrayBufferView): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}
