/**
 * Multi-core stationary kernel products (Node): when threads are requested (setWasmThreads(n) or
 * TRACETAPE_WASM_THREADS=n, the same switch as the gemm split), a product of ≥ `kernelThreadThreshold.pairs` kernel
 * pairs (the square case x1 = x2: from 3 threads on, since one thread there already halves the work) is split by rows of x1 into one contiguous slab per thread; n − 1 worker_threads and the main thread run
 * kprod_f64 on one shared WebAssembly memory (points, vectors and product are staged there once), each with its own
 * work area, and the main thread waits on the workers with Atomics.wait. The pool is created on first use and reused;
 * its workers are unref'd (an idle pool never keeps the process alive). Browsers: not available (the single-threaded
 * kernel runs there).
 */
import type { TypedArray } from '../../tensor/dtype.js';
import { KERNELS_SHARED_WASM_BASE64 } from './kernels.generated.js';
import { decodeBase64, simdSupported, type KernelExports } from './module.js';
import { WasmHeap } from './heap.js';
import { ResidentArrays, type Staged } from './resident.js';
import { requestedThreads } from './threads.js';
import { callKprod, kernelWorkBytes, stageF64, type ProfileShape } from './kernel-profile.js';

/** Kernel pairs (n·m) from which a product is split over the threads (with at least 8 rows). Mutable. */
export const kernelThreadThreshold = { pairs: 1 << 18 };

