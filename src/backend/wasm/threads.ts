/**
 * Optional multi-core gemm: one reused pool of workers (Node worker_threads, or browser Web Workers when the page is
 * cross-origin isolated) that share one WebAssembly memory (a SharedArrayBuffer) with the calling thread. A large
 * product is split by rows into 4-row-aligned chunks that the calling thread and its workers take from a shared
 * counter (each thread packs its own panels: own work buffer and scratch tile); when none is left the calling thread
 * waits for the workers to finish theirs: with Atomics.wait where it may block (Node, Web Workers), by spinning on Atomics.load on a browser's main thread (where
 * Atomics.wait throws). Off by default: `setWasmThreads(n)` or env TRACETAPE_WASM_THREADS=n turns it on (n threads in
 * all); products under `threadThreshold.matmul` multiply-adds stay on one thread. Workers start asynchronously; Node
 * waits for a starting worker when it first needs it, a browser uses only the workers that are ready (await
 * `wasmThreadsReady()`). The same pool runs random.fillBootstrapMeans' resamples (threadedBootstrapMeans), growing
 * it to the thread count that call asks for, and the stationary kernel products' row chunks (kernel-threads.ts, through
 * acquireWorkers/post/join). The pool's shared memory has its own allocator and resident cache (same
 * policy as the single-threaded one). Platform glue (worker creation, blocking probe) lives in worker-host.ts; the
 * workers' control-block layout and source text in worker-source.ts.
 */
import type { TypedArray } from '../../tensor/dtype.js';
import { TracetapeError } from '../../util/errors.js';
import { KERNELS_SHARED_WASM_BASE64 } from './kernels.generated.js';
import { decodeBase64, simdSupported, type KernelExports } from './module.js';
import { WasmHeap } from './heap.js';
import { ResidentArrays } from './resident.js';
import { canBlock, crossOriginIsolation, startWorker, workerPlatform, type WorkerHandle, type WorkerPlatform } from './worker-host.js';
import { A, ARGS, B, BOOTSTRAP_ARGS, C, CHUNK, CONTROL_BYTES, CTR, DONE, ERR, EXIT, F64, FAILED, IDLE, JOBS, K, M, N, OP, OP_BOOTSTRAP, OP_GEMM, POSTED, ROWS, STARTING, STATE, WORK, WORKER_SOURCE } from './worker-source.js';

/** Multiply-adds (m·k·n per batch) from which a product is split over the threads. Mutable. */
export const threadThreshold = { matmul: 128 * 128 * 128 };

/** Most threads setWasmThreads accepts. */
const MAX_THREADS = 64;
/** How long Node waits for a starting worker before leaving it out (ms). */
const START_TIMEOUT_MS = 10_000;

/** One pooled worker: its control block, gemm packing buffer and scratch tile (in the pool's memory), and its failure. */
export interface WorkerSlot { ctl: Int32Array; work: number; tile: number; handle: WorkerHandle; failure: string }
/** The pool: its shared memory, allocator, resident cache and the calling thread's instance of the kernels. */
export interface Pool {
  ex: KernelExports;
  memory: WebAssembly.Memory;
  heap: WasmHeap;
  resident: ResidentArrays;
  mainWork: number;
  /** Byte address of the gemm chunk counter. */
  counter: number;
  workers: WorkerSlot[];
  workBytes: number;
}

function envThreads(): number {
  const env = typeof process === 'object' && process !== null && typeof process.env === 'object' ? process.env.TRACETAPE_WASM_THREADS : undefined;
  const n = env === undefined ? 1 : Number.parseInt(env, 10);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_THREADS) : 1;
}

let requested = envThreads();
let pool: Pool | null = null;
let unavailable = '';
let compiled: WebAssembly.Module | null = null;
let compiling: Promise<void> | null = null;
let poolsCreated = 0;
let workersStarted = 0;
let splits = 0;
let kernelSplits = 0;
let waitedMs = 0;

