// Hutch++, XTrace and XDiag: exactness on low-rank matrices, agreement with a direct leave-one-out reference,
// unbiasedness over keys, calibrated error estimates, gradients against finite differences, and bad input.
import { expect } from 'chai';
import * as tt from '../../src/index.js';

const st = tt.stochtrace;
type T = tt.Tensor;

/** A = U diag(λ) Uᵀ with U orthogonal (eigenvectors of a random symmetric matrix). */
function spectral(n: number, lam: (i: number) => number, seed: number): { A: T; lam: number[] } {
  const B = tt.random.normal(tt.random.key(seed), [n, n]);
  const U = tt.linalg.eigh(tt.add(B, tt.transpose(B))).vectors;
  const l = Array.from({ length: n }, (_, i) => lam(i));
  return { A: tt.matmul(tt.mul(U, tt.tensor(l)), tt.transpose(U)), lam: l };
}

/** Plain-loop reference for the leave-one-out estimates: orthonormalise Y without column i explicitly, then apply the definition. */
function looReference(A: Float64Array, n: number, om: Float64Array, m: number): { trace: number[]; diag: number[][] } {
  const matvec = (v: Float64Array): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += A[i * n + j] * v[j]; out[i] = s; }
    return out;
  };
  const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, x, i) => s + x * b[i], 0);
  const ys = Array.from({ length: m }, (_, i) => matvec(om.subarray(i * n, (i + 1) * n)));
  const trace: number[] = [], diag: number[][] = [];
  for (let i = 0; i < m; i++) {
    const qs: Float64Array[] = [];
    for (let j = 0; j < m; j++) {
      if (j === i) continue;
      const w = Float64Array.from(ys[j]);
      for (let pass = 0; pass < 2; pass++) for (const q of qs) { const c = dot(q, w); for (let k = 0; k < n; k++) w[k] -= c * q[k]; }
      const nr = Math.sqrt(dot(w, w));
      qs.push(w.map((x) => x / nr));
    }
    const proj = (v: Float64Array): Float64Array => { // (I − QQᵀ) v
      const r = Float64Array.from(v);
      for (const q of qs) { const c = dot(q, v); for (let k = 0; k < n; k++) r[k] -= c * q[k]; }
      return r;
    };
    let low = 0;
    const d = new Float64Array(n);
    for (const q of qs) { const aq = matvec(q); low += dot(q, aq); for (let k = 0; k < n; k++) d[k] += q[k] * aq[k]; }
    const w = om.subarray(i * n, (i + 1) * n);
    const r = proj(w);
    trace.push(low + dot(r, matvec(r)));
    const pr = proj(ys[i]);
    diag.push(Array.from(d, (x, k) => x + w[k] * pr[k]));
  }
  return { trace, diag };
}