/** Control block of one worker: Int32 state word, then 4 float64 (a, c0, c1, c2), then 12 int32 arguments. */
const CONTROL_BYTES = 112;
const IDLE = 0, POSTED = 1, DONE = 2;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { bytes, memory, control } = workerData;
const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
const st = new Int32Array(control, 0, 1), f = new Float64Array(control, 16, 4), a = new Int32Array(control, 48, 12);
for (;;) {
  let s;
  while ((s = Atomics.load(st, 0)) !== ${POSTED}) Atomics.wait(st, 0, s);
  ex.kprod_f64(a[0], f[0], f[1], f[2], f[3], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]);
  Atomics.store(st, 0, ${DONE});
  Atomics.notify(st, 0);
}
`;

interface Slot { st: Int32Array; f: Float64Array; a: Int32Array }
interface KernelPool { ex: KernelExports; memory: WebAssembly.Memory; heap: WasmHeap; resident: ResidentArrays; workers: Slot[] }

interface WorkerLike { unref(): void }
interface WorkerThreadsModule { Worker: new (src: string, opts: { eval: true; workerData: unknown }) => WorkerLike }

let pool: KernelPool | null = null;
let unavailable = '';

function workerThreads(): WorkerThreadsModule | null {
  const p = typeof process === 'object' && process !== null ? (process as unknown as { getBuiltinModule?: (id: string) => unknown }) : null;
  const mod = p?.getBuiltinModule?.('node:worker_threads');
  return mod ? (mod as WorkerThreadsModule) : null;
}

/** The pool with `threads − 1` workers (grown on demand), or null where worker threads or shared memory are missing. */
function ensurePool(threads: number): KernelPool | null {
  if (pool && pool.workers.length + 1 >= threads) return pool;
  if (unavailable) return null;
  const wt = workerThreads();
  if (!wt || typeof SharedArrayBuffer !== 'function' || !simdSupported()) {
    unavailable = 'worker_threads or SharedArrayBuffer unavailable';
    return null;
  }
  try {
    const bytes = decodeBase64(KERNELS_SHARED_WASM_BASE64);
    if (!pool) {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 32768, shared: true });
      const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as KernelExports;
      const heap = new WasmHeap(memory, 1024);
      pool = { ex, memory, heap, resident: new ResidentArrays(heap, memory), workers: [] };
    }
    while (pool.workers.length + 1 < threads) {
      const control = new SharedArrayBuffer(CONTROL_BYTES);
      const w = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: { bytes, memory: pool.memory, control } });
      w.unref();
      pool.workers.push({ st: new Int32Array(control, 0, 1), f: new Float64Array(control, 16, 4), a: new Int32Array(control, 48, 12) });
    }
    return pool;
  } catch (e) {
    unavailable = `worker pool failed to start: ${String(e)}`;
    return null;
  }
}

/**
 * The kernel product split over the pool (see the file comment); false (nothing written) when threads are off, the
 * product is small, or memory is exhausted, and the caller runs the single-threaded kernel.
 */
export function threadedKernelProduct(shape: ProfileShape, x1: TypedArray, x2: TypedArray, v: TypedArray, out: TypedArray, n: number, m: number, d: number, c: number): boolean {
  const threads = Math.min(requestedThreads(), Math.floor(n / 4));
  if (threads <= 1 || n * m < kernelThreadThreshold.pairs) return false;
  // the square case on one thread evaluates each unordered pair once (kprod_sym_f64): as fast as 2 threads splitting
  // every pair, on one core; the split pays off from 3 threads on
  if (x1 === x2 && n === m && threads < 3) return false;
  const p = ensurePool(threads);
  if (!p) return false;
  const { heap, resident, memory } = p;
  const staged: Staged[] = [];
  const allocated: number[] = [];
  const done = (ok: boolean): boolean => {
    for (const s of staged) resident.release(s);
    for (const a of allocated) heap.free(a);
    return ok;
  };
  const s1 = stageF64(resident, heap, memory, x1);
  if (!s1) return done(false);
  staged.push(s1);
  let s2 = s1;
  if (x2 !== x1) {
    const t = stageF64(resident, heap, memory, x2);
    if (!t) return done(false);
    staged.push(s2 = t);
  }
  const sv = stageF64(resident, heap, memory, v);
  if (!sv) return done(false);
  staged.push(sv);
  const outPtr = heap.alloc(n * c * 8);
  if (outPtr < 0) return done(false);
  allocated.push(outPtr);
  const workBytes = kernelWorkBytes(d, c);
  const works: number[] = [];
  for (let t = 0; t < threads; t++) {
    const w = heap.alloc(workBytes);
    if (w < 0) return done(false);
    allocated.push(w);
    works.push(w);
  }
  // contiguous slabs of rows, multiples of 4 (the kernel's row block); the main thread takes the last one
  const slab = Math.ceil(n / threads / 4) * 4;
  let row = 0, used = 0;
  for (const w of p.workers) {
    if (used + 1 >= threads || row + slab >= n) break;
    w.f[0] = shape.a; w.f[1] = shape.c0; w.f[2] = shape.c1; w.f[3] = shape.c2;
    const a = w.a;
    a[0] = shape.mode; a[1] = shape.deg; a[2] = s1.ptr; a[3] = s2.ptr; a[4] = sv.ptr; a[5] = outPtr;
    a[6] = m; a[7] = d; a[8] = c; a[9] = works[used]; a[10] = row; a[11] = row + slab;
    Atomics.store(w.st, 0, POSTED);
    Atomics.notify(w.st, 0);
    row += slab;
    used++;
  }
  callKprod(p.ex, shape, s1.ptr, s2.ptr, sv.ptr, outPtr, m, d, c, works[used], row, n);
  for (let i = 0; i < used; i++) {
    const st = p.workers[i].st;
    while (Atomics.load(st, 0) !== DONE) Atomics.wait(st, 0, POSTED);
    Atomics.store(st, 0, IDLE);
  }
  out.set(new Float64Array(memory.buffer, outPtr, n * c));
  return done(true);
}

/** Why the kernel-product split is off, or the pool's size. */
export function kernelThreadsStatus(): string {
  if (requestedThreads() <= 1) return 'one thread';
  return pool ? `${pool.workers.length + 1} threads for kernel products of ≥ ${kernelThreadThreshold.pairs} pairs` : unavailable || 'pool not started yet';
}
