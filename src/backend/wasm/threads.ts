/**
 * Optional multi-core gemm (Node): a reused pool of worker_threads that share one WebAssembly memory (a
 * SharedArrayBuffer) with the main thread. A large product is split by rows of A into one 4-row-aligned slab per
 * thread; each thread packs its own panels (own work buffer and scratch tile) and the main thread computes a slab too,
 * then waits on the workers with Atomics.wait. Off by default: `setWasmThreads(n)` or env TRACETAPE_WASM_THREADS=n
 * turns it on (n threads in all); products under `threadThreshold.matmul` multiply-adds stay on one thread.
 * Browsers: not available (the main thread may not block on Atomics.wait); the single-threaded kernels run there.
 * The pool's shared memory has its own allocator and resident cache (same policy as the single-threaded one).
 */
import type { TypedArray } from '../../tensor/dtype.js';
import { KERNELS_SHARED_WASM_BASE64 } from './kernels.generated.js';
import { decodeBase64, simdSupported, type KernelExports } from './module.js';
import { WasmHeap } from './heap.js';
import { ResidentArrays } from './resident.js';

/** Multiply-adds (m·k·n per batch) from which a product is split over the threads. Mutable. */
export const threadThreshold = { matmul: 128 * 128 * 128 };

/** Control words of one worker (Int32Array over a SharedArrayBuffer). */
const STATE = 0, A = 1, B = 2, C = 3, M = 4, K = 5, N = 6, WORK = 7, F64 = 8;
/** Worker states. */
const IDLE = 0, POSTED = 1, DONE = 2;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { bytes, memory, control, tile } = workerData;
const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
ex.set_tile(tile);
const c = new Int32Array(control);
for (;;) {
  let s;
  while ((s = Atomics.load(c, ${STATE})) !== ${POSTED}) Atomics.wait(c, ${STATE}, s);
  (c[${F64}] ? ex.gemm_f64 : ex.gemm_f32)(c[${A}], c[${B}], c[${C}], c[${M}], c[${K}], c[${N}], c[${WORK}]);
  Atomics.store(c, ${STATE}, ${DONE});
  Atomics.notify(c, ${STATE});
}
`;

interface WorkerSlot { ctl: Int32Array; work: number }
interface Pool {
  ex: KernelExports;
  memory: WebAssembly.Memory;
  heap: WasmHeap;
  resident: ResidentArrays;
  mainWork: number;
  workers: WorkerSlot[];
  workBytes: number;
}

function envThreads(): number {
  const env = typeof process === 'object' && process !== null && typeof process.env === 'object' ? process.env.TRACETAPE_WASM_THREADS : undefined;
  const n = env === undefined ? 1 : Number.parseInt(env, 10);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

let requested = envThreads();
let pool: Pool | null = null;
let unavailable = '';

interface WorkerLike { unref(): void }
interface WorkerThreadsModule { Worker: new (src: string, opts: { eval: true; workerData: unknown }) => WorkerLike }

function workerThreads(): WorkerThreadsModule | null {
  const p = typeof process === 'object' && process !== null ? (process as unknown as { getBuiltinModule?: (id: string) => unknown }) : null;
  const mod = p?.getBuiltinModule?.('node:worker_threads');
  return mod ? (mod as WorkerThreadsModule) : null;
}

/** Threads (main included) used for large products from now on; 1 turns the split off. Returns the count in effect. */
export function setWasmThreads(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setWasmThreads: n must be a positive integer, received ${n}`);
  requested = n;
  return threadsInEffect();
}

/** Threads requested (setWasmThreads or TRACETAPE_WASM_THREADS; 1 = no split), without starting any pool. */
export function requestedThreads(): number {
  return requested;
}

/** Threads a large product would use now (1 where worker threads or shared memory are unavailable). */
export function threadsInEffect(): number {
  if (requested <= 1) return 1;
  const p = ensurePool();
  return p ? p.workers.length + 1 : 1;
}

/** Why the split is off, or a description of the pool. */
export function threadsStatus(): string {
  const t = threadsInEffect();
  return t > 1 ? `${t} threads for products of ≥ ${threadThreshold.matmul} multiply-adds` : unavailable || 'one thread (setWasmThreads(n) or TRACETAPE_WASM_THREADS=n to split large products)';
}