/**
 * Use `n` threads in all (the calling thread plus n − 1 pooled workers) for float64/float32 matmuls of at least
 * `threadThreshold.matmul` multiply-adds; 1 (the default, or env TRACETAPE_WASM_THREADS) turns the split off. The
 * pool is created once and reused: a larger n starts more workers, a smaller one terminates the extra ones, and 1
 * leaves the workers idle (blocked, using no CPU; unref'd in Node, so they never keep the process alive) to be reused
 * by the next call — `terminateWasmThreads()` stops them. Node workers are usable at once; browser workers (Web
 * Workers, only on cross-origin isolated pages) start asynchronously — await `wasmThreadsReady()` before relying on
 * them. Returns the number of threads a large product would use right now.
 */
export function setWasmThreads(n: number): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new TracetapeError('setWasmThreads', `n must be an integer in [1, ${MAX_THREADS}], received ${typeof n === 'number' ? n : typeof n}`);
  }
  requested = n;
  if (pool && n > 1) resize(pool, n - 1);
  return threadsInEffect();
}

/** Turn the split off (as setWasmThreads(1)), terminate every pooled worker and release the pool's shared memory. */
export function terminateWasmThreads(): void {
  requested = 1;
  shutdown();
}

/**
 * Resolves, once the requested workers have started (or failed to, or `timeoutMs` passed), to the number of threads
 * a large product will use (1 where threads are unavailable: see `wasmThreadsInfo().status`).
 */
