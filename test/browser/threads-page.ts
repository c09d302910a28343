/**
 * The page (and the module Web Worker) of the browser threads test (threads.browser.ts bundles it with the import of
 * ../../src/index.js rewritten to ./tracetape.browser.js, the real browser bundle). `runThreadsSuite` turns on 2
 * threads, checks that float64 products of odd sizes split over the Web Worker pool equal the single-threaded results
 * bit for bit (and a plain-JS reference to rounding), and times a 1,024 matmul with 1 and 2 threads. On the page it
 * runs on the main thread (spin-wait) and is exposed as `window.__threads`; loaded as a module worker it runs there
 * (Atomics.wait) when sent any message and posts its report back. It also checks random.fillBootstrapMeans on 2 threads
 * (the bootstrap job of the same pool) against 1 thread, and a kernel-matrix product (ops.kernelMatvec with Y, split
 * by rows: the kernel-product job of the same pool) against 1 thread.
 */
import * as tt from '../../src/index.js';

/** One product checked: sizes, whether the threaded result equals the single-threaded one, error vs plain JS. */
export interface SizeCheck { m: number; k: number; n: number; identical: boolean; maxAbsDiff: number; refError: number; refBound: number; jobsDone: number; splitsDone: number }

/** One bootstrap check: fillBootstrapMeans on 2 threads (the pool) against 1 thread, and the worker's bootstrap jobs. */
export interface BootstrapCheck { n: number; count: number; identical: boolean; jobsDone: number }

/** The kernel-product check: a 600 × 500 Matérn-5/2 cross-covariance product on 2 threads against 1 thread. */
export interface KernelCheck { identical: boolean; jobsDone: number; kernelSplitsDone: number }

/** What a run reports back to the test. */
export interface ThreadsReport {
  context: 'page' | 'worker';
  crossOriginIsolated: boolean;
  threadsReady: number;
  startMs: number;
  info: tt.WasmThreadsInfo;
  checks: SizeCheck[];
  bootstrap: BootstrapCheck[];
  kernel: KernelCheck;
  timing: { n: number; single: number[]; threaded: number[]; identical: boolean; speedup: number; waitedMs: number; workerRows: number };
}

/** Seeded values in [-0.5, 0.5) (LCG; fixed seeds keep every run identical). */
function fill(seed: number, len: number): Float64Array {
  let s = (seed * 2654435761 + 12345) >>> 0;
  const a = new Float64Array(len);
  for (let i = 0; i < len; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; a[i] = s / 4294967296 - 0.5; }
  return a;
}

function product(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  return tt.matmul(tt.tensor(a, { shape: [m, k] }), tt.tensor(b, { shape: [k, n] })).data() as Float64Array;
}

/** Plain-JS float64 reference (i-p-j loops) and the bound k·2⁻⁵²·Σ|a||b| on the rounding error of any summation order. */
function reference(a: Float64Array, b: Float64Array, m: number, k: number, n: number): { c: Float64Array; bound: number } {
  const c = new Float64Array(m * n), abs = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      for (let j = 0; j < n; j++) { c[i * n + j] += aip * b[p * n + j]; abs[i * n + j] += Math.abs(aip * b[p * n + j]); }
    }
  }
  let bound = 0;
  for (let i = 0; i < abs.length; i++) bound = Math.max(bound, abs[i]);
  return { c, bound: 2 * k * 2 ** -52 * bound };
}

const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const jobs = (): number => tt.wasmThreadsInfo().jobs.reduce((s, j) => s + j, 0);