describe('stochtrace: Hutch++, XTrace, XDiag', function () {
  this.timeout(60000);

  it('XTrace and XDiag equal a direct leave-one-out computation (efficient downdating formulas, 1e-10)', () => {
    const n = 30, m = 6;
    const { A } = spectral(n, (i) => 1 / (i + 1), 4);
    const key = tt.random.key(5);
    const smp = st.normal(n, { num: m });
    const ref = looReference(A._data as Float64Array, n, smp(key)._data as Float64Array, m);
    const xt = st.xtrace(smp)((v) => tt.matmul(A, v), key);
    const refMean = ref.trace.reduce((a, b) => a + b) / m;
    const refErr = Math.sqrt(ref.trace.reduce((a, b) => a + (b - refMean) ** 2, 0) / (m * (m - 1)));
    expect(Math.abs(xt.estimate.item() - refMean)).to.be.below(1e-10 * Math.abs(refMean));
    expect(Math.abs(xt.error.item() - refErr)).to.be.below(1e-8 * refErr);
    const xd = st.xdiag(smp)((v) => tt.matmul(A, v), key);
    for (let k = 0; k < n; k++) {
      const mk = ref.diag.reduce((a, d) => a + d[k], 0) / m;
      expect(Math.abs(xd.estimate._data[k] - mk), `diag ${k}`).to.be.below(1e-10);
    }
  });

  it('are exact on a matrix of rank below the sketch size (Hutch++), up to rounding', () => {
    const n = 50;
    const { A, lam } = spectral(n, (i) => (i < 4 ? 3 - i * 0.5 : 0), 6);
    const tr = lam.reduce((a, b) => a + b);
    const est = st.hutchpp(st.rademacher(n, { num: 12 }))((v) => tt.matmul(A, v), tt.random.key(1));
    // Rank 4 < sketch 6: the residual (I − QQᵀ)A(I − QQᵀ) vanishes up to rounding of A's zero eigenvalues (~1e-14).
    expect(Math.abs(est.item() - tr)).to.be.below(1e-10);
    expect(() => st.xtrace(st.rademacher(n, { num: 8 }))((v) => tt.matmul(A, v), tt.random.key(1))).to.throw(tt.TracetapeError, /stochtrace.xtrace: A·Ω has numerical rank 4 < 8 probes/);
  });

  it('are unbiased over keys, with XTrace/XDiag error estimates of the right size', () => {
    const n = 80, keys = 120;
    const { A, lam } = spectral(n, (i) => 1 / (i + 1), 8);
    const tr = lam.reduce((a, b) => a + b);
    const dA = tt.diagonal(A)._data;
    const mv = (v: T): T => tt.matmul(A, v);
    const hp: number[] = [], xt: number[] = [], xte: number[] = [];
    const xdSum = new Float64Array(n), xdSq = new Float64Array(n);
    for (let s = 0; s < keys; s++) {
      const key = tt.random.key(300 + s);
      hp.push(st.hutchpp(st.rademacher(n, { num: 8 }))(mv, key).item());
      const x = st.xtrace(st.rademacher(n, { num: 6 }))(mv, key);
      xt.push(x.estimate.item());
      xte.push(x.error.item());
      const d = st.xdiag(st.normal(n, { num: 6 }))(mv, key).estimate._data;
      for (let k = 0; k < n; k++) { xdSum[k] += d[k]; xdSq[k] += d[k] ** 2; }
    }
    const stats = (v: number[]): [number, number] => {
      const m = v.reduce((a, b) => a + b) / v.length;
      return [m, Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1))];
    };
    for (const [name, v] of [['hutchpp', hp], ['xtrace', xt]] as [string, number[]][]) {
      const [m, sd] = stats(v);
      expect(Math.abs(m - tr), `${name}: mean ${m} vs ${tr}, sd ${sd}`).to.be.below(3.5 * sd / Math.sqrt(keys));
    }
    // The error estimate tracks the actual spread: RMS of the estimates' error vs RMS of the reported error, within ×2.
    const rmsErr = Math.sqrt(xt.reduce((a, b) => a + (b - tr) ** 2, 0) / keys), rmsEst = Math.sqrt(xte.reduce((a, b) => a + b * b, 0) / keys);
    expect(rmsEst / rmsErr).to.be.within(0.5, 2);
    let worst = 0;
    for (let k = 0; k < n; k++) {
      const m = xdSum[k] / keys, sd = Math.sqrt((xdSq[k] - keys * m * m) / (keys - 1));
      worst = Math.max(worst, Math.abs(m - dA[k]) / (sd / Math.sqrt(keys)));
    }
    // Largest of 80 coordinate z-scores: below 4.5.
    expect(worst).to.be.below(4.5);
  });

  it('are differentiable in params (finite differences)', () => {
    const n = 12;
    const { A } = spectral(n, (i) => 1 / (i + 1), 9);
    const mv = (v: T, p: tt.PyTree): T => { const d = p as T; return tt.add(tt.matmul(A, tt.mul(tt.exp(d), v)), tt.mul(tt.exp(d), tt.matmul(A, v))); };
    const d0 = tt.tensor(Array.from({ length: n }, (_, i) => 0.1 * Math.sin(i)));
    const key = tt.random.key(2);
    // Central differences in float64: errors ~1e-8 relative; rtol 1e-5.
    tt.testing.checkGrads((d: T) => st.hutchpp(st.rademacher(n, { num: 6 }))(mv, key, d), [d0], { rtol: 1e-5 });
    tt.testing.checkGrads((d: T) => { const r = st.xtrace(st.normal(n, { num: 4 }))(mv, key, d); return tt.add(r.estimate, r.error); }, [d0], { rtol: 1e-5 });
    tt.testing.checkGrads((d: T) => tt.sum(tt.sin(st.xdiag(st.normal(n, { num: 4 }))(mv, key, d).estimate)), [d0], { rtol: 1e-5 });
  });

  it('reject bad input', () => {
    const mv = (v: T): T => tt.mul(v, 2);
    expect(() => st.hutchpp(st.rademacher(5, { num: 4 }), { sketchSize: 4 })(mv, tt.random.key(0))).to.throw(/sketchSize 4 must be smaller than the number of probes 4/);
    expect(() => st.hutchpp(st.rademacher(5, { num: 4 }), { size: 2 } as tt.stochtrace.HutchppOptions)).to.throw(/unknown option 'size'/);
    expect(() => st.xtrace(st.rademacher(5, { num: 1 }))(mv, tt.random.key(0))).to.throw(/leave-one-out needs at least 2 probes/);
    expect(() => st.xdiag(st.rademacher(5, { num: 2 }))((v) => tt.div(v, 0), tt.random.key(0))).to.throw(/stochtrace.xdiag: matvec returned a non-finite value/);
  });
});