function ensurePool(): Pool | null {
  if (pool && pool.workers.length + 1 >= requested) return pool;
  if (unavailable) return null;
  const wt = workerThreads();
  if (!wt || typeof SharedArrayBuffer !== 'function' || !simdSupported()) {
    unavailable = 'one thread (worker_threads or SharedArrayBuffer unavailable)';
    return null;
  }
  try {
    if (!pool) {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 32768, shared: true });
      const bytes = decodeBase64(KERNELS_SHARED_WASM_BASE64);
      const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as KernelExports;
      const heap = new WasmHeap(memory, 1024);
      pool = { ex, memory, heap, resident: new ResidentArrays(heap, memory), mainWork: -1, workers: [], workBytes: 0 };
    }
    const bytes = decodeBase64(KERNELS_SHARED_WASM_BASE64);
    while (pool.workers.length + 1 < requested) {
      const tile = pool.heap.alloc(128);
      const control = new SharedArrayBuffer(64);
      const w = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: { bytes, memory: pool.memory, control, tile } });
      w.unref(); // an idle pool never keeps the process alive
      pool.workers.push({ ctl: new Int32Array(control), work: -1 });
    }
    return pool;
  } catch (e) {
    unavailable = `one thread (worker pool failed to start: ${String(e)})`;
    return null;
  }
}

/** Give every thread a packing buffer of `bytes`. */
function ensureWork(p: Pool, bytes: number): boolean {
  if (p.workBytes >= bytes) return true;
  const slots = [{ get: () => p.mainWork, set: (v: number) => { p.mainWork = v; } }, ...p.workers.map((w) => ({ get: () => w.work, set: (v: number) => { w.work = v; } }))];
  for (const s of slots) { if (s.get() >= 0) p.heap.free(s.get()); s.set(-1); }
  p.workBytes = 0;
  for (const s of slots) { const ptr = p.heap.alloc(bytes); if (ptr < 0) return false; s.set(ptr); }
  p.workBytes = bytes;
  return true;
}

/**
 * out[t] = a[t] · b[t] split over the pool, for products of ≥ threadThreshold.matmul multiply-adds with m ≥ 8 and
 * n ≥ 2; false (nothing written) when the split is off, too small, or memory is exhausted.
 */
export function threadedMatmul(a: TypedArray, b: TypedArray, out: TypedArray, m: number, k: number, n: number, aOffsets: Int32Array, bOffsets: Int32Array, workBytes: number): boolean {
  if (requested <= 1 || m * k * n < threadThreshold.matmul || m < 8 || n < 2) return false;
  const p = ensurePool();
  if (!p) return false;
  const f64 = a instanceof Float64Array, es = f64 ? 8 : 4;
  if (!ensureWork(p, workBytes)) return false;
  const sa = p.resident.stage(a);
  if (!sa) return false;
  const sb = p.resident.stage(b);
  if (!sb) { p.resident.release(sa); return false; }
  const outPtr = p.heap.alloc(out.byteLength);
  if (outPtr < 0) { p.resident.release(sa); p.resident.release(sb); return false; }
  const threads = p.workers.length + 1;
  // 4-row-aligned slabs, the remainder on the main thread (the last slab)
  const slab = Math.max(4, Math.ceil(m / threads / 4) * 4);
  for (let t = 0; t < aOffsets.length; t++) {
    const pa = sa.ptr + aOffsets[t] * es, pb = sb.ptr + bOffsets[t] * es, pc = outPtr + t * m * n * es;
    let row = 0, used = 0;
    for (const w of p.workers) {
      if (row + slab >= m) break;
      const c = w.ctl;
      c[A] = pa + row * k * es; c[B] = pb; c[C] = pc + row * n * es; c[M] = slab; c[K] = k; c[N] = n; c[WORK] = w.work; c[F64] = f64 ? 1 : 0;
      Atomics.store(c, STATE, POSTED);
      Atomics.notify(c, STATE);
      row += slab;
      used++;
    }
    if (f64) p.ex.gemm_f64(pa + row * k * es, pb, pc + row * n * es, m - row, k, n, p.mainWork);
    else p.ex.gemm_f32(pa + row * k * es, pb, pc + row * n * es, m - row, k, n, p.mainWork);
    for (let i = 0; i < used; i++) {
      const c = p.workers[i].ctl;
      while (Atomics.load(c, STATE) !== DONE) Atomics.wait(c, STATE, POSTED);
      Atomics.store(c, STATE, IDLE);
    }
  }
  const mem = p.memory.buffer;
  if (f64) out.set(new Float64Array(mem, outPtr, out.length)); else out.set(new Float32Array(mem, outPtr, out.length));
  p.heap.free(outPtr);
  p.resident.release(sa);
  p.resident.release(sb);
  return true;
}