/** Run the whole check in this context (page main thread or worker). */
export async function runThreadsSuite(repeats = 5): Promise<ThreadsReport> {
  const t0 = performance.now();
  tt.setWasmThreads(2);
  const threadsReady = await tt.wasmThreadsReady();
  const startMs = performance.now() - t0;
  // odd sizes above the split threshold (128³ multiply-adds): uneven slabs, remainders of 1–3 rows, k across blocks
  const sizes: [number, number, number][] = [[129, 131, 133], [257, 515, 17], [301, 77, 203], [1021, 33, 65]];
  const checks: SizeCheck[] = [];
  let seed = 1;
  for (const [m, k, n] of sizes) {
    const a = fill(seed++, m * k), b = fill(seed++, k * n);
    tt.setWasmThreads(1);
    const single = product(a, b, m, k, n);
    tt.setWasmThreads(2);
    const jobs0 = jobs(), splits0 = tt.wasmThreadsInfo().splits;
    const threaded = product(a, b, m, k, n);
    const jobsDone = jobs() - jobs0, splitsDone = tt.wasmThreadsInfo().splits - splits0;
    const ref = reference(a, b, m, k, n);
    let maxAbsDiff = 0, refError = 0, identical = true;
    for (let i = 0; i < single.length; i++) {
      if (!Object.is(single[i], threaded[i])) identical = false;
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(single[i] - threaded[i]));
      refError = Math.max(refError, Math.abs(threaded[i] - ref.c[i]));
    }
    checks.push({ m, k, n, identical, maxAbsDiff, refError, refBound: ref.bound, jobsDone, splitsDone });
  }
  // timing: 1,024 float64 matmul, one and two threads interleaved (tt.matmul's full cost: staging, kernels, copy out)
  const N = 1024, a = fill(100, N * N), b = fill(101, N * N);
  const single: number[] = [], threaded: number[] = [];
  let waitedMs = 0, workerRows = 0;
  let c1: Float64Array = new Float64Array(0), c2: Float64Array = new Float64Array(0);
  for (const threads of [1, 2]) { tt.setWasmThreads(threads); product(a, b, N, N, N); } // warm both paths (residency, work buffers)
  for (let r = 0; r < repeats; r++) {
    tt.setWasmThreads(1);
    let t = performance.now(); c1 = product(a, b, N, N, N); single.push(performance.now() - t);
    tt.setWasmThreads(2);
    const w0 = tt.wasmThreadsInfo().waitedMs, r0 = tt.wasmThreadsInfo().rows[0];
    t = performance.now(); c2 = product(a, b, N, N, N); threaded.push(performance.now() - t);
    waitedMs += tt.wasmThreadsInfo().waitedMs - w0;
    workerRows += tt.wasmThreadsInfo().rows[0] - r0;
  }
  let identical = c1.length === c2.length;
  for (let i = 0; identical && i < c1.length; i++) identical = Object.is(c1[i], c2[i]);
  const info = tt.wasmThreadsInfo();
  // bootstrap resample means on the same pool (threads = 2, still requested): gather kernel (n = 999) and byte-counter
  // kernel (n = 20,000 ≥ philoxThresholds.bootstrapCounts); resamples are computed whole by one thread, so bit-equal
  const bootstrap: BootstrapCheck[] = [];
  const key = tt.random.key(7);
  for (const [n, count] of [[999, 200], [20_000, 40]]) {
    const x = fill(200 + n, n);
    const one = new Float64Array(count), two = new Float64Array(count);
    tt.random.fillBootstrapMeans(key, x, one, { start: 3, threads: 1 });
    const jobs0 = jobs();
    tt.random.fillBootstrapMeans(key, x, two, { start: 3, threads: 2 });
    bootstrap.push({ n, count, identical: one.every((v, i) => Object.is(v, two[i])), jobsDone: jobs() - jobs0 });
  }
  // kernel-matrix product on the same pool: 600 · 500 = 300,000 pairs ≥ kernelThreadThreshold.pairs (2^18), not square
  // (the square case splits only from 3 threads); rows are computed whole by one thread, so bit-equal
  const X = tt.tensor(fill(300, 600 * 4), { shape: [600, 4] }), Y = tt.tensor(fill(301, 500 * 4), { shape: [500, 4] });
  const v = tt.tensor(fill(302, 500 * 3), { shape: [500, 3] });
  const kmv = (): Float64Array => tt.ops.kernelMatvec(v, { X, Y, lengthscale: 0.7, kernel: 'matern52' }).data() as Float64Array;
  tt.setWasmThreads(1);
  const k1 = kmv();
  tt.setWasmThreads(2);
  const kj0 = jobs(), ks0 = tt.wasmThreadsInfo().kernelSplits;
  const k2 = kmv();
  const kernel: KernelCheck = { identical: k1.every((x, i) => Object.is(x, k2[i])), jobsDone: jobs() - kj0, kernelSplitsDone: tt.wasmThreadsInfo().kernelSplits - ks0 };
  const report: ThreadsReport = {
    context: typeof window === 'undefined' ? 'worker' : 'page',
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    threadsReady, startMs, info, checks, bootstrap, kernel,
    timing: { n: N, single, threaded, identical, speedup: median(single) / median(threaded), waitedMs, workerRows },
  };
  tt.terminateWasmThreads();
  return report;
}

/** Run the suite in a module Web Worker loaded from this same script. */
function runInWorker(): Promise<ThreadsReport> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<ThreadsReport | { error: string }>) => { w.terminate(); if ('error' in e.data) reject(new Error(e.data.error)); else resolve(e.data); };
    w.onerror = (e) => { w.terminate(); reject(new Error(`worker: ${e.message}`)); };
    w.postMessage('run');
  });
}

/** What the page exposes to the test. */
export interface ThreadsPageApi { runHere(repeats: number): Promise<ThreadsReport>; runInWorker(): Promise<ThreadsReport> }

if (typeof window === 'undefined') {
  const scope = globalThis as unknown as { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: unknown): void };
  scope.onmessage = () => {
    runThreadsSuite().then((r) => scope.postMessage(r), (e: unknown) => scope.postMessage({ error: String(e instanceof Error ? e.stack ?? e.message : e) }));
  };
} else {
  (window as unknown as { __threads: ThreadsPageApi }).__threads = { runHere: runThreadsSuite, runInWorker };
}
