/**
 * The worker pool of the wasm kernels in Node (src/backend/wasm/threads.ts, worker-host.ts) through the public API
 * (tt.setWasmThreads, tt.wasmThreadsReady, tt.wasmThreadsInfo, tt.terminateWasmThreads): bad input, one pool created
 * and reused across toggles, growing and shrinking it, the size threshold, results equal to one thread's bit for bit
 * on odd sizes (float64 and float32, batched), the jobs each worker counts itself, bootstrap jobs sharing (and growing)
 * the pool without changing the matmul split's thread count, and that a process with a live pool
 * exits by itself (unref'd workers) — also when started by TRACETAPE_WASM_THREADS. The browser side is tested in
 * test/browser/threads.browser.ts.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as tt from '../../src/index.js';
import { threadThreshold, wasmAvailable, wasmThresholds } from '../../src/backend/wasm/index.js';
import { gemmChunkRows } from '../../src/backend/wasm/threads.js';
import { expectError } from '../support/errors.js';

type Arr = Float64Array | Float32Array;

/** Seeded values in [-0.5, 0.5) (LCG; fixed seeds keep every run identical). */
function fill(seed: number, len: number, f32: boolean): Arr {
  let s = (seed * 2654435761 + 12345) >>> 0;
  const a = f32 ? new Float32Array(len) : new Float64Array(len);
  for (let i = 0; i < len; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; a[i] = s / 4294967296 - 0.5; }
  return a;
}

/** (batch ×) m×k times k×n through tt.matmul on the cpu backend. */
function product(a: Arr, b: Arr, batch: number, m: number, k: number, n: number): Arr {
  const dtype = a instanceof Float32Array ? 'float32' : 'float64';
  const A = tt.tensor(a, { shape: batch > 1 ? [batch, m, k] : [m, k], dtype }), B = tt.tensor(b, { shape: [k, n], dtype });
  return tt.matmul(A, B).data() as Arr;
}

/** Plain-JS reference in float64 and the summation-order bound 2·k·u·max Σ|a||b| (u = unit roundoff of the dtype). */
function referenceError(got: Arr, a: Arr, b: Arr, batch: number, m: number, k: number, n: number): { err: number; bound: number } {
  let err = 0, maxAbs = 0;
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0, abs = 0;
        for (let p = 0; p < k; p++) { const x = a[t * m * k + i * k + p] * b[p * n + j]; s += x; abs += Math.abs(x); }
        err = Math.max(err, Math.abs(got[t * m * n + i * n + j] - s));
        maxAbs = Math.max(maxAbs, abs);
      }
    }
  }
  return { err, bound: 2 * k * (got instanceof Float32Array ? 2 ** -23 : 2 ** -52) * maxAbs };
}

const sameBits = (x: Arr, y: Arr): boolean => x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
const jobs = (): number => tt.wasmThreadsInfo().jobs.reduce((s, j) => s + j, 0);

/** Run `code` (with `tt` = src/index.ts) in a child Node process; returns its stdout. */
function child(code: string, env: Record<string, string> = {}): string {
  const script = `import * as tt from ${JSON.stringify(new URL('../../src/index.ts', import.meta.url).href)};\n${code}`;
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, ...env }, timeout: 60_000, encoding: 'utf8' });
}

