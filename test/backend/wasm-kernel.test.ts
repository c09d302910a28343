/**
 * The WebAssembly SIMD stationary kernel product (src/backend/wasm/kernel-product.ts, wat/kernel.wat) against the plain
 * TypeScript loops of the cpu backend (kernelProductTS): every family and profile order the forward pass and the VJPs
 * use, odd sizes across the kernel's blocking boundaries, the symmetric x1 = x2 case, ARD lengthscales through
 * tt.ops.kernelMatvec against a dense reference, NaN/Inf propagation, float32 arrays, the vectorised exp's accuracy,
 * the worker-thread split, the resident cache, and gradients (checkGrads) through the wasm path.
 */
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { kernelProductTS } from '../../src/backend/cpu/stationary.js';
import { wasmRuntime } from '../../src/backend/wasm/matmul.js';
import {
  wasmKernelProduct, kernelWasmThresholds, kernelThreadThreshold, setWasmThreads, wasmAvailable, residentStats, wasmThreadsInfo,
} from '../../src/backend/wasm/index.js';
import type { StationaryFamily } from '../../src/backend/index.js';

/** Seeded values in [-0.5, 0.5) (LCG; fixed seeds keep every run identical). */
function rng(seed: number): () => number {
  let s = (seed * 2654435761 + 12345) >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296 - 0.5; };
}

function fill(r: () => number, len: number, scale = 1): Float64Array {
  const a = new Float64Array(len);
  for (let i = 0; i < len; i++) a[i] = scale * r();
  return a;
}

/** Family and every profile order the forward pass (0) and the VJPs (1, 2 for second derivatives, 3 for RBF) use. */
const CASES: [StationaryFamily, number][] = [['rbf', 0], ['rbf', 1], ['rbf', 2], ['rbf', 3], ['matern32', 0], ['matern32', 1], ['matern52', 0], ['matern52', 1], ['matern52', 2]];

/**
 * Max over entries of |wasm − ts| / (Σ_j |φ_ij||v_jq| + tiny): the error relative to the sum of the magnitudes of the
 * terms, which is what a float64 sum in a different order can guarantee (|error| ≲ m·ε·Σ|terms|).
 */
function relToTerms(family: StationaryFamily, order: number, x1: Float64Array, x2: Float64Array, v: Float64Array, a: ArrayLike<number>, b: ArrayLike<number>, n: number, m: number, d: number, c: number): number {
  const absV = v.map(Math.abs);
  const mag = new Float64Array(n * c);
  kernelProductTS(family, order, x1, x2 === x1 ? x1.slice() : x2, absV, mag, n, m, d, c);
  let worst = 0;
  for (let i = 0; i < n * c; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (Math.abs(mag[i]) + 1e-300));
  return worst;
}