export async function wasmThreadsReady(timeoutMs = START_TIMEOUT_MS): Promise<number> {
  if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) throw new TracetapeError('wasmThreadsReady', `timeoutMs must be a non-negative number, received ${String(timeoutMs)}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (requested <= 1) return 1;
    const p = ensurePool();
    if (!p && compiling) await compiling;
    else if (!p) return 1;
    else if (p.workers.every((w) => w.failure || Atomics.load(w.ctl, STATE) !== STARTING) || Date.now() >= deadline) return threadsInEffect();
    else await new Promise((resolve) => setTimeout(resolve, 5)); // let the workers start (a browser needs its event loop)
  }
}

/** Threads requested (setWasmThreads or TRACETAPE_WASM_THREADS; 1 = no split), without starting any pool. */
export function requestedThreads(): number {
  return requested;
}

/** Threads a large product would use now (1 where worker threads or shared memory are unavailable). */
export function threadsInEffect(): number {
  if (requested <= 1) return 1;
  const p = ensurePool();
  return p ? Math.min(requested, usableWorkers(p).length + 1) : 1; // the pool may hold more workers (grown by a bootstrap job)
}

/** Why the split is off, or a description of the pool. */
export function threadsStatus(): string {
  const t = threadsInEffect();
  if (t > 1) return `${t} threads for products of ≥ ${threadThreshold.matmul} multiply-adds (${workerPlatform()} workers; the calling thread ${canBlock() ? 'blocks in Atomics.wait' : 'spin-waits'})`;
  if (unavailable) return unavailable;
  const failures = pool ? pool.workers.filter((w) => w.failure).map((w) => w.failure) : [];
  if (requested > 1 && failures.length > 0) return `one thread (${failures.length} worker(s) failed: ${failures[0]})`;
  if (requested > 1) return compiling ? 'one thread (the pool is compiling its module)' : 'one thread (the workers are starting: await wasmThreadsReady())';
  return 'one thread (setWasmThreads(n) or TRACETAPE_WASM_THREADS=n to split large products)';
}

/** What the worker pool is doing (see `wasmThreadsInfo`). */
export interface WasmThreadsInfo {
  /** Threads asked for (setWasmThreads or TRACETAPE_WASM_THREADS). */
  requested: number;
  /** Threads a large product uses now, the calling thread included. */
  threads: number;
  /** Workers in the pool (started, starting or failed; idle ones stay after setWasmThreads(1)). */
  workers: number;
  /** Workers that have started and wait for jobs. */
  ready: number;
  /** Where workers come from here. */
  platform: WorkerPlatform;
  /** How the calling thread waits for its workers: 'atomics-wait' (Node, Web Workers) or 'spin' (a browser's main thread). */
  wait: 'atomics-wait' | 'spin';
  /** In a browser: whether the page is cross-origin isolated (required for shared memory); undefined elsewhere. */
  crossOriginIsolated: boolean | undefined;
  /** Products of at least this many multiply-adds are split. */
  thresholdMultiplyAdds: number;
  /** Products split over the pool so far. */
  splits: number;
  /** Stationary kernel products (kernel-threads.ts) split over the pool so far. */
  kernelSplits: number;
  /**
   * Milliseconds the calling thread has spent waiting for its workers once no chunk was left (spinning, on a browser's
   * main thread: CPU time burnt; blocked elsewhere): at most about one chunk's time per product.
   */
  waitedMs: number;
  /**
   * Jobs each current worker has taken part in (counted by the worker itself): split products (one per batch),
   * bootstrap jobs (one per threadedBootstrapMeans call that posted to it) and split kernel products.
   */
  jobs: number[];
  /** Rows of C each current worker has computed (counted by the worker; the calling thread computed the rest). */
  rows: number[];
  /** Pools created in this process (one, unless the split was turned off and on again). */
  poolsCreated: number;
  /** Workers started in this process. */
  workersStarted: number;
  /** A sentence: the pool in use, or why the split is off. */
  status: string;
}

/** A snapshot of the worker pool: threads requested and in use, platform, wait mode, jobs done per worker. */
export function wasmThreadsInfo(): WasmThreadsInfo {
  const status = threadsStatus();
  const p = pool;
  return {
    requested,
    threads: threadsInEffect(),
    workers: p ? p.workers.length : 0,
    ready: p ? p.workers.filter((w) => !w.failure && isReady(w)).length : 0,
    platform: workerPlatform(),
    wait: canBlock() ? 'atomics-wait' : 'spin',
    crossOriginIsolated: crossOriginIsolation(),
    thresholdMultiplyAdds: threadThreshold.matmul,
    splits,
    kernelSplits,
    waitedMs,
    jobs: p ? p.workers.map((w) => Atomics.load(w.ctl, JOBS)) : [],
    rows: p ? p.workers.map((w) => Atomics.load(w.ctl, ROWS)) : [],
    poolsCreated,
    workersStarted,
    status,
  };
}

function isReady(w: WorkerSlot): boolean {
  const s = Atomics.load(w.ctl, STATE);
  if (s === FAILED && !w.failure) w.failure = 'the worker could not instantiate the kernels';
  return s !== STARTING && s !== FAILED;
}

/** Workers a product may use now: in Node also starting ones (waited for), elsewhere only the ready ones. */
function usableWorkers(p: Pool): WorkerSlot[] {
  const waitForStart = workerPlatform() === 'node';
  return p.workers.filter((w) => !w.failure && (isReady(w) || waitForStart));
}

/** The compiled shared-memory module: synchronously, or (where the engine refuses) asynchronously, then null meanwhile. */
function sharedModule(): WebAssembly.Module | null {
  if (compiled || compiling) return compiled;
  const bytes = decodeBase64(KERNELS_SHARED_WASM_BASE64);
  try {
    compiled = new WebAssembly.Module(bytes);
  } catch {
    compiling = WebAssembly.compile(bytes).then((m) => { compiled = m; }, (e: unknown) => { unavailable = `one thread (compiling the shared kernels failed: ${String(e)})`; })
      .finally(() => { compiling = null; });
  }
  return compiled;
}

/** The pool, created (with max(want, requested) − 1 workers) if there is none and `want` > 1; null where threads are unavailable. */
function ensurePool(want = requested): Pool | null {
  if (pool) return pool;
  if (unavailable || want <= 1) return null;
  const platform = workerPlatform();
  if (platform === 'none') { unavailable = 'one thread (no worker threads on this platform)'; return null; }
  if (platform === 'browser' && crossOriginIsolation() === false) {
    unavailable = 'one thread (the page is not cross-origin isolated: serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
    return null;
  }
  if (typeof SharedArrayBuffer !== 'function' || !simdSupported()) {
    unavailable = 'one thread (SharedArrayBuffer or WebAssembly SIMD unavailable)';
    return null;
  }
  try {
    const module = sharedModule();
    if (!module) return null;
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 32768, shared: true });
    const ex = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
    const heap = new WasmHeap(memory, 1024);
    const counter = heap.alloc(64);
    pool = { ex, memory, heap, resident: new ResidentArrays(heap, memory), mainWork: -1, counter, workers: [], workBytes: 0 };
    poolsCreated++;
    resize(pool, Math.max(want, requested) - 1); // a bootstrap job may create it first: still the workers asked for
    return pool;
  } catch (e) {
    unavailable = `one thread (worker pool failed to start: ${String(e)})`;
    pool = null;
    return null;
  }
}

/** Start or stop workers until the pool has `count`. */
function resize(p: Pool, count: number): void {
  while (p.workers.length > count) stopWorker(p, p.workers.pop()!);
  while (p.workers.length < count) {
    const tile = p.heap.alloc(128);
    if (tile < 0) return; // shared memory exhausted: fewer workers
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const ctl = new Int32Array(control);
    ctl[STATE] = STARTING;
    const slot: WorkerSlot = { ctl, work: -1, tile, handle: { terminate: () => undefined }, failure: '' };
    try {
      slot.handle = startWorker(WORKER_SOURCE, { module: sharedModule()!, memory: p.memory, control, tile }, (message) => { slot.failure ||= message; });
      workersStarted++;
    } catch (e) { // e.g. a Content-Security-Policy without worker-src blob: — kept as a failed slot, so status says why
      slot.failure = `could not start a worker: ${String(e)}`;
    }
    p.workers.push(slot);
  }
}

function stopWorker(p: Pool, w: WorkerSlot): void {
  Atomics.store(w.ctl, STATE, EXIT);
  Atomics.notify(w.ctl, STATE);
  w.handle.terminate();
  if (w.work >= 0) p.heap.free(w.work);
  p.heap.free(w.tile);
}

/** Terminate every worker and drop the pool's shared memory. */
function shutdown(): void {
  if (!pool) return;
  for (const w of pool.workers) stopWorker(pool, w);
  pool = null;
}

/** Give the calling thread and each of `workers` a packing buffer of at least `bytes`. */
function ensureWork(p: Pool, workers: WorkerSlot[], bytes: number): boolean {
  if (p.workBytes < bytes) {
    if (p.mainWork >= 0) p.heap.free(p.mainWork);
    for (const w of p.workers) { if (w.work >= 0) p.heap.free(w.work); w.work = -1; }
    p.workBytes = bytes;
    p.mainWork = p.heap.alloc(bytes);
    if (p.mainWork < 0) { p.workBytes = 0; return false; }
  }
  for (const w of workers) {
    if (w.work < 0) w.work = p.heap.alloc(p.workBytes);
    if (w.work < 0) return false;
  }
  return true;
}

/** Node: wait (bounded) for workers still starting; those that do not start are left out from now on. */
function awaitStart(workers: WorkerSlot[]): WorkerSlot[] {
  for (const w of workers) {
    if (Atomics.load(w.ctl, STATE) === STARTING && Atomics.wait(w.ctl, STATE, STARTING, START_TIMEOUT_MS) === 'timed-out') {
      w.failure = `did not start within ${START_TIMEOUT_MS} ms`;
    }
    isReady(w);
  }
  return workers.filter((w) => !w.failure);
}

/**
 * The pool and at most `maxThreads − 1` workers a job may use now (in Node, starting ones are waited for; elsewhere
 * only ready ones), or null when the split is off, unavailable, or no worker is ready yet. Every job kind starts here.
 */
export function acquireWorkers(maxThreads = requested): { p: Pool; workers: WorkerSlot[] } | null {
  if (maxThreads <= 1) return null;
  const p = ensurePool(maxThreads);
  if (!p) return null;
  let workers = usableWorkers(p).slice(0, maxThreads - 1);
  if (canBlock()) workers = awaitStart(workers);
  return workers.length > 0 ? { p, workers } : null;
}

/** Hand the job written into the worker's control words to it. */
export function post(w: WorkerSlot): void {
  Atomics.store(w.ctl, STATE, POSTED);
  Atomics.notify(w.ctl, STATE);
}

/**
 * Wait until the worker has finished its posted job — blocking in Atomics.wait where this thread may, else spinning
 * on Atomics.load (a browser's main thread) — and mark it idle; false when the job threw in the worker.
 */
export function join(w: WorkerSlot): boolean {
  const c = w.ctl;
  if (canBlock()) {
    while (Atomics.load(c, STATE) !== DONE) Atomics.wait(c, STATE, POSTED);
  } else {
    while (Atomics.load(c, STATE) !== DONE) { /* spin: a browser's main thread may not block */ }
  }
  const ok = c[ERR] === 0;
  Atomics.store(c, STATE, IDLE);
  return ok;
}

/** Count a kernel product split over the pool (kernel-threads.ts) and the time the calling thread waited for its workers. */
export function noteKernelSplit(waited: number): void {
  kernelSplits++;
  waitedMs += waited;
}

/**
 * How a split gemm is chunked: about `perThread` chunks per thread, of at least `minRows` rows. Mutable for tuning and
 * benchmarks (perThread = 1 is the static split: one slab per thread).
 */
export const threadChunking = { perThread: 4, minRows: 32 };

/**
 * Rows per gemm chunk: a multiple of 4 (the micro-tile height, so the row tiling and every result equal the
 * single-threaded ones), about four chunks per thread so load imbalance costs at most a quarter of a thread's share,
 * but at least 32 rows (each chunk re-packs B: k·n copies against 2·rows·k·n flops) unless m is small.
 */
export function gemmChunkRows(m: number, threads: number): number {
  const ceil4 = (x: number): number => Math.max(4, Math.ceil(x / 4) * 4);
  return Math.max(Math.min(threadChunking.minRows, ceil4(m / threads)), ceil4(m / (threadChunking.perThread * threads)));
}

/**
 * out[t] = a[t] · b[t] split over the pool, for products of ≥ threadThreshold.matmul multiply-adds with m ≥ 8 and
 * n ≥ 2; false (nothing written) when the split is off, too small, no worker is ready, or memory is exhausted.
 */
export function threadedMatmul(a: TypedArray, b: TypedArray, out: TypedArray, m: number, k: number, n: number, aOffsets: Int32Array, bOffsets: Int32Array, workBytes: number): boolean {
  if (requested <= 1 || m * k * n < threadThreshold.matmul || m < 8 || n < 2) return false;
  const got = acquireWorkers();
  if (!got) return false;
  const { p, workers } = got;
  const f64 = a instanceof Float64Array, es = f64 ? 8 : 4;
  if (!ensureWork(p, workers, workBytes)) return false;
  const sa = p.resident.stage(a);
  if (!sa) return false;
  const sb = p.resident.stage(b);
  if (!sb) { p.resident.release(sa); return false; }
  const outPtr = p.heap.alloc(out.byteLength);
  if (outPtr < 0) { p.resident.release(sa); p.resident.release(sb); return false; }
  const threads = workers.length + 1;
  const chunk = gemmChunkRows(m, threads);
  // at most one worker per chunk beyond the one this thread takes
  const used = Math.min(workers.length, Math.ceil(m / chunk) - 1);
  const ctr = new Int32Array(p.memory.buffer, p.counter, 1);
  let failed = false;
  for (let t = 0; t < aOffsets.length; t++) {
    const pa = sa.ptr + aOffsets[t] * es, pb = sb.ptr + bOffsets[t] * es, pc = outPtr + t * m * n * es;
    Atomics.store(ctr, 0, 0);
    for (let i = 0; i < used; i++) {
      const c = workers[i].ctl;
      c[OP] = OP_GEMM; c[A] = pa; c[B] = pb; c[C] = pc; c[M] = m; c[K] = k; c[N] = n; c[WORK] = workers[i].work; c[F64] = f64 ? 1 : 0; c[CHUNK] = chunk; c[CTR] = p.counter;
      post(workers[i]);
    }
    for (;;) { // this thread's share: the same loop as GEMM_CHUNKS
      const r = Atomics.add(ctr, 0, chunk);
      if (r >= m) break;
      const rows = Math.min(chunk, m - r);
      if (f64) p.ex.gemm_f64(pa + r * k * es, pb, pc + r * n * es, rows, k, n, p.mainWork);
      else p.ex.gemm_f32(pa + r * k * es, pb, pc + r * n * es, rows, k, n, p.mainWork);
    }
    const t0 = performance.now();
    for (let i = 0; i < used; i++) if (!join(workers[i])) failed = true;
    waitedMs += performance.now() - t0;
  }
  const mem = p.memory.buffer;
  if (!failed) { if (f64) out.set(new Float64Array(mem, outPtr, out.length)); else out.set(new Float32Array(mem, outPtr, out.length)); }
  p.heap.free(outPtr);
  p.resident.release(sa);
  p.resident.release(sb);
  if (failed) throw new TracetapeError('matmul', 'a kernel worker failed while computing its rows');
  splits++;
  return true;
}

/** Per-thread scratch of a bootstrap job: the Philox kernels' 8 KiB (as philox.ts), then n byte counters if used. */
const BOOTSTRAP_SCRATCH = 8192;

/** The calling thread's share of a bootstrap job: the same loop as the workers' bootstrapLoop (worker-source.ts). */
function bootstrapLoop(ex: KernelExports, memory: WebAssembly.Memory, args: readonly number[]): void {
  const [data, n, k0, k1, rlo, rhi, count, out, scratch, counter, grain, counts] = args;
  const ctr = new Int32Array(memory.buffer, counter, 1);
  for (;;) {
    const j = Atomics.add(ctr, 0, grain);
    if (j >= count) return;
    const r = (rlo >>> 0) + j;
    ex.bootstrap_means_f64(data, n, k0, k1, r, rhi + (r >= 4294967296 ? 1 : 0), Math.min(grain, count - j), out + 8 * j, scratch, counts);
  }
}

/**
 * out[j] = mean of resample start + j of `data` (the fused kernel bootstrap_means_f64, indices from the uniform stream
 * of foldIn(key, start + j)) split over up to `threads` threads (the calling one included, at most 64) sharing the
 * pool's memory: the pool grows to threads − 1 workers whatever setWasmThreads asked for, and the job uses those ready
 * (in Node also starting ones, waited for). Resamples are handed out dynamically, each computed whole by one thread,
 * so the results are identical for any thread count. False (nothing written) when the pool is unavailable, no worker is
 * ready (a browser whose workers are still starting), or its memory cannot hold the data; throws when a worker failed.
 */
export function threadedBootstrapMeans(data: Float64Array, k0: number, k1: number, start: number, out: Float64Array, threads: number, useCounts: boolean): boolean {
  threads = Math.min(threads, MAX_THREADS);
  const grown = ensurePool(threads);
  if (!grown) return false;
  if (grown.workers.length < threads - 1) resize(grown, threads - 1); // grow only: never stops the matmul split's workers
  const got = acquireWorkers(threads);
  if (!got) return false;
  const { p, workers } = got;
  const n = data.length, count = out.length;
  const sd = p.resident.stage(data);
  if (!sd) return false;
  const outPtr = p.heap.alloc(8 * count);
  const per = BOOTSTRAP_SCRATCH + (useCounts ? Math.ceil(n / 64) * 64 : 0);
  const scratch = outPtr >= 0 ? p.heap.alloc(per * (workers.length + 1)) : -1;
  if (scratch < 0) {
    if (outPtr >= 0) p.heap.free(outPtr);
    p.resident.release(sd);
    return false;
  }
  if (useCounts) new Uint8Array(p.memory.buffer, scratch, per * (workers.length + 1)).fill(0);
  Atomics.store(new Int32Array(p.memory.buffer, p.counter, 1), 0, 0); // the gemm chunk counter: jobs never overlap
  const grain = Math.max(1, Math.floor(65536 / n));
  const rlo = start % 4294967296, rhi = (start - rlo) / 4294967296;
  const args = [sd.ptr, n, k0, k1, rlo, rhi, count, outPtr, 0, p.counter, grain, 0];
  const SCRATCH = BOOTSTRAP_ARGS.indexOf('scratch'), COUNTS = BOOTSTRAP_ARGS.indexOf('counts');
  for (let i = 0; i < workers.length; i++) {
    const c = workers[i].ctl;
    args[SCRATCH] = scratch + per * (i + 1);
    args[COUNTS] = useCounts ? args[SCRATCH] + BOOTSTRAP_SCRATCH : 0;
    for (let a = 0; a < args.length; a++) c[ARGS + a] = args[a];
    c[OP] = OP_BOOTSTRAP;
    post(workers[i]);
  }
  args[SCRATCH] = scratch;
  args[COUNTS] = useCounts ? scratch + BOOTSTRAP_SCRATCH : 0;
  bootstrapLoop(p.ex, p.memory, args);
  let failed = false;
  for (const w of workers) if (!join(w)) failed = true;
  if (!failed) out.set(new Float64Array(p.memory.buffer, outPtr, count));
  p.heap.free(outPtr);
  p.heap.free(scratch);
  p.resident.release(sd);
  if (failed) throw new TracetapeError('random.fillBootstrapMeans', 'a kernel worker failed while computing its resamples');
  return true;
}
