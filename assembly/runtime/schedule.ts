// The claim-compute-claim loop of one worker, for every schedule. It runs entirely inside
// WebAssembly: a claim is one atomic instruction (or a short compare-exchange loop), not a
// call into JavaScript. Each schedule is one claim rule; `runChunk` does everything else.
import {
  ABORT, JOB_KERNEL, JOB_N, JOB_SCHEDULE, JOB_CHUNK, JOB_WORKERS, JOB_TRACE_PTR,
  JOB_TRACE_CAPACITY, JOB_LO, NEXT_INDEX, TRACE_COUNT, STEAL_RANGES, LINE, TRACE_RECORD_BYTES,
  T_BUSY_MS, T_CHUNKS, T_ITEMS, T_STEAL_ATTEMPTS, T_STEALS,
  SCHEDULE_STATIC, SCHEDULE_CYCLIC, SCHEDULE_DYNAMIC, SCHEDULE_GUIDED, SCHEDULE_STEALING,
} from "./layout";
import { rank, telemetrySlot } from "./worker";
import { now } from "./env";

// The job being run, copied from the descriptor into this instance's globals at its start.
let kernel: i32 = 0;
let base: i32 = 0;
let n: i32 = 0;
let chunk: i32 = 1;
let workers: i32 = 1;
let tracePtr: usize = 0;
let traceCapacity: i32 = 0;

// This worker's telemetry for the job, written to its slot as it goes.
let busyMs: f64 = 0;
let chunks: i32 = 0;
let items: i32 = 0;
let stealAttempts: i32 = 0;
let steals: i32 = 0;

export function runJob(): void {
  kernel = load<i32>(JOB_KERNEL);
  base = load<i32>(JOB_LO);
  n = load<i32>(JOB_N);
  chunk = load<i32>(JOB_CHUNK);
  workers = load<i32>(JOB_WORKERS);
  tracePtr = <usize>load<i32>(JOB_TRACE_PTR);
  traceCapacity = load<i32>(JOB_TRACE_CAPACITY);
  busyMs = 0; chunks = 0; items = 0; stealAttempts = 0; steals = 0;
  publishTelemetry();
  if (rank < workers) {
    const start = now();
    switch (load<i32>(JOB_SCHEDULE)) {
      case SCHEDULE_STATIC: runStatic(); break;
      case SCHEDULE_CYCLIC: runCyclic(); break;
      case SCHEDULE_DYNAMIC: runDynamic(); break;
      case SCHEDULE_GUIDED: runGuided(); break;
      case SCHEDULE_STEALING: runStealing(); break;
      default: unreachable();
    }
    busyMs = now() - start;
  }
  publishTelemetry();
}

// Computes one claimed chunk and accounts for it. Returns false once the job is aborted,
// which every claim loop takes as "stop claiming".
//
// The clock is read per chunk only when tracing: `now` is a call into JavaScript that costs
// ~55 ns, against 9-15 ns for an uncontended claim (bench/suites/schedules.ts), so busy time
// is otherwise measured once per job, claims included.
function runChunk(from: i32, to: i32): bool {
  if (atomic.load<i32>(ABORT) != 0) return false;
  chunkLo = base + from;
  chunkHi = base + to;
  if (tracePtr != 0) {
    const t0 = now();
    call(chunkLo, chunkHi);
    recordTrace(chunkLo, chunkHi, t0, now());
  } else {
    call(chunkLo, chunkHi);
  }
  chunks += 1;
  items += to - from;
  atomic.store<i32>(telemetrySlot() + T_ITEMS, items); // read live by progress reporting
  return true;
}

// The chunk being computed, kept where the worker can read it after a kernel traps.
let chunkLo: i32 = 0;
let chunkHi: i32 = 0;

export function currentLo(): i32 {
  return chunkLo;
}

export function currentHi(): i32 {
  return chunkHi;
}

// Every kernel, parwasm's own included, through this worker's function table, where its
// adapter sits at the slot the id names (src/engine/adapter.ts).
// @ts-ignore: decorator
@inline function call(lo: i32, hi: i32): void {
  call_indirect<void>(<u32>kernel, lo, hi);
}

function recordTrace(lo: i32, hi: i32, t0: f64, t1: f64): void {
  const index = atomic.add<i32>(TRACE_COUNT, 1);
  if (index >= traceCapacity) return; // counted, so the host can tell the trace was cut
  const record = tracePtr + <usize>index * TRACE_RECORD_BYTES;
  store<i32>(record, rank);
  store<i32>(record, lo, 4);
  store<i32>(record, hi, 8);
  store<f64>(record, t0, 16);
  store<f64>(record, t1, 24);
}

