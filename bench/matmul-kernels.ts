// A/B of builds of the matmul kernels on one thread, without a pool: each build (a
// builtins.wasm, e.g. made from an edited copy of assembly/kernels with
// `npx asc COPY/index.ts --config asconfig.builtins.json --target release -o variant.wasm`)
// multiplies the same n × n matrices the way src/ops/matmul.ts does (B packed one panel at a
// time, then the tiles under it), the builds taking turns round after round. Each product is
// timed in CPU time (process.cpuUsage), so that time the thread spends descheduled on a shared
// machine does not count; caches and the memory bus are still shared. Prints the median and
// best GFLOP/s per build, and how many elements of C differ from the first build's (0 where a
// change keeps every rounding).
//
//   npx esbuild bench/matmul-kernels.ts --bundle --format=esm --platform=node --outfile=/tmp/matmul-kernels.js
//   node /tmp/matmul-kernels.js f64|f32 N ROUNDS build.wasm[:kernel] ...
//
// `:kernel` names the tiles export to run (default tilesF64 / tilesF32; tilesFmaF64 for a
// build made with `--target fma`).
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--experimental-wasm-relaxed-simd'); // before the first compile

const MiB = 2 ** 20;
const PANEL_BYTES = 4 * MiB; // as in src/ops/matmul.ts

type Kernel = (...args: number[]) => void;

interface Build {
  label: string;
  packB: Kernel;
  tiles: Kernel;
  mc: number;
  nc: number;
  nrBytes: number;
}

const [dtype = 'f64', size = '1024', roundsArg = '11', ...paths] = process.argv.slice(2);
if (dtype !== 'f64' && dtype !== 'f32') throw new Error('usage: f64|f32 N ROUNDS build.wasm[:kernel] ...');
const bytes = dtype === 'f64' ? 8 : 4;
const n = Number(size);
const rounds = Number(roundsArg);

// A, B, C, the packed panel and one worker's packed-A scratch, one after the other.
const region = n * n * bytes;
const at = { a: MiB, b: MiB + region, c: MiB + 2 * region, packed: MiB + 3 * region };
const scratch = at.packed + PANEL_BYTES + MiB;
const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
memory.grow(Math.ceil((scratch + MiB) / 65536));
const view = (offset: number) =>
  dtype === 'f64' ? new Float64Array(memory.buffer, offset, n * n) : new Float32Array(memory.buffer, offset, n * n);
for (const offset of [at.a, at.b]) {
  const data = view(offset);
  for (let i = 0; i < data.length; i++) data[i] = Math.random() * 2 - 1;
}

function load(path: string): Build {
  const [file = path, kernel = `tiles${dtype.toUpperCase()}`] = path.split(':');
  const imports = {
    env: { memory },
    worker: { rank: 0, threadId: 0 },
    host: { statFiles: () => 0, readFiles: () => 0 },
  };
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), imports);
  const constant = (name: string) => (exports[name] as WebAssembly.Global).value as number;
  return {
    label: path,
    packB: exports[`packB${dtype.toUpperCase()}`] as Kernel,
    tiles: exports[kernel] as Kernel,
    mc: constant('MATMUL_MC'),
    nc: constant('MATMUL_NC'),
    nrBytes: constant('MATMUL_NR_BYTES'),
  };
}

/** C = A·B as src/ops/matmul.ts runs it, every index on this thread. */
function multiply({ packB, tiles, mc, nc, nrBytes }: Build): void {
  const nr = nrBytes / bytes;
  const tileColumns = Math.min(Math.ceil(n / nc), Math.max(1, Math.floor(PANEL_BYTES / (n * nc * bytes))));
  const rowTiles = Math.ceil(n / mc);
  for (let j0 = 0, first = 0; j0 < n; j0 += tileColumns * nc) {
    const columns = Math.min(tileColumns * nc, n - j0);
    const panelTiles = Math.ceil(columns / nc);
    const width = Math.ceil(columns / nr) * nr;
    packB(j0 / nr, j0 / nr + width / nr, at.b, at.packed, n, n, j0, width);
    tiles(first, first + rowTiles * panelTiles, at.a, at.c, at.packed, scratch, n, n, n, panelTiles, j0, width, first);
    first += rowTiles * panelTiles;
  }
}

const builds = paths.map(load);
const differing: number[] = [];
let reference: number[] = [];
for (const build of builds) {
  multiply(build); // compiles and warms up
  multiply(build);
  const c = Array.from(view(at.c));
  if (build === builds[0]) reference = c;
  differing.push(c.filter((value, i) => value !== reference[i]).length);
}
const times = builds.map((): number[] => []);
for (let round = 0; round < rounds; round++) {
  builds.forEach((build, i) => {
    const start = process.cpuUsage();
    multiply(build);
    const { user, system } = process.cpuUsage(start);
    times[i]!.push((user + system) / 1000);
  });
}
const gflops = (ms: number) => ((2 * n ** 3) / (ms * 1e6)).toFixed(2);
console.log(`| build | median GFLOP/s | best | elements of C differing from the first |\n|---|---|---|---|`);
builds.forEach((build, i) => {
  const sorted = times[i]!.sort((x, y) => x - y);
  console.log(`| ${build.label} | ${gflops(sorted[sorted.length >> 1]!)} | ${gflops(sorted[0]!)} | ${differing[i]} |`);
});
