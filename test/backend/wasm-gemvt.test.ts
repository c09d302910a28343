/**
 * The transpose-matvec kernels (gemvt_f64 / gemvt_f32, src/backend/wasm/wat/gemvt.wat) against a plain double-loop
 * reference on odd sizes and across their column blocks, with NaN/Inf; the rows-times-matrix path of tt.matmul on
 * transposed and strided (sliced) operands; the wasm-resident row basis (WasmRowBasis) and GramSchmidtRows against the
 * TypeScript projectRows/combineRows; the basis stored in its own wasm memory (WasmBasis: one copy, used by the Lanczos
 * forward and adjoint, released by the garbage collector); and Lanczos/Arnoldi with Gram–Schmidt on the wasm path against the TypeScript path
 * and a dense eigendecomposition.
 */
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { wasmAvailable, WasmRowBasis, residentStats } from '../../src/backend/wasm/index.js';
import { wasmRuntime, wasmMatmul } from '../../src/backend/wasm/matmul.js';
import { gemm } from '../../src/backend/cpu/matmul.js';
import { GramSchmidtRows, allocateBasis, basisOnWasm, combineRows, gramSchmidtThresholds, projectRows } from '../../src/krylov/vectors.js';
import { WasmBasis, wasmBasisStats } from '../../src/backend/wasm/basis-memory.js';
import { rng, f64, relDiff } from './support.js';
import { pairing } from '../krylov/helpers.js';

type Arr = Float64Array | Float32Array;

/** Reference y (k) = y0 + Aᵀx by the definition y_j = y0_j + Σ_i A_ij x_i, accumulated in float64 in row order. */
function reference(A: ArrayLike<number>, x: ArrayLike<number>, y0: ArrayLike<number>, m: number, k: number): Float64Array {
  const y = Float64Array.from(y0);
  for (let j = 0; j < k; j++) {
    let s = y[j];
    for (let i = 0; i < m; i++) s += A[i * k + j] * x[i];
    y[j] = s;
  }
  return y;
}

/** Σ_i |A_ij||x_i| + |y0_j|: the scale of the rounding error of entry j. */
function scaleOf(A: ArrayLike<number>, x: ArrayLike<number>, y0: ArrayLike<number>, m: number, k: number): Float64Array {
  return reference(Array.from(A, Math.abs), Array.from(x, Math.abs), Array.from(y0, Math.abs), m, k);
}

/** Run the kernel on copies of A, x, y0 placed in wasm memory; returns y. */
function runKernel(A: Arr, x: Arr, y0: Arr, m: number, k: number): Arr {
  const rt = wasmRuntime();
  if (!rt) throw new Error('wasm kernels unavailable');
  const f32 = A instanceof Float32Array;
  const es = f32 ? 4 : 8;
  const pa = rt.heap.alloc(Math.max(1, m * k) * es), px = rt.heap.alloc(m * es), py = rt.heap.alloc(k * es);
  const T = f32 ? Float32Array : Float64Array;
  const mem = rt.k.memory.buffer;
  new T(mem, pa, m * k).set(A); new T(mem, px, m).set(x); new T(mem, py, k).set(y0);
  if (f32) rt.k.gemvt_f32(pa, px, py, m, k); else rt.k.gemvt_f64(pa, px, py, m, k);
  const y = new T(rt.k.memory.buffer, py, k).slice();
  rt.heap.free(pa); rt.heap.free(px); rt.heap.free(py);
  return y;
}

function fill(r: () => number, n: number, f32: boolean): Arr {
  const a = f32 ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = r();
  return a;
}

/**
 * Entry-wise bound (m + 2)·u·scale_j: the worst-case rounding bound of an m-term sum in either order (u = 2⁻⁵³, or 2⁻²⁴
 * where the float32 kernel accumulates in float32), doubled for the two orders.
 */
