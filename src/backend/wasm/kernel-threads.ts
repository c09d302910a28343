/**
 * Multi-core stationary kernel products, a job kind (OP_KPROD) of the one worker pool of threads.ts: when threads are
 * requested (setWasmThreads(n) or TRACETAPE_WASM_THREADS=n, the same switch as the gemm split), a product of
 * ≥ `kernelThreadThreshold.pairs` kernel pairs (the square case x1 = x2: from 3 threads on, since one thread there
 * already halves the work) is split by rows of x1 into 4-row-aligned chunks that the calling thread and the pool's
 * workers take from the pool's shared counter, each running kprod_f64 with its own work area on the pool's shared
 * memory (points, vectors and product staged there; points that come back stay resident in the pool's cache). Node
 * worker_threads or browser Web Workers, the calling thread blocking or spinning as for gemm (threads.ts).
 */
import type { TypedArray } from '../../tensor/dtype.js';
import { TracetapeError } from '../../util/errors.js';
import type { KernelExports } from './module.js';
import { acquireWorkers, join, noteKernelSplit, post, requestedThreads, threadsInEffect } from './threads.js';
import { ARGS, KPROD_ARGS, OP, OP_KPROD } from './worker-source.js';
import { kernelWorkBytes, releaseStaged, stageOperands, type ProfileShape } from './kernel-profile.js';

/** Kernel pairs (n·m) from which a product is split over the threads (with at least 8 rows). Mutable. */
export const kernelThreadThreshold = { pairs: 1 << 18 };

/**
 * Rows per chunk: a multiple of 4 (the kernel's row block, so every row's arithmetic equals the single-threaded run),
 * about four chunks per thread (a thread slowed by other load takes fewer), at least 64 rows unless n is small (each
 * call re-packs x2 per 256-row chunk: d·m copies against rows·m·d distance terms and rows·m exps).
 */
function kernelChunkRows(n: number, threads: number): number {
  const ceil4 = (x: number): number => Math.max(4, Math.ceil(x / 4) * 4);
  return Math.max(Math.min(64, ceil4(n / threads)), ceil4(n / (4 * threads)));
}

/** The calling thread's share: the same loop as the workers' kprodChunks (worker-source.ts). */
function kprodLoop(ex: KernelExports, memory: WebAssembly.Memory, args: readonly number[]): void {
  const [mode, deg, x1, x2, v, out, m, d, c, work, n, chunk, counter, params] = args;
  const f = new Float64Array(memory.buffer, params, 4);
  const ctr = new Int32Array(memory.buffer, counter, 1);
  for (;;) {
    const r = Atomics.add(ctr, 0, chunk);
    if (r >= n) return;
    ex.kprod_f64(mode, f[0], f[1], f[2], f[3], deg, x1, x2, v, out, m, d, c, work, r, Math.min(n, r + chunk));
  }
}

/**
 * The kernel product split over the pool (see the file comment); false (nothing written) when threads are off, the
 * product is small, no worker is ready (a browser whose workers are still starting), or the pool's memory is
 * exhausted, and the caller runs the single-threaded kernel. Throws when a worker failed.
 */
export function threadedKernelProduct(shape: ProfileShape, x1: TypedArray, x2: TypedArray, v: TypedArray, out: TypedArray, n: number, m: number, d: number, c: number): boolean {
  const wanted = Math.min(requestedThreads(), Math.floor(n / 4));
  if (wanted <= 1 || n * m < kernelThreadThreshold.pairs) return false;
  const square = x1 === x2 && n === m;
  // the square case on one thread evaluates each unordered pair once (kprod_sym_f64): as fast as 2 threads splitting
  // every pair, on one core; the split pays off from 3 threads on
  if (square && wanted < 3) return false;
  const got = acquireWorkers(wanted);
  if (!got) return false;
  const { p } = got;
  const threads = got.workers.length + 1;
  if (square && threads < 3) return false;
  const chunk = kernelChunkRows(n, threads);
  const workers = got.workers.slice(0, Math.ceil(n / chunk) - 1); // at most one worker per chunk beyond this thread's
  const { heap, resident, memory } = p;
  const ops = stageOperands(resident, heap, memory, x1, x2, v);
  if (!ops) return false;
  const allocated: number[] = [];
  const done = (ok: boolean): boolean => {
    releaseStaged(resident, ops.staged);
    for (const a of allocated) heap.free(a);
    return ok;
  };
  const outPtr = heap.alloc(n * c * 8);
  if (outPtr < 0) return done(false);
  allocated.push(outPtr);
  const params = heap.alloc(32);
  if (params < 0) return done(false);
  allocated.push(params);
  new Float64Array(memory.buffer, params, 4).set([shape.a, shape.c0, shape.c1, shape.c2]);
  const workBytes = kernelWorkBytes(d, c);
  const works: number[] = [];
  for (let t = 0; t <= workers.length; t++) {
    const w = heap.alloc(workBytes);
    if (w < 0) return done(false);
    allocated.push(w);
    works.push(w);
  }
  Atomics.store(new Int32Array(memory.buffer, p.counter, 1), 0, 0); // the pool's chunk counter: jobs never overlap
  const args = [shape.mode, shape.deg, ops.x1, ops.x2, ops.v, outPtr, m, d, c, 0, n, chunk, p.counter, params];
  const WORK = KPROD_ARGS.indexOf('work');
  for (let i = 0; i < workers.length; i++) {
    const ctl = workers[i].ctl;
    args[WORK] = works[i + 1];
    for (let a = 0; a < args.length; a++) ctl[ARGS + a] = args[a];
    ctl[OP] = OP_KPROD;
    post(workers[i]);
  }
  args[WORK] = works[0];
  kprodLoop(p.ex, memory, args);
  const t0 = performance.now();
  let failed = false;
  for (const w of workers) if (!join(w)) failed = true;
  noteKernelSplit(performance.now() - t0);
  if (!failed) out.set(new Float64Array(memory.buffer, outPtr, n * c));
  done(true);
  if (failed) throw new TracetapeError('kernelProduct', 'a kernel worker failed while computing its rows');
  return true;
}

/** Why the kernel-product split is off, or how many threads a large kernel product uses. */
export function kernelThreadsStatus(): string {
  const t = threadsInEffect();
  return t > 1 ? `${t} threads (the shared wasm worker pool) for kernel products of ≥ ${kernelThreadThreshold.pairs} pairs` : 'one thread';
}