describe('wasm kernels split over worker threads (Node)', function () {
  this.timeout(120_000);
  before(function () {
    if (!wasmAvailable()) this.skip(); // no WebAssembly SIMD: the split never runs (wasm.test.ts checks the fallback)
  });
  after(() => tt.terminateWasmThreads());

  it('rejects bad thread counts and timeouts with a TracetapeError', async () => {
    for (const bad of [0, -1, 1.5, 65, Number.NaN, Infinity]) expectError(() => tt.setWasmThreads(bad), 'setWasmThreads', 'integer in [1, 64]');
    expectError(() => tt.setWasmThreads('2' as unknown as number), 'setWasmThreads', 'received string');
    let caught: unknown;
    try { await tt.wasmThreadsReady(-1); } catch (e) { caught = e; }
    expect(caught).to.be.instanceOf(tt.TracetapeError);
    expect(String(caught)).to.contain('wasmThreadsReady: timeoutMs must be a non-negative number');
  });

  it('one pool, created once and reused across setWasmThreads toggles; workers count their own jobs', async () => {
    tt.terminateWasmThreads();
    const before = tt.wasmThreadsInfo();
    expect(before.threads).to.equal(1);
    expect(before.workers).to.equal(0);
    expect(tt.setWasmThreads(2)).to.equal(2); // Node workers are usable at once (a first product waits for their start)
    expect(await tt.wasmThreadsReady()).to.equal(2);
    const info = tt.wasmThreadsInfo();
    expect(info).to.include({ requested: 2, threads: 2, workers: 1, ready: 1, platform: 'node', wait: 'atomics-wait', crossOriginIsolated: undefined });
    expect(info.poolsCreated - before.poolsCreated).to.equal(1);
    expect(info.workersStarted - before.workersStarted).to.equal(1);
    expect(info.status).to.match(/^2 threads for products of ≥ \d+ multiply-adds \(node workers; the calling thread blocks in Atomics\.wait\)$/);
    const a = fill(1, 200 * 150, false), b = fill(2, 150 * 120, false);
    for (let round = 0; round < 3; round++) {
      expect(tt.setWasmThreads(1)).to.equal(1);
      const s0 = tt.wasmThreadsInfo().splits, j0 = jobs();
      const single = product(a, b, 1, 200, 150, 120);
      expect(tt.wasmThreadsInfo().splits).to.equal(s0); // off: no split, and the idle worker did nothing
      expect(jobs()).to.equal(j0);
      expect(tt.wasmThreadsInfo().workers).to.equal(1); // but it stays for reuse
      expect(tt.setWasmThreads(2)).to.equal(2);
      const threaded = product(a, b, 1, 200, 150, 120);
      expect(tt.wasmThreadsInfo().splits).to.equal(s0 + 1);
      expect(jobs()).to.equal(j0 + 1); // the worker computed its slab
      expect(sameBits(single, threaded)).to.equal(true);
    }
    const after = tt.wasmThreadsInfo();
    expect(after.poolsCreated).to.equal(info.poolsCreated);
    expect(after.workersStarted).to.equal(info.workersStarted);
  });

  it('products under threadThreshold.matmul multiply-adds (or with fewer than 8 rows, or matvecs) stay on one thread', () => {
    tt.setWasmThreads(2);
    const t = threadThreshold.matmul;
    expect(t).to.equal(128 ** 3);
    const cases: [number, number, number, boolean][] = [[127, 128, 128, false], [128, 128, 128, true], [7, 1000, 1000, false], [8, 512, 512, true], [4096, 1024, 1, false]];
    for (const [m, k, n, split] of cases) {
      const s0 = tt.wasmThreadsInfo().splits;
      product(fill(m, m * k, false), fill(k, k * n, false), 1, m, k, n);
      expect(tt.wasmThreadsInfo().splits - s0, `${m}x${k}x${n}`).to.equal(split ? 1 : 0);
    }
  });

  it('threaded products equal single-threaded ones bit for bit on odd sizes, both dtypes, batched, and plain JS to rounding', () => {
    const saved = threadThreshold.matmul, savedWasm = wasmThresholds.matmul;
    threadThreshold.matmul = 0; // split the small odd sizes too (m ≥ 8 still required)
    wasmThresholds.matmul = 0; // and run them on the wasm kernels at all
    try {
      const sizes: [number, number, number, number][] = [[1, 9, 17, 3], [1, 13, 5, 2], [1, 129, 131, 133], [1, 261, 515, 13], [3, 37, 29, 16], [2, 301, 77, 203]];
      for (const threads of [2, 3]) {
        for (const f32 of [false, true]) {
          for (const [batch, m, k, n] of sizes) {
            const what = `${threads} threads ${f32 ? 'f32' : 'f64'} ${batch}x${m}x${k}x${n}`;
            const a = fill(m + k, batch * m * k, f32), b = fill(n + 7, k * n, f32);
            tt.setWasmThreads(1);
            const single = product(a, b, batch, m, k, n);
            expect(tt.setWasmThreads(threads)).to.equal(threads);
            const s0 = tt.wasmThreadsInfo().splits;
            const threaded = product(a, b, batch, m, k, n);
            // float64 products with 2–4 columns run one gemv per column (wasm/matmul.ts gemvColumns), never split
            const splits = !f32 && n >= 2 && n <= 4 ? 0 : 1;
            expect(tt.wasmThreadsInfo().splits - s0, what).to.equal(splits);
            // 4-row-aligned slabs keep the row tiling and every dot product's k order: identical bits
            expect(sameBits(single, threaded), what).to.equal(true);
            const { err, bound } = referenceError(threaded, a, b, batch, m, k, n);
            expect(err, what).to.be.at.most(bound);
          }
        }
      }
    } finally {
      threadThreshold.matmul = saved;
      wasmThresholds.matmul = savedWasm;
    }
  });

  it('chunks are 4-row aligned, about four per thread, at least 32 rows; the workers compute a share of a large product', () => {
    expect(gemmChunkRows(1024, 2)).to.equal(128);
    expect(gemmChunkRows(129, 2)).to.equal(32);
    expect(gemmChunkRows(9, 2)).to.equal(8);
    expect(gemmChunkRows(9, 3)).to.equal(4);
    expect(gemmChunkRows(8, 2)).to.equal(4);
    expect(gemmChunkRows(1000, 3)).to.equal(84);
    for (let m = 8; m < 300; m += 7) for (let t = 2; t < 6; t++) expect(gemmChunkRows(m, t) % 4, `${m} ${t}`).to.equal(0);
    tt.setWasmThreads(2);
    const m = 1024, k = 256, n = 1024; // 8 chunks of 128 rows, each ~67 MFLOP: the worker cannot miss them all
    const rows0 = tt.wasmThreadsInfo().rows[0];
    const a = fill(8, m * k, false), b = fill(9, k * n, false);
    const threaded = product(a, b, 1, m, k, n);
    const share = tt.wasmThreadsInfo().rows[0] - rows0;
    expect(share % 4).to.equal(0);
    expect(share).to.be.above(0);
    expect(share).to.be.below(m);
    tt.setWasmThreads(1);
    expect(sameBits(threaded, product(a, b, 1, m, k, n))).to.equal(true);
  });

  it('growing starts workers, shrinking terminates the extra ones, terminateWasmThreads stops all; a new pool after that', async () => {
    tt.setWasmThreads(2);
    const i0 = tt.wasmThreadsInfo();
    expect(tt.setWasmThreads(4)).to.equal(4);
    expect(await tt.wasmThreadsReady()).to.equal(4);
    expect(tt.wasmThreadsInfo().workers).to.equal(3);
    expect(tt.wasmThreadsInfo().workersStarted - i0.workersStarted).to.equal(2);
    const a = fill(5, 256 * 256, false), b = fill(6, 256 * 256, false);
    const j0 = jobs();
    product(a, b, 1, 256, 256, 256);
    expect(jobs() - j0).to.equal(3); // 8 chunks of 32 rows: all three workers take part
    expect(tt.setWasmThreads(2)).to.equal(2);
    expect(tt.wasmThreadsInfo().workers).to.equal(1);
    expect(tt.wasmThreadsInfo().poolsCreated).to.equal(i0.poolsCreated);
    tt.terminateWasmThreads();
    const off = tt.wasmThreadsInfo();
    expect(off).to.include({ requested: 1, threads: 1, workers: 0 });
    expect(off.jobs).to.deep.equal([]);
    expect(tt.setWasmThreads(2)).to.equal(2);
    expect(tt.wasmThreadsInfo().poolsCreated).to.equal(i0.poolsCreated + 1);
    tt.terminateWasmThreads();
  });

  it('bootstrap jobs share the pool: they grow it (never shrink it), the matmul split keeps its requested thread count', () => {
    tt.terminateWasmThreads();
    const key = tt.random.key(3);
    const x = fill(9, 5000, false) as Float64Array;
    const ref = new Float64Array(30), got = new Float64Array(30);
    tt.random.fillBootstrapMeans(key, x, ref, { threads: 1 });
    // split off (requested 1): a 3-thread bootstrap job still creates the pool, with 2 workers, and both take part
    tt.random.fillBootstrapMeans(key, x, got, { threads: 3 });
    expect(Array.from(got)).to.deep.equal(Array.from(ref));
    let info = tt.wasmThreadsInfo();
    expect(info).to.include({ requested: 1, threads: 1, workers: 2 });
    expect(info.jobs).to.deep.equal([1, 1]);
    // requesting 2 threads shrinks the pool to 1 worker; a 2-thread bootstrap job does not change it
    expect(tt.setWasmThreads(2)).to.equal(2);
    tt.random.fillBootstrapMeans(key, x, got, { threads: 2 });
    expect(Array.from(got)).to.deep.equal(Array.from(ref));
    expect(tt.wasmThreadsInfo().jobs).to.deep.equal([2]);
    // a 4-thread job grows it to 3 workers, but products still use the 2 threads asked for (one worker per split)
    tt.random.fillBootstrapMeans(key, x, got, { threads: 4 });
    expect(Array.from(got)).to.deep.equal(Array.from(ref));
    info = tt.wasmThreadsInfo();
    expect(info).to.include({ requested: 2, threads: 2, workers: 3 });
    expect(info.jobs).to.deep.equal([3, 1, 1]);
    const a = fill(11, 256 * 256, false), b = fill(12, 256 * 256, false);
    product(a, b, 1, 256, 256, 256);
    expect(tt.wasmThreadsInfo().jobs).to.deep.equal([4, 1, 1]);
    tt.terminateWasmThreads();
  });

  it('a process with a live pool exits by itself (workers unref\'d), also when TRACETAPE_WASM_THREADS started it', () => {
    const code = `
const n = 300, a = new Float64Array(n * n).fill(0.5);
const A = tt.tensor(a, { shape: [n, n] });
const c = tt.matmul(A, A).data();
const info = tt.wasmThreadsInfo();
console.log(JSON.stringify({ threads: info.threads, splits: info.splits, jobs: info.jobs, c0: c[0] }));
`;
    const t0 = Date.now();
    const fromEnv = JSON.parse(child(code, { TRACETAPE_WASM_THREADS: '2' }));
    expect(fromEnv).to.deep.equal({ threads: 2, splits: 1, jobs: [1], c0: 75 }); // 300 · 0.25, exact
    const fromApi = JSON.parse(child(`tt.setWasmThreads(3);\n${code}`));
    expect(fromApi).to.deep.equal({ threads: 3, splits: 1, jobs: [1, 1], c0: 75 });
    expect(Date.now() - t0).to.be.below(50_000); // execFileSync would have hit its 60 s timeout on a hang
    const bad = JSON.parse(child(code, { TRACETAPE_WASM_THREADS: 'many' }));
    expect(bad).to.deep.equal({ threads: 1, splits: 0, jobs: [], c0: 75 });
  });
});