function expectClose(got: Arr, want: Float64Array, scale: Float64Array, m: number, label: string): void {
  const u = got instanceof Float32Array ? 2 ** -24 : 2 ** -53;
  for (let j = 0; j < want.length; j++) {
    const tol = 2 * (m + 2) * u * scale[j] + (got instanceof Float32Array ? 2 * u * Math.abs(want[j]) : 0);
    expect(Math.abs(got[j] - want[j]), `${label}: y[${j}] = ${got[j]} vs ${want[j]}`).to.be.at.most(tol);
  }
}

describe('backend: wasm transpose-matvec (gemvt) and the wasm-resident Gram–Schmidt basis', () => {
  it('the kernels are available (Node ≥ 20 has WebAssembly SIMD)', () => {
    expect(wasmAvailable()).to.equal(true);
  });

  for (const dt of ['float64', 'float32'] as const) {
    const f32 = dt === 'float32';
    it(`${dt} y += Aᵀx on odd sizes (1, 3, 17, 129) and across the 256 KiB column blocks, accumulating into y`, () => {
      const r = rng(f32 ? 31 : 30);
      const block = f32 ? 65536 : 32768; // columns per 256 KiB block
      const sizes: [number, number][] = [];
      for (const m of [1, 3, 4, 5, 17, 129]) for (const k of [1, 2, 3, 5, 17, 129]) sizes.push([m, k]);
      sizes.push([7, block - 1], [6, block], [5, block + 1], [9, 2 * block + 3], [3, 3 * block]);
      for (const [m, k] of sizes) {
        const A = fill(r, m * k, f32), x = fill(r, m, f32), y0 = fill(r, k, f32);
        expectClose(runKernel(A, x, y0, m, k), reference(A, x, y0, m, k), scaleOf(A, x, y0, m, k), m, `${m}×${k}`);
      }
    });

    it(`${dt} NaN and ±Inf propagate to exactly the columns the definition says (no skipped zero coefficients)`, () => {
      const r = rng(f32 ? 41 : 40);
      for (const [m, k] of [[5, 9], [17, 129], [4, f32 ? 65537 : 32769]]) {
        const A = fill(r, m * k, f32), x = fill(r, m, f32), y0 = fill(r, k, f32);
        A[2 * k + 3] = NaN; // column 3 → NaN
        A[1 * k + (k - 1)] = Infinity; // last column → ±Inf
        x[m - 1] = 0;
        A[(m - 1) * k + 1] = Infinity; // 0·Inf: column 1 → NaN
        y0[0] = -Infinity;
        const got = runKernel(A, x, y0, m, k), want = reference(A, x, y0, m, k);
        for (let j = 0; j < k; j++) {
          if (Number.isFinite(want[j])) continue;
          expect(Object.is(got[j], want[j]) || (Number.isNaN(got[j]) && Number.isNaN(want[j])), `${m}×${k} y[${j}] = ${got[j]} vs ${want[j]}`).to.equal(true);
        }
        for (const j of [0, 1, 3, k - 1]) expect(Number.isFinite(want[j]), `column ${j} is non-finite`).to.equal(false);
        for (let j = 0; j < k; j++) if (Number.isFinite(want[j])) expect(Number.isFinite(got[j])).to.equal(true);
      }
    });

    it(`${dt} tt.matmul of a row vector (or < 4 rows) times transposed and strided matrices runs gemvt and matches the definition`, () => {
      const r = rng(f32 ? 51 : 50);
      for (const [m, k] of [[17, 129], [129, 17], [40, 129]]) {
        const B = tt.tensor(fill(r, k * m, f32), { shape: [k, m], dtype: dt });
        const At = tt.transpose(B); // m×k, a transposed operand (materialised by transpose)
        const wide = tt.tensor(fill(r, m * (2 * k + 1), f32), { shape: [m, 2 * k + 1], dtype: dt });
        const As = tt.slice(wide, [0, 1], [m, k]); // m×k, columns 1…k of a wider matrix (a strided view's values)
        for (const A of [At, As]) {
          for (const rows of [1, 2, 3]) {
            const X = tt.tensor(fill(r, rows * m, f32), { shape: [rows, m], dtype: dt });
            const copies = residentStats()!.copies;
            const Y = rows === 1 ? tt.matmul(tt.reshape(X, [m]), A) : tt.matmul(X, A);
            // operands were staged into wasm memory: the kernels ran (matrices < 64 KiB are never declined on first sight)
            expect(residentStats()!.copies, 'wasm kernels ran').to.be.above(copies);
            const a = A.data(), xs = X.data(), got = Y.data();
            for (let i = 0; i < rows; i++) {
              const xi = xs.subarray(i * m, (i + 1) * m), zero = new Float64Array(k);
              expectClose(got.subarray(i * k, (i + 1) * k) as Arr, reference(a, xi, zero, m, k), scaleOf(a, xi, zero, m, k), m, `${rows} rows, ${m}×${k}`);
            }
          }
        }
      }
    });
  }

  it('float64 batched matvec with 2–4 right-hand sides (one gemv per column) matches the TypeScript gemm: odd sizes, batches, NaN/Inf', () => {
    const r = rng(80);
    for (const [m, k] of [[4, 513], [17, 129], [129, 17], [130, 131]]) {
      for (const n of [2, 3, 4]) {
        const batches = 2;
        const A = fill(r, batches * m * k, false), B = fill(r, k * n, false);
        const aOff = Int32Array.of(0, m * k), bOff = Int32Array.of(0, 0); // the second batch broadcasts B
        if (m === 130) { A[5 * k + 2] = NaN; B[7 * n + (n - 1)] = Infinity; }
        const got = new Float64Array(batches * m * n), want = new Float64Array(batches * m * n);
        expect(wasmMatmul(A, B, got, m, k, n, aOff, bOff), `wasm took ${m}×${k}×${n}`).to.equal(true);
        for (let t = 0; t < batches; t++) gemm(A, aOff[t], B, bOff[t], want, t * m * n, m, k, n);
        const absA = Float64Array.from(A, Math.abs), absB = Float64Array.from(B, Math.abs), scale = new Float64Array(batches * m * n);
        for (let t = 0; t < batches; t++) gemm(absA, aOff[t], absB, bOff[t], scale, t * m * n, m, k, n);
        for (let i = 0; i < got.length; i++) {
          if (!Number.isFinite(want[i])) {
            expect(Object.is(got[i], want[i]) || (Number.isNaN(got[i]) && Number.isNaN(want[i])), `${m}×${k}×${n} [${i}] = ${got[i]} vs ${want[i]}`).to.equal(true);
            continue;
          }
          // k-term dot products in two orders: |error| ≤ 2(k + 2)u·(|A||B|)_i
          expect(Math.abs(got[i] - want[i]), `${m}×${k}×${n} [${i}]`).to.be.at.most(2 * (k + 2) * 2 ** -53 * scale[i]);
        }
        if (m === 130) expect(Number.isNaN(got[5 * n])).to.equal(true);
      }
    }
  });

  it('WasmRowBasis: project / combine / orthogonalize equal projectRows / combineRows on the same rows; dispose is final', () => {
    const r = rng(60);
    const K = 13, n = 1031;
    const Q = f64(r, K * n), w = f64(r, n), coef = f64(r, K);
    const basis = WasmRowBasis.create(K, n);
    expect(basis).to.not.equal(null);
    for (let j = 0; j < K; j++) basis!.setRow(j, Q, j * n);
    for (const rows of [1, 4, 7, K]) {
      const h = new Float64Array(K), hRef = new Float64Array(K);
      basis!.project(rows, w, h);
      projectRows(Q, rows, n, w, hRef);
      // dot products of length n: |error| ≤ 2(n + 2)u Σ|q||w| ≤ 2(n + 2)u·n·max|q||w| ≈ 3e-10 here; observed far below
      for (let j = 0; j < rows; j++) expect(Math.abs(h[j] - hRef[j])).to.be.below(1e-12);
      const w1 = w.slice(), w2 = w.slice();
      basis!.combine(rows, coef, w1, -1);
      combineRows(Q, rows, n, coef, w2, -1);
      for (let i = 0; i < n; i++) expect(Math.abs(w1[i] - w2[i])).to.be.below(1e-14);
    }
    const w1 = w.slice(), h1 = new Float64Array(K);
    basis!.orthogonalize(K, w1, h1, 2);
    const w2 = w.slice(), s = new Float64Array(K), h2 = new Float64Array(K);
    for (let p = 0; p < 2; p++) { projectRows(Q, K, n, w2, s); combineRows(Q, K, n, s, w2, -1); for (let j = 0; j < K; j++) h2[j] += s[j]; }
    for (let i = 0; i < n; i++) expect(Math.abs(w1[i] - w2[i])).to.be.below(1e-12);
    for (let j = 0; j < K; j++) expect(Math.abs(h1[j] - h2[j])).to.be.below(1e-12);
    const used = wasmRuntime()!.heap.usedBytes();
    basis!.dispose();
    expect(wasmRuntime()!.heap.usedBytes()).to.be.below(used);
    basis!.dispose(); // idempotent
    expect(() => basis!.project(1, w, new Float64Array(K))).to.throw(/after dispose/);
  });

  it('GramSchmidtRows: orthogonalize / project / combine on the wasm path (float64, long rows) and the TypeScript path agree; float32 rows stay on TypeScript', () => {
    const r = rng(61);
    const K = 9, n = 700;
    const Q = f64(r, K * n), w0 = f64(r, n);
    const saved = gramSchmidtThresholds.wasmMinLength;
    try {
      const results = [256, Infinity].map((limit) => {
        gramSchmidtThresholds.wasmMinLength = limit;
        const gs = new GramSchmidtRows(Q, K, n);
        expect(gs.onWasm).to.equal(limit === 256);
        for (let j = 0; j < K; j++) gs.rowWritten(j);
        const w = w0.slice(), h = new Float64Array(K);
        gs.orthogonalize(K, w, h, 2);
        const p = new Float64Array(K), wc = w0.slice();
        gs.project(5, w0, p);
        gs.combine(6, Float64Array.from(p), wc, -0.5);
        gs.dispose();
        return { w, h, p, wc };
      });
      // sums of ≤ n products of O(1) values in two orders: differences of a few ulps of n, far below 1e-12
      for (let i = 0; i < n; i++) expect(Math.abs(results[0].w[i] - results[1].w[i])).to.be.below(1e-12);
      for (let j = 0; j < K; j++) expect(Math.abs(results[0].h[j] - results[1].h[j])).to.be.below(1e-12);
      for (let j = 0; j < K; j++) expect(Math.abs(results[0].p[j] - results[1].p[j])).to.be.below(1e-12);
      for (let i = 0; i < n; i++) expect(Math.abs(results[0].wc[i] - results[1].wc[i])).to.be.below(1e-12);
      gramSchmidtThresholds.wasmMinLength = 1;
      const gs32 = new GramSchmidtRows(Float32Array.from(Q), K, n);
      expect(gs32.onWasm).to.equal(false);
      gs32.dispose();
      gramSchmidtThresholds.wasmMaxBytes = 8 * K * n - 1; // a basis over the byte cap stays on TypeScript
      expect(new GramSchmidtRows(Q, K, n).onWasm).to.equal(false);
    } finally {
      gramSchmidtThresholds.wasmMinLength = saved;
      gramSchmidtThresholds.wasmMaxBytes = 2 ** 30;
    }
  });

  describe('Krylov forward passes with Gram–Schmidt on the wasm-resident basis', () => {
    let saved = 0;
    beforeEach(() => { saved = gramSchmidtThresholds.wasmMinLength; });
    afterEach(() => { gramSchmidtThresholds.wasmMinLength = saved; });

    /** A(θ) = L + diag(θ) on a side×side grid (laplacian2d), θ seeded. */
    function operator(side: number, seed: number): { matvec: (v: tt.Tensor, th: tt.Tensor) => tt.Tensor; theta: tt.Tensor; v0: tt.Tensor } {
      const n = side * side, lap = tt.ops.laplacian2d(side, side, { spacing: 1 }), k = tt.ones([n]);
      const r = rng(seed);
      return { matvec: (v, th) => tt.add(lap(v, k), tt.mul(th, v)), theta: tt.tensor(f64(r, n, 0.5)), v0: tt.tensor(f64(r, n)) };
    }

    /** Pull back the pairing of run(v0, θ) with cts, counting the wasm-basis products of each pass and the mirrors made. */
    interface Counted { Q: Float64Array; fwd: number; bwd: number; mirrors: number; grads: tt.Tensor[] }
    function pullbackCounted(limit: number, run: (v: tt.Tensor, th: tt.Tensor) => Record<string, tt.Tensor>, cts: Record<string, tt.Tensor>, v0: tt.Tensor, theta: tt.Tensor): Counted {
      gramSchmidtThresholds.wasmMinLength = limit;
      // count the mirrors (second copies of the basis in the shared kernels heap) made in either pass
      let mirrors = 0;
      const create = WasmRowBasis.create;
      WasmRowBasis.create = (rows: number, len: number): WasmRowBasis | null => { mirrors++; return create.call(WasmRowBasis, rows, len); };
      try {
        const p0 = wasmBasisStats.products;
        let Q: Float64Array | null = null;
        const [, pb] = tt.vjp((v: tt.Tensor, th: tt.Tensor) => {
          const res = run(v, th);
          Q = res.Q._data as Float64Array;
          return pairing(res, cts);
        }, v0, theta);
        const p1 = wasmBasisStats.products;
        const grads = pb(tt.tensor(1)) as tt.Tensor[];
        return { Q: Q!, fwd: p1 - p0, bwd: wasmBasisStats.products - p1, mirrors, grads };
      } finally {
        WasmRowBasis.create = create;
      }
    }

    it('lanczos (reortho full, n = 324 ≥ the wasm threshold): α, β, Q, residual agree with the TypeScript path to 1e-12 relative', () => {
      const { matvec, theta, v0 } = operator(18, 70);
      const run = (limit: number): tt.krylov.LanczosResult => {
        gramSchmidtThresholds.wasmMinLength = limit;
        return tt.krylov.lanczos(matvec, v0, theta, { depth: 60, reortho: 'full' });
      };
      const a = run(256), b = run(Infinity);
      // same arithmetic up to the order of the Gram–Schmidt sums (~1e-16 per step); 60 steps of a well-conditioned
      // iteration amplify it only mildly, so 1e-12 relative to each output's size is a safe bound
      for (const key of ['alphas', 'betas', 'Q', 'residual'] as const) {
        const x = a[key].data(), y = b[key].data();
        let d = 0, s = 0;
        for (let i = 0; i < x.length; i++) { d = Math.max(d, Math.abs(x[i] - y[i])); s = Math.max(s, Math.abs(y[i])); }
        expect(d / s, key).to.be.below(1e-12);
      }
    });

    it('lanczos at full depth on the wasm path (every size): eigenvalues of T equal a dense eigh, Q orthonormal to 1e-13', () => {
      gramSchmidtThresholds.wasmMinLength = 1;
      const { matvec, theta, v0 } = operator(6, 71);
      const n = 36;
      const res = tt.krylov.lanczos(matvec, v0, theta, { depth: n, reortho: 'full' });
      const cols = tt.stack(Array.from({ length: n }, (_, i) => matvec(tt.tensor(Float64Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))), theta)));
      const Aeig = tt.linalg.eigh(cols).values._data;
      const a = res.alphas._data, b = res.betas._data;
      const T = new Float64Array(n * n);
      for (let i = 0; i < n; i++) { T[i * n + i] = a[i]; if (i + 1 < n) { T[i * n + i + 1] = b[i]; T[(i + 1) * n + i] = b[i]; } }
      const Teig = tt.linalg.eigh(tt.tensor(T, { shape: [n, n] })).values._data;
      const scale = Math.max(...Array.from(Aeig, Math.abs));
      // eigenvalues are determined to ~n·u·‖A‖ by the Lanczos relation with full reorthogonalisation
      for (let i = 0; i < n; i++) expect(Math.abs(Teig[i] - Aeig[i]) / scale).to.be.below(1e-12);
      const Q = res.Q._data;
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let p = 0; p < n; p++) s += Q[i * n + p] * Q[j * n + p];
        expect(Math.abs(s - (i === j ? 1 : 0))).to.be.below(1e-13);
      }
    });

    it('arnoldi (reortho full and none, n = 400): H, Q agree with the TypeScript path to 1e-12 relative', () => {
      const { matvec, theta, v0 } = operator(20, 72);
      for (const reortho of ['full', 'none'] as const) {
        const run = (limit: number): tt.krylov.ArnoldiResult => {
          gramSchmidtThresholds.wasmMinLength = limit;
          return tt.krylov.arnoldi(matvec, v0, theta, { depth: 30, reortho });
        };
        const a = run(256), b = run(Infinity);
        for (const key of ['H', 'Q', 'residual'] as const) {
          const x = a[key].data(), y = b[key].data();
          let d = 0, s = 0;
          for (let i = 0; i < x.length; i++) { d = Math.max(d, Math.abs(x[i] - y[i])); s = Math.max(s, Math.abs(y[i])); }
          expect(d / s, `${reortho} ${key}`).to.be.below(1e-12);
        }
      }
    });

    it('WasmBasis / allocateBasis: a zeroed view over its own wasm memory; project / combine (any leading row) equal projectRows / combineRows; no mirror without mirror', () => {
      const K = 7, n = 300;
      const Q = allocateBasis('float64', K, n) as Float64Array;
      expect(basisOnWasm(Q)).to.equal(true);
      expect(Q.buffer).to.not.equal(wasmRuntime()!.k.memory.buffer); // not the shared kernels heap: its own memory
      expect(Q.every((x) => x === 0)).to.equal(true);
      const r = rng(62);
      Q.set(f64(r, K * n));
      const plain = Q.slice();
      expect(basisOnWasm(plain)).to.equal(false);
      const gs = new GramSchmidtRows(Q, K, n), gsTs = new GramSchmidtRows(plain, K, n, false);
      expect([gs.inPlace, gs.onWasm, gsTs.onWasm]).to.deep.equal([true, true, false]);
      const w0 = f64(r, n), coef = f64(r, K);
      for (const row0 of [0, 2]) {
        const rows = K - row0;
        const h1 = new Float64Array(rows), h2 = new Float64Array(rows);
        WasmBasis.of(Q)!.project(row0, rows, w0, h1);
        projectRows(plain.subarray(row0 * n), rows, n, w0, h2);
        const w1 = w0.slice(), w2 = w0.slice();
        gs.combine(rows, coef, w1, -0.5, row0);
        gsTs.combine(rows, coef, w2, -0.5, row0);
        // the same ≤ n-term sums in two orders: a few ulps, far below 1e-12
        for (let j = 0; j < rows; j++) expect(Math.abs(h1[j] - h2[j])).to.be.below(1e-12);
        for (let i = 0; i < n; i++) expect(Math.abs(w1[i] - w2[i])).to.be.below(1e-12);
      }
      // a row of the basis itself as the vector: read in place
      const h3 = new Float64Array(K), h4 = new Float64Array(K);
      gs.project(K, Q.subarray(3 * n, 4 * n), h3);
      projectRows(plain, K, n, plain.subarray(3 * n, 4 * n), h4);
      for (let j = 0; j < K; j++) expect(Math.abs(h3[j] - h4[j])).to.be.below(1e-12);
      // below the length threshold, in float32, or over the byte cap: a plain array
      expect(basisOnWasm(allocateBasis('float64', K, 100))).to.equal(false);
      expect(allocateBasis('float32', K, n)).to.be.instanceOf(Float32Array);
      const savedMax = gramSchmidtThresholds.wasmMaxBytes;
      try {
        gramSchmidtThresholds.wasmMaxBytes = 8 * K * n - 1;
        expect(basisOnWasm(allocateBasis('float64', K, n))).to.equal(false);
      } finally {
        gramSchmidtThresholds.wasmMaxBytes = savedMax;
      }
    });

    it('lanczos full (n = 324): Q is the one wasm-resident copy, used by the forward and by the adjoint (no mirror); gradients equal the TypeScript path, backprop and finite differences', () => {
      const { matvec, theta, v0 } = operator(18, 74);
      const n = 324, K = 12;
      const r = rng(75);
      const cts: Record<string, tt.Tensor> = {
        Q: tt.tensor(f64(r, K * n), { shape: [K, n] }), alphas: tt.tensor(f64(r, K)), betas: tt.tensor(f64(r, K - 1)),
        residual: tt.tensor(f64(r, n)), initNormInv: tt.tensor(r()),
      };
      const run = (v: tt.Tensor, th: tt.Tensor): Record<string, tt.Tensor> =>
        tt.krylov.lanczos(matvec, v, th, { depth: K, reortho: 'full' }) as unknown as Record<string, tt.Tensor>;
      const pullback = (limit: number): Counted => pullbackCounted(limit, run, cts, v0, theta);
      const onWasm = pullback(256), onTs = pullback(Infinity);
      expect(basisOnWasm(onWasm.Q)).to.equal(true);
      expect(basisOnWasm(onTs.Q)).to.equal(false);
      // forward: two Gram–Schmidt passes (gemv + gemvt each) per step; backward: ≥ 3 products per step, all on Q in place
      expect(onWasm.fwd).to.equal(4 * K);
      expect(onWasm.bwd).to.be.at.least(3 * K);
      expect([onTs.fwd, onTs.bwd]).to.deep.equal([0, 0]);
      expect(onWasm.mirrors).to.equal(0); // no second copy of the basis, in either pass
      // the same arithmetic up to the order of the K-term and n-term sums: ~1e-15 relative per product, amplified
      // mildly by the 12 adjoint steps; 1e-12 relative to each gradient's size is a safe bound
      for (let i = 0; i < 2; i++) expect(relDiff(onWasm.grads[i].data(), onTs.grads[i].data()), `argument ${i}`).to.be.below(1e-12);
      // independent references: backprop through the taped iteration (rounding-level) and central differences
      gramSchmidtThresholds.wasmMinLength = 256;
      const loss = (gradient: 'adjoint' | 'backprop') => (v: tt.Tensor, th: tt.Tensor): tt.Tensor =>
        pairing(tt.krylov.lanczos(matvec, v, th, { depth: K, reortho: 'full', gradient }) as unknown as Record<string, tt.Tensor>, cts);
      const gb = tt.grad(loss('backprop'), { argnums: [0, 1] })(v0, theta) as tt.Tensor[];
      for (let i = 0; i < 2; i++) expect(relDiff(onWasm.grads[i].data(), gb[i].data()), `backprop argument ${i}`).to.be.below(1e-9);
      tt.testing.checkGrads(loss('adjoint'), [v0, theta], { rtol: 1e-6, directions: 3 });
    });

    it('arnoldi (full and none, n = 324): the adjoint runs its products on the wasm-resident Q (no mirror); gradients equal the TypeScript path, backprop and finite differences', () => {
      const { matvec, theta, v0 } = operator(18, 77);
      const n = 324, K = 10;
      const r = rng(78);
      const cts: Record<string, tt.Tensor> = {
        Q: tt.tensor(f64(r, K * n), { shape: [K, n] }), H: tt.tensor(f64(r, K * K), { shape: [K, K] }),
        residual: tt.tensor(f64(r, n)), initNormInv: tt.tensor(r()),
      };
      for (const reortho of ['full', 'none'] as const) {
        const loss = (gradient: 'adjoint' | 'backprop') => (v: tt.Tensor, th: tt.Tensor): Record<string, tt.Tensor> =>
          tt.krylov.arnoldi(matvec, v, th, { depth: K, reortho, gradient }) as unknown as Record<string, tt.Tensor>;
        const onWasm = pullbackCounted(256, loss('adjoint'), cts, v0, theta), onTs = pullbackCounted(Infinity, loss('adjoint'), cts, v0, theta);
        expect(basisOnWasm(onWasm.Q), reortho).to.equal(true);
        expect(onWasm.fwd, reortho).to.equal((reortho === 'full' ? 4 : 2) * K);
        expect(onWasm.bwd, reortho).to.be.at.least(2 * K);
        expect([onWasm.mirrors, onTs.fwd, onTs.bwd], reortho).to.deep.equal([0, 0, 0]);
        // same arithmetic up to the summation order of the products (see the Lanczos case): 1e-12 relative
        for (let i = 0; i < 2; i++) expect(relDiff(onWasm.grads[i].data(), onTs.grads[i].data()), `${reortho} argument ${i}`).to.be.below(1e-12);
        gramSchmidtThresholds.wasmMinLength = 256;
        const gb = tt.grad((v: tt.Tensor, th: tt.Tensor) => pairing(loss('backprop')(v, th), cts), { argnums: [0, 1] })(v0, theta) as tt.Tensor[];
        // the adjoint with projection 'none' is exact for the unprojected recursion only up to the loss of orthogonality
        // of Q (one Gram–Schmidt pass, 10 steps of a well-conditioned operator): 1e-7 relative; 'full': rounding level
        for (let i = 0; i < 2; i++) expect(relDiff(onWasm.grads[i].data(), gb[i].data()), `${reortho} backprop argument ${i}`).to.be.below(reortho === 'full' ? 1e-9 : 1e-7);
        if (reortho === 'full') tt.testing.checkGrads((v: tt.Tensor, th: tt.Tensor) => pairing(loss('adjoint')(v, th), cts), [v0, theta], { rtol: 1e-6, directions: 3 });
      }
    });

    it('the wasm memory of a Lanczos basis is released when Q is garbage-collected', async () => {
      const gc = (globalThis as { gc?: () => void }).gc;
      expect(gc, 'mocha runs with --expose-gc (.mocharc)').to.be.a('function');
      const { matvec, theta, v0 } = operator(18, 76);
      const ref = ((): WeakRef<ArrayBuffer> => {
        const res = tt.krylov.lanczos(matvec, v0, theta, { depth: 10, reortho: 'full' });
        expect(basisOnWasm(res.Q._data)).to.equal(true);
        return new WeakRef(res.Q._data.buffer as ArrayBuffer);
      })();
      for (let i = 0; i < 5 && ref.deref(); i++) {
        await new Promise((resolve) => setImmediate(resolve));
        gc!();
      }
      expect(ref.deref()).to.equal(undefined);
    });

    it('a matvec that throws mid-iteration releases the wasm mirror (no leak in wasm memory)', () => {
      gramSchmidtThresholds.wasmMinLength = 1;
      const { matvec, theta, v0 } = operator(20, 73);
      const heap = wasmRuntime()!.heap;
      const before = heap.usedBytes();
      let calls = 0;
      const failing = (v: tt.Tensor, th: tt.Tensor): tt.Tensor => {
        if (++calls === 5) return tt.mul(v, NaN);
        return matvec(v, th);
      };
      expect(() => tt.krylov.lanczos(failing, v0, theta, { depth: 20, reortho: 'full' })).to.throw(/NaN|non-finite|Inf/i);
      expect(heap.usedBytes()).to.equal(before);
    });
  });
});