function publishTelemetry(): void {
  const slot = telemetrySlot();
  store<f64>(slot + T_BUSY_MS, busyMs);
  store<i32>(slot + T_CHUNKS, chunks);
  atomic.store<i32>(slot + T_ITEMS, items);
  store<i32>(slot + T_STEAL_ATTEMPTS, stealAttempts);
  store<i32>(slot + T_STEALS, steals);
}

// static: worker r owns block r of `workers` near-equal contiguous blocks. It computes the
// block in steps of `chunk` items so that an abort is seen between steps.
function runStatic(): void {
  const lo = <i32>((<i64>n * rank) / workers);
  const hi = <i32>((<i64>n * (rank + 1)) / workers);
  for (let at = lo; at < hi; at = stepEnd(at, hi)) {
    if (!runChunk(at, stepEnd(at, hi))) return;
  }
}

// @ts-ignore: decorator
@inline function stepEnd(at: i32, hi: i32): i32 {
  return <i32>min<i64>(<i64>at + chunk, hi);
}

// cyclic: chunk c goes to worker c % workers.
function runCyclic(): void {
  const stride = <i64>chunk * workers;
  for (let lo = <i64>chunk * rank; lo < <i64>n; lo += stride) {
    if (!runChunk(<i32>lo, <i32>min<i64>(lo + chunk, n))) return;
  }
}

// dynamic: one shared counter; each claim is one atomic add of `chunk`.
function runDynamic(): void {
  while (true) {
    const lo = atomic.add<i64>(NEXT_INDEX, chunk);
    if (lo >= <i64>n) return;
    if (!runChunk(<i32>lo, <i32>min<i64>(lo + chunk, n))) return;
  }
}

// guided: like dynamic, but a claim takes max(chunk, ceil(remaining / workers)), so claims
// start large (few claims) and shrink toward the end (good balance).
function runGuided(): void {
  while (true) {
    const lo = atomic.load<i64>(NEXT_INDEX);
    if (lo >= <i64>n) return;
    const remaining = <i64>n - lo;
    const size = max<i64>(chunk, (remaining + workers - 1) / workers);
    const hi = min<i64>(lo + size, n);
    if (atomic.cmpxchg<i64>(NEXT_INDEX, lo, hi) != lo) continue; // another worker claimed first
    if (!runChunk(<i32>lo, <i32>hi)) return;
  }
}

// stealing: each worker starts with its static block as a packed (lo, hi) range (set by the
// host before the doorbell) and takes `chunk` items at a time from its front. When its range
// is empty it steals the back half of the largest remaining range of another worker with one
// compare-exchange, makes that its own range, and goes on.
//
// No ABA problem: a range value (lo, hi) with lo < hi can never reappear in a slot, because
// the indices in it are claimed before the slot changes and claimed indices never return.
function runStealing(): void {
  const mine = rangeSlot(rank);
  while (true) {
    const range = atomic.load<i64>(mine);
    const lo = rangeLo(range);
    const hi = rangeHi(range);
    if (lo < hi) {
      const take = min<i64>(chunk, hi - lo);
      if (atomic.cmpxchg<i64>(mine, range, packRange(lo + take, hi)) != range) continue;
      if (!runChunk(<i32>lo, <i32>(lo + take))) return;
      continue;
    }
    if (atomic.load<i32>(ABORT) != 0) return;
    if (!stealInto(mine)) return; // nothing left anywhere worth stealing
  }
}

// One steal attempt. Returns false when no other worker has two or more items left.
function stealInto(mine: usize): bool {
  while (true) {
    let victim: usize = 0;
    let victimRange: i64 = 0;
    let largest: i64 = 1;
    for (let w = 0; w < workers; w++) {
      if (w == rank) continue;
      const slot = rangeSlot(w);
      const range = atomic.load<i64>(slot);
      const remaining = rangeHi(range) - rangeLo(range);
      if (remaining > largest) {
        largest = remaining;
        victim = slot;
        victimRange = range;
      }
    }
    if (victim == 0) return false;
    stealAttempts += 1;
    const lo = rangeLo(victimRange);
    const hi = rangeHi(victimRange);
    const mid = lo + (hi - lo) / 2; // the victim keeps [lo, mid), the thief takes [mid, hi)
    if (atomic.cmpxchg<i64>(victim, victimRange, packRange(lo, mid)) == victimRange) {
      steals += 1;
      atomic.store<i64>(mine, packRange(mid, hi));
      return true;
    }
  }
  return false;
}

// @ts-ignore: decorator
@inline function rangeSlot(worker: i32): usize {
  return <usize>(STEAL_RANGES + worker * LINE);
}
// @ts-ignore: decorator
@inline function packRange(lo: i64, hi: i64): i64 {
  return (hi << 32) | lo;
}
// @ts-ignore: decorator
@inline function rangeLo(range: i64): i64 {
  return range & 0xffffffff;
}
// @ts-ignore: decorator
@inline function rangeHi(range: i64): i64 {
  return <i64>(<u64>range >>> 32);
}