describe('backend: wasm stationary kernel product', function () {
  const saved = { pairs: kernelWasmThresholds.pairs, threads: kernelThreadThreshold.pairs };
  before(function () {
    if (!wasmAvailable()) this.skip(); // no WebAssembly SIMD in this engine: the TypeScript path is the only one
    kernelWasmThresholds.pairs = 0; // every size on the wasm kernel, however small
  });
  after(() => {
    kernelWasmThresholds.pairs = saved.pairs;
    kernelThreadThreshold.pairs = saved.threads;
    setWasmThreads(1);
  });

  it('matches the TypeScript loops for every family and order on odd sizes (n, m = 1, 3, 17, 129; d = 1, 3, 8; c = 1, 5, 16), x1 = x2 or not', () => {
    const r = rng(1);
    // [n, m, same]: same = x2 is x1 (the square product: kprod_sym_f64 and the TypeScript symmetric loop)
    const shapes: [number, number, boolean][] = [[1, 1, false], [1, 1, true], [3, 17, false], [17, 3, false], [3, 3, true], [17, 17, true], [129, 129, false], [129, 129, true], [1, 129, false], [129, 1, false]];
    let worst = 0;
    for (const [family, order] of CASES) for (const [n, m, same] of shapes) for (const d of [1, 3, 8]) for (const c of [1, 5, 16]) {
      const x1 = fill(r, n * d, 2), x2 = same ? x1 : fill(r, m * d, 2), v = fill(r, m * c);
      const a = new Float64Array(n * c), b = new Float64Array(n * c);
      kernelProductTS(family, order, x1, x2, v, a, n, m, d, c);
      expect(wasmKernelProduct(family, order, x1, x2, v, b, n, m, d, c)).to.equal(true);
      worst = Math.max(worst, relToTerms(family, order, x1, x2, v, a, b, n, m, d, c));
    }
    // Same float64 arithmetic for r² (bit-identical), exp within 1 ulp of the TypeScript exp's ~1.5 ulp, sums in a
    // different order: a few units of 1e-16 relative to Σ|terms|; 1e-14 leaves a wide margin but catches any wrong
    // term (which would be O(1) relative).
    expect(worst).to.be.below(1e-14);
  });

  it('crosses the blocking boundaries (256-row chunks, 128-column blocks) and handles x1 = x2 (the TypeScript symmetric path)', () => {
    const r = rng(2);
    let worst = 0;
    for (const [family, order] of CASES) {
      for (const [n, m, d, c] of [[300, 257, 3, 5], [261, 261, 2, 2], [5, 300, 8, 3]]) {
        const x1 = fill(r, n * d, 3), x2 = n === m ? x1 : fill(r, m * d, 3), v = fill(r, m * c);
        const a = new Float64Array(n * c), b = new Float64Array(n * c);
        kernelProductTS(family, order, x1, x2, v, a, n, m, d, c);
        expect(wasmKernelProduct(family, order, x1, x2, v, b, n, m, d, c)).to.equal(true);
        worst = Math.max(worst, relToTerms(family, order, x1, x2, v, a, b, n, m, d, c));
      }
    }
    expect(worst).to.be.below(1e-14); // as above
  });

  it('d = 0 (every distance 0) gives φ(0)·Σ_j v_j', () => {
    const v = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const out = new Float64Array(4);
    expect(wasmKernelProduct('matern52', 1, new Float64Array(0), new Float64Array(0), v, out, 2, 3, 0, 2)).to.equal(true);
    // φ_1(0) = −5/3 for Matérn-5/2; Σ_j v_j = (9, 12) per column
    expect(Array.from(out).map((x) => +x.toFixed(12))).to.deep.equal([-15, -20, -15, -20]);
  });

  it('ARD lengthscales through tt.ops.kernelMatvec agree with a dense float64 reference', () => {
    const r = rng(3);
    const n = 129, d = 3, c = 5;
    const X = tt.tensor(fill(r, n * d, 4), { shape: [n, d] }), V = tt.tensor(fill(r, n * c), { shape: [n, c] });
    const ls = [0.7, 1.3, 2.1];
    for (const kernel of ['rbf', 'matern32', 'matern52'] as const) {
      const out = tt.ops.kernelMatvec(V, { X, lengthscale: tt.tensor(ls), variance: 1.4, noise: 0.2, kernel })._data;
      const x = X._data, v = V._data;
      let worst = 0;
      for (let i = 0; i < n; i++) for (let q = 0; q < c; q++) {
        let s = 0, mag = 0;
        for (let j = 0; j < n; j++) {
          let r2 = 0;
          for (let k = 0; k < d; k++) { const t = (x[i * d + k] - x[j * d + k]) / ls[k]; r2 += t * t; }
          const rr = Math.sqrt(r2);
          const kij = kernel === 'rbf' ? Math.exp(-0.5 * r2) : kernel === 'matern32' ? (1 + Math.sqrt(3) * rr) * Math.exp(-Math.sqrt(3) * rr)
            : (1 + Math.sqrt(5) * rr + (5 / 3) * r2) * Math.exp(-Math.sqrt(5) * rr);
          s += 1.4 * kij * v[j * c + q] + (i === j ? 0.2 * v[j * c + q] : 0);
          mag += Math.abs(1.4 * kij * v[j * c + q]);
        }
        worst = Math.max(worst, Math.abs(out[i * c + q] - s) / mag);
      }
      // float64 both ways, different (but mathematically equal) operation orders and exps: ≤ 1e-14 relative to Σ|terms|.
      expect(worst, kernel).to.be.below(1e-14);
    }
  });

  it('propagates NaN and Inf like the TypeScript loops (same NaN pattern, same finite values)', () => {
    const r = rng(4);
    const n = 17, m = 19, d = 3, c = 5;
    for (const [family, order] of CASES) {
      const x1 = fill(r, n * d), x2 = fill(r, m * d), v = fill(r, m * c);
      x1[2 * d + 1] = NaN;       // row 2 of x1: every distance NaN
      x1[5 * d] = Infinity;      // row 5: distance ∞ to every point (k = 0 for RBF; 0·∞ = NaN where the profile has s·e^{−s})
      x2[4 * d + 2] = -Infinity; // column 4 of the kernel: distance ∞ to every row
      x1[7 * d] = Infinity; x2[9 * d] = Infinity; // ∞ − ∞ = NaN for the pair (7, 9)
      v[11 * c + 3] = Infinity;  // an infinite vector entry: ∞·φ, or NaN where φ = 0
      v[12 * c + 1] = NaN;
      const a = new Float64Array(n * c), b = new Float64Array(n * c);
      kernelProductTS(family, order, x1, x2, v, a, n, m, d, c);
      wasmKernelProduct(family, order, x1, x2, v, b, n, m, d, c);
      for (let i = 0; i < n * c; i++) {
        if (Number.isNaN(a[i])) { expect(b[i], `${family}/${order} entry ${i}`).to.be.NaN; continue; }
        if (!Number.isFinite(a[i])) { expect(b[i], `${family}/${order} entry ${i}`).to.equal(a[i]); continue; }
        expect(Math.abs(a[i] - b[i]), `${family}/${order} entry ${i}`).to.be.below(1e-13 * (1 + Math.abs(a[i])));
      }
    }
  });

  it('float32 arrays: computed in float64 and rounded once (at least as accurate as the TypeScript loops)', () => {
    const r = rng(5);
    const n = 33, m = 29, d = 3, c = 5;
    const x1 = Float32Array.from(fill(r, n * d, 2)), x2 = Float32Array.from(fill(r, m * d, 2)), v = Float32Array.from(fill(r, m * c));
    const x1d = Float64Array.from(x1), x2d = Float64Array.from(x2), vd = Float64Array.from(v);
    for (const [family, order] of CASES) {
      const ts = new Float32Array(n * c), b = new Float32Array(n * c), ref = new Float64Array(n * c), mag = new Float64Array(n * c);
      kernelProductTS(family, order, x1, x2, v, ts, n, m, d, c);
      kernelProductTS(family, order, x1d, x2d, vd, ref, n, m, d, c);
      kernelProductTS(family, order, x1d, x2d, vd.map(Math.abs), mag, n, m, d, c);
      expect(wasmKernelProduct(family, order, x1, x2, v, b, n, m, d, c)).to.equal(true);
      for (let i = 0; i < n * c; i++) {
        // the float64 result (1e-14·Σ|terms| from the reference) rounded once to float32 (half an ulp, 2^-24 relative)
        expect(Math.abs(b[i] - ref[i]), `${family}/${order}`).to.be.at.most(Math.abs(ref[i]) * 2 ** -24 + 1e-14 * Math.abs(mag[i]));
        // the TypeScript loops accumulate into the float32 output (one rounding per term): m·2^-24·Σ|terms|
        expect(Math.abs(ts[i] - ref[i]), `${family}/${order}`).to.be.at.most(m * 2 ** -24 * Math.abs(mag[i]) + 1e-30);
      }
    }
  });

  it('vectorised exp: within 1 ulp (≤ 2.3e-16 relative) of Math.exp on [−708.39, 0], 1 subnormal ulp below, exact specials', () => {
    const rt = wasmRuntime()!;
    const N = 200001;
    const t = rt.heap.alloc(N * 8), o = rt.heap.alloc(N * 8);
    try {
      const r = rng(6);
      const tv = new Float64Array(rt.k.memory.buffer, t, N);
      for (let i = 0; i < N; i++) tv[i] = i < 100000 ? -708.39 * i / 99999 : i < 190000 ? -0.7 * (r() + 0.5) : -708.4 - 37 * (r() + 0.5);
      rt.k.kp_exp_f64(t, o, N); // N odd: the scalar tail is exercised
      const ov = new Float64Array(rt.k.memory.buffer, o, N);
      let rel = 0, sub = 0;
      for (let i = 0; i < N; i++) {
        const e = Math.exp(tv[i]);
        if (tv[i] >= -708.39) rel = Math.max(rel, Math.abs(ov[i] - e) / e);
        else sub = Math.max(sub, Math.abs(ov[i] - e));
      }
      // 2^-52 = 2.22e-16 is one ulp at the bottom of a binade; Math.exp itself is not correctly rounded, so the
      // difference of two ≤ 1-ulp approximations is bounded by ~1.5 ulp; measured: 2.22e-16.
      expect(rel).to.be.below(2.3e-16);
      expect(sub).to.be.at.most(5e-324); // one ulp of the subnormal range
      const specials = [0, -0, -1e-300, -745.1, -745.2, -746, -1e300, -Infinity, NaN];
      tv.set(specials);
      rt.k.kp_exp_f64(t, o, specials.length);
      expect(Array.from(ov.subarray(0, specials.length))).to.deep.equal(specials.map(Math.exp));
    } finally {
      rt.heap.free(t);
      rt.heap.free(o);
    }
  });

  it('declines (returns false, writes nothing) below the size threshold and for orders the family lacks', () => {
    const x = fill(rng(7), 8), v = fill(rng(8), 8), out = new Float64Array(8);
    kernelWasmThresholds.pairs = 65;
    try {
      expect(wasmKernelProduct('rbf', 0, x, x, v, out, 8, 8, 1, 1)).to.equal(false); // 64 pairs
    } finally {
      kernelWasmThresholds.pairs = 0;
    }
    expect(wasmKernelProduct('matern32', 2, x, x, v, out, 8, 8, 1, 1)).to.equal(false);
    expect(wasmKernelProduct('matern52', 3, x, x, v, out, 8, 8, 1, 1)).to.equal(false);
    expect(Array.from(out)).to.deep.equal(new Array(8).fill(0));
  });

  it('keeps points that come back resident in wasm memory (second use on)', () => {
    const r = rng(9);
    const n = 1200, d = 8; // 76.8 KB of points: above the cache's 64 KiB minimum
    const x = fill(r, n * d), v = fill(r, n), out = new Float64Array(n);
    const before = residentStats()!;
    for (let k = 0; k < 3; k++) wasmKernelProduct('rbf', 0, x, x, v, out, n, n, d, 1);
    const after = residentStats()!;
    expect(after.hits - before.hits).to.be.at.least(1); // third call: served from the cache
  });

  it('worker-thread split: the same result, bit for bit, as one thread (rows are independent)', function () {
    if (setWasmThreads(2) < 2) this.skip(); // no worker_threads / SharedArrayBuffer here
    const r = rng(10);
    kernelThreadThreshold.pairs = 0;
    try {
      for (const [family, order] of [['rbf', 0], ['matern52', 1], ['matern32', 0]] as [StationaryFamily, number][]) {
        // the last shape is square with x2 = x1: with 2 threads it runs the one-thread symmetric kernel (declines the split)
        for (const [n, m, d, c] of [[9, 5, 2, 3], [131, 77, 8, 16], [301, 300, 3, 1], [150, 150, 3, 5]]) {
          const x1 = fill(r, n * d, 2), x2 = n === m ? x1 : fill(r, m * d, 2), v = fill(r, m * c);
          const threaded = new Float64Array(n * c), single = new Float64Array(n * c);
          expect(wasmKernelProduct(family, order, x1, x2, v, threaded, n, m, d, c)).to.equal(true);
          setWasmThreads(1);
          wasmKernelProduct(family, order, x1, x2, v, single, n, m, d, c);
          setWasmThreads(2);
          expect(Array.from(threaded)).to.deep.equal(Array.from(single));
        }
      }
    } finally {
      setWasmThreads(1);
      kernelThreadThreshold.pairs = saved.threads;
    }
  });

  it('worker-thread split runs on the shared wasm pool (one pool, the gemm workers count its jobs) and stays bit-identical', function () {
    if (setWasmThreads(3) < 3) this.skip(); // no worker_threads / SharedArrayBuffer here
    kernelThreadThreshold.pairs = 0;
    try {
      const r = rng(12);
      const before = wasmThreadsInfo();
      // square x1 = x2 with 3 threads: split (every pair on each thread) against the one-thread symmetric kernel;
      // n = 403 is not a multiple of the chunk, so the last chunk is partial
      for (const [n, m, same] of [[403, 403, true], [517, 260, false]] as [number, number, boolean][]) {
        const d = 5, c = 3;
        const x1 = fill(r, n * d, 2), x2 = same ? x1 : fill(r, m * d, 2), v = fill(r, m * c);
        const threaded = new Float64Array(n * c), single = new Float64Array(n * c);
        expect(wasmKernelProduct('matern52', 0, x1, x2, v, threaded, n, m, d, c)).to.equal(true);
        setWasmThreads(1);
        wasmKernelProduct('matern52', 0, x1, x2, v, single, n, m, d, c);
        setWasmThreads(3);
        if (!same) expect(Array.from(threaded)).to.deep.equal(Array.from(single));
        else { // symmetric kernel vs full pairs: different summation order, so compare to rounding (relative to terms)
          expect(relToTerms('matern52', 0, x1, x2, v, threaded, single, n, m, d, c)).to.be.below(1e-13);
        }
      }
      const after = wasmThreadsInfo();
      expect(after.kernelSplits - before.kernelSplits).to.equal(2);
      expect(after.poolsCreated).to.equal(before.poolsCreated === 0 ? 1 : before.poolsCreated); // no second pool
      expect(after.workers).to.be.at.least(2);
      const jobsBefore = before.jobs.length === after.jobs.length ? before.jobs : after.jobs.map(() => 0);
      // both products had ≥ 2 chunks per worker, so each of the 2 workers was posted both jobs
      expect(after.jobs.slice(0, 2).map((j, i) => j - jobsBefore[i])).to.deep.equal([2, 2]);
    } finally {
      setWasmThreads(1);
      kernelThreadThreshold.pairs = saved.threads;
    }
  });

  for (const kernel of ['rbf', 'matern32', 'matern52'] as const) {
    it(`${kernel}: gradients of kernelMatvec through the wasm path pass checkGrads (v, X, ARD ℓ, variance, noise)`, () => {
      const r = rng(11);
      const n = 9, d = 2, c = 3;
      const u = tt.tensor(fill(r, n * c), { shape: [n, c] });
      const f = (v: tt.Tensor, X: tt.Tensor, ls: tt.Tensor, s: tt.Tensor, noise: tt.Tensor): tt.Tensor =>
        tt.sum(tt.mul(u, tt.ops.kernelMatvec(v, { X, lengthscale: ls, variance: s, noise, kernel })));
      const args = [tt.tensor(fill(r, n * c), { shape: [n, c] }), tt.tensor(fill(r, n * d, 2), { shape: [n, d] }), tt.tensor([0.7, 1.3]), tt.tensor(1.5), tt.tensor(0.2)];
      // Central differences with eps 1e-6 in float64 are accurate to ~1e-9 relative; 1e-6 leaves margin.
      const res = tt.testing.checkGrads(f as (...a: never[]) => tt.Tensor, args, { rtol: 1e-6 });
      expect(res.firstOrderError).to.be.below(1e-6);
    });
  }

  it('rbf and matern52: second-order gradients through the wasm path pass checkGrads', () => {
    const r = rng(12);
    const n = 6, d = 2;
    const u = tt.tensor(fill(r, n)), v = tt.tensor(fill(r, n));
    for (const kernel of ['rbf', 'matern52'] as const) {
      const f = (X: tt.Tensor, ls: tt.Tensor): tt.Tensor => tt.dot(u, tt.ops.kernelMatvec(v, { X, lengthscale: ls, kernel }));
      // second order by differences of first-order gradients: ~1e-7 accurate; 1e-5 as in test/linops.
      const res = tt.testing.checkGrads(f as (...a: never[]) => tt.Tensor, [tt.tensor(fill(r, n * d, 2), { shape: [n, d] }), tt.tensor(0.8)], { order: 2, rtol: 1e-5 });
      expect(res.firstOrderError).to.be.below(1e-6);
    }
  });

  it('gradients via wasm equal gradients via the TypeScript loops (to summation order)', () => {
    const r = rng(13);
    const n = 40, d = 3, c = 4;
    const X = tt.tensor(fill(r, n * d, 3), { shape: [n, d] }), V = tt.tensor(fill(r, n * c), { shape: [n, c] }), U = tt.tensor(fill(r, n * c), { shape: [n, c] });
    const g = (): Float64Array[] => (tt.grad((Xa: tt.Tensor, ls: tt.Tensor, Va: tt.Tensor) =>
      tt.sum(tt.mul(U, tt.ops.kernelMatvec(Va, { X: Xa, lengthscale: ls, variance: 0.9, kernel: 'matern52' }))), { argnums: [0, 1, 2] })(X, tt.tensor([0.8, 1.1, 1.7]), V) as tt.Tensor[])
      .map((t) => t._data as Float64Array);
    const viaWasm = g();
    kernelWasmThresholds.pairs = Infinity;
    let viaTs: Float64Array[];
    try { viaTs = g(); } finally { kernelWasmThresholds.pairs = 0; }
    for (let k = 0; k < 3; k++) {
      const scale = Math.max(...Array.from(viaTs[k], Math.abs));
      for (let i = 0; i < viaTs[k].length; i++) expect(Math.abs(viaWasm[k][i] - viaTs[k][i])).to.be.below(1e-12 * scale);
    }
  });
});