describe('stochtrace: bekasDiagonal', () => {
  const n = 25;
  const { A } = spectral(n, (i) => 2 + Math.cos(i), 10);
  const mv = (v: T): T => tt.matmul(A, v);
  const key = tt.random.key(4);

  it('equals the plain diagonal() estimator for Rademacher probes and the explicit ratio formula for Gaussian probes', () => {
    const r = st.bekasDiagonal(st.rademacher(n, { num: 16 }), { chunkSize: 5 })(mv, key);
    const plain = st.estimator(st.diagonal(), st.rademacher(n, { num: 16 }))(mv, key) as T;
    r._data.forEach((x, i) => expect(Math.abs(x - plain._data[i])).to.be.below(1e-12));
    const V = st.normal(n, { num: 16 })(key)._data;
    const a = A._data;
    const g = st.bekasDiagonal(st.normal(n, { num: 16 }), { chunkSize: 3 })(mv, key);
    for (let i = 0; i < n; i++) {
      let num = 0, den = 0;
      for (let k = 0; k < 16; k++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += a[i * n + j] * V[k * n + j];
        num += V[k * n + i] * av;
        den += V[k * n + i] ** 2;
      }
      expect(Math.abs(g._data[i] - num / den)).to.be.below(1e-12 * Math.abs(num / den) + 1e-14);
    }
  });

  it('converges to diag(A) and is differentiable', () => {
    const g = st.bekasDiagonal(st.normal(n, { num: 4000 }), { chunkSize: 500 })(mv, key);
    const d = tt.diagonal(A)._data;
    // Error per entry ~ sqrt(Σ_{j≠i} a_ij² / 4000) ≲ 0.05 here; 0.2 is a > 4 sd bound for all 25 entries.
    g._data.forEach((x, i) => expect(Math.abs(x - d[i])).to.be.below(0.2));
    const p0 = tt.tensor(0.3);
    // Central differences in float64; rtol 1e-6.
    tt.testing.checkGrads((s: T) => tt.sum(tt.sin(st.bekasDiagonal(st.normal(n, { num: 6 }), { chunkSize: 4 })((v, p) => tt.mul(mv(v), tt.exp(p as T)), key, s))), [p0], { rtol: 1e-6 });
  });
});
