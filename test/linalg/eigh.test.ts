/** Tests for tt.linalg.eigh and tt.linalg.eighTridiagonal: forward accuracy, gradients to second order, bad input. */
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { randomSymmetric, randomSpd, normals, matmulRef, maxAbsDiff, jacobiEigenvalues, expectTracetapeError } from './support.js';

const { eigh, eighTridiagonal } = tt.linalg;

/** max |V diag(λ) Vᵀ − A| and max |VᵀV − I|. */
function residuals(A: ArrayLike<number>, values: tt.Tensor, vectors: tt.Tensor, n: number): { recon: number; ortho: number } {
  const V = vectors._data, lam = values._data;
  const VL = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) VL[i * n + j] = V[i * n + j] * lam[j];
  const Vt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Vt[j * n + i] = V[i * n + j];
  const recon = maxAbsDiff(matmulRef(VL, Vt, n, n, n), A);
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  return { recon, ortho: maxAbsDiff(matmulRef(Vt, V, n, n, n), I) };
}

function tridiagDense(d: ArrayLike<number>, e: ArrayLike<number>): Float64Array {
  const n = d.length;
  const T = new Float64Array(n * n);
  for (let i = 0; i < n; i++) T[i * n + i] = d[i];
  for (let k = 0; k < n - 1; k++) { T[k * n + k + 1] = e[k]; T[(k + 1) * n + k] = e[k]; }
  return T;
}

/** The symmetric part, so finite-difference perturbations of single entries keep eigh's input symmetric. */
const sym = (X: tt.Tensor): tt.Tensor => tt.mul(tt.add(X, tt.transpose(X)), 0.5);

describe('linalg.eighTridiagonal', () => {
  it('matches the closed form 2 − 2cos(kπ/(n+1)) of the 1-D Laplacian, with sine eigenvectors', () => {
    const n = 40;
    const { values, vectors } = eighTridiagonal(tt.full([n], 2), tt.full([n - 1], -1));
    const lam = values._data;
    // 1e-13: eigenvalues in [0, 4] computed by a backward-stable method are accurate to a few ε·‖T‖.
    for (let k = 1; k <= n; k++) expect(Math.abs(lam[k - 1] - (2 - 2 * Math.cos((k * Math.PI) / (n + 1))))).to.be.below(1e-13);
    // Eigenvector k is ∝ sin(i k π/(n+1)); compare up to sign (normalised), 1e-10 since the gaps are ~1e-2.
    for (const k of [1, 7, n]) {
      let norm = 0;
      const ref = new Float64Array(n);
      for (let i = 0; i < n; i++) { ref[i] = Math.sin(((i + 1) * k * Math.PI) / (n + 1)); norm += ref[i] ** 2; }
      let dotp = 0;
      for (let i = 0; i < n; i++) dotp += (ref[i] / Math.sqrt(norm)) * vectors._data[i * n + k - 1];
      expect(Math.abs(Math.abs(dotp) - 1)).to.be.below(1e-10);
    }
  });

  it('reconstructs random tridiagonal matrices to 1e-12 and agrees with Jacobi eigenvalues', () => {
    for (const [seed, n] of [[1, 1], [2, 2], [3, 7], [4, 60]]) {
      const d = normals(seed, n), e = normals(seed + 100, n - 1);
      const { values, vectors } = eighTridiagonal(tt.tensor(d), tt.tensor(e, { shape: [n - 1] }));
      const T = tridiagDense(d, e);
      const r = residuals(T, values, vectors, n);
      // 1e-12 absolute: entries are O(1) and QL is backward stable (error ~ n·ε·‖T‖ ≈ 1e-14 here).
      expect(r.recon).to.be.below(1e-12);
      expect(r.ortho).to.be.below(1e-12);
      const ref = jacobiEigenvalues(T, n);
      expect(maxAbsDiff(values._data, ref)).to.be.below(1e-12);
      for (let i = 1; i < n; i++) expect(values._data[i]).to.be.at.least(values._data[i - 1]);
    }
  });

  it('handles a zero off-diagonal (already diagonal) and exactly repeated eigenvalues', () => {
    const { values, vectors } = eighTridiagonal(tt.tensor([3, 1, 3, 2]), tt.tensor([0, 0, 0]));
    expect(Array.from(values._data)).to.deep.equal([1, 2, 3, 3]);
    const r = residuals(tridiagDense([3, 1, 3, 2], [0, 0, 0]), values, vectors, 4);
    expect(r.recon).to.equal(0);
  });

  it('fixes eigenvector signs deterministically, even where entries tie in magnitude (Laplacian sine modes)', () => {
    const n = 12;
    const base = eighTridiagonal(tt.full([n], 2), tt.full([n - 1], -1)).vectors._data;
    // A 1e-13 perturbation changes the vectors by ~1e-12 (gaps ≳ 0.05) but must not flip any sign.
    const d = tt.add(tt.full([n], 2), tt.mul(tt.tensor(normals(3, n)), 1e-13));
    const pert = eighTridiagonal(d, tt.full([n - 1], -1)).vectors._data;
    expect(maxAbsDiff(base, pert)).to.be.below(1e-10);
    for (let j = 0; j < n; j++) {
      let big = 0, first = 0;
      for (let i = 0; i < n; i++) big = Math.max(big, Math.abs(base[i * n + j]));
      for (let i = n - 1; i >= 0; i--) if (Math.abs(base[i * n + j]) >= big * (1 - 1e-8)) first = base[i * n + j];
      expect(first).to.be.above(0);
    }
  });

  it('computes float32 inputs in float64 and returns float32', () => {
    const { values, vectors } = eighTridiagonal(tt.full([5], 2, { dtype: 'float32' }), tt.full([4], -1, { dtype: 'float32' }));
    expect(values.dtype).to.equal('float32');
    expect(vectors.dtype).to.equal('float32');
    // float32 rounding of a float64 result: relative 6e-8.
    expect(Math.abs(values._data[0] - (2 - 2 * Math.cos(Math.PI / 6)))).to.be.below(1e-7);
  });

  it('gradients of eigenvalues and eigenvectors match finite differences (first and second order)', () => {
    const n = 6;
    const d = tt.tensor(normals(11, n)), e = tt.tensor(normals(12, n - 1), { shape: [n - 1] });
    const w = tt.tensor(normals(13, n)), W = tt.tensor(normals(14, n * n), { shape: [n, n] });
    // Smooth, sign-invariant loss of values and vectors (squares remove the eigenvector sign ambiguity).
    const loss = (dd: tt.Tensor, ee: tt.Tensor): tt.Tensor => {
      const { values, vectors } = eighTridiagonal(dd, ee);
      return tt.add(tt.sum(tt.mul(tt.sin(values), w)), tt.sum(tt.mul(tt.square(vectors), W)));
    };
    // rtol 1e-6: central differences with eps 1e-6 have error ~1e-9 relative here; eigenvalue gaps are ≳ 0.1.
    tt.testing.checkGrads(loss, [d, e], { rtol: 1e-6, order: 2 });
    // A loss linear in the vectors (sign convention: largest-magnitude entry positive is locally constant).
    tt.testing.checkGrads((dd: tt.Tensor, ee: tt.Tensor) => tt.sum(tt.mul(eighTridiagonal(dd, ee).vectors, W)), [d, e], { rtol: 1e-6, order: 2 });
  });

  it('rejects bad input with TracetapeError', () => {
    expectTracetapeError(() => eighTridiagonal(tt.zeros([3, 3]), tt.zeros([2])), 'eighTridiagonal', 'diag must be a 1-D tensor', '[3,3]');
    expectTracetapeError(() => eighTridiagonal(tt.zeros([3]), tt.zeros([3])), 'offdiag must have length', '2', '[3]');
    expectTracetapeError(() => eighTridiagonal(tt.zeros([0]), tt.zeros([0])), 'at least one entry');
    expectTracetapeError(() => eighTridiagonal(tt.tensor([1, NaN]), tt.zeros([1])), 'finite', 'NaN');
    expectTracetapeError(() => eighTridiagonal([1, 2] as unknown as tt.Tensor, tt.zeros([1])), 'diag must be a Tensor');
  });
});

describe('linalg.eigh', () => {
  it('reconstructs random symmetric matrices to 1e-12 and agrees with an independent Jacobi solver', () => {
    for (const [seed, n] of [[1, 1], [2, 2], [3, 3], [4, 10], [5, 50]]) {
      const A = randomSymmetric(seed, n);
      const { values, vectors } = eigh(A);
      const r = residuals(A._data, values, vectors, n);
      // 1e-12: entries O(1), ‖A‖ ≲ 2√n; Householder + QL are backward stable (error ~ n·ε·‖A‖).
      expect(r.recon).to.be.below(1e-12);
      expect(r.ortho).to.be.below(1e-12);
      expect(maxAbsDiff(values._data, jacobiEigenvalues(A._data, n))).to.be.below(1e-12);
    }
  });

  it('matches closed forms: the 1-D Laplacian as a dense matrix, and a diagonal matrix', () => {
    const n = 25;
    const L = new Float64Array(n * n);
    for (let i = 0; i < n; i++) { L[i * n + i] = 2; if (i > 0) L[i * n + i - 1] = -1; if (i < n - 1) L[i * n + i + 1] = -1; }
    const lam = eigh(tt.tensor(L, { shape: [n, n] })).values._data;
    for (let k = 1; k <= n; k++) expect(Math.abs(lam[k - 1] - (2 - 2 * Math.cos((k * Math.PI) / (n + 1))))).to.be.below(1e-13);
    const D = eigh(tt.tensor([[3, 0, 0], [0, -1, 0], [0, 0, 2]]));
    expect(Array.from(D.values._data)).to.deep.equal([-1, 2, 3]);
    expect(D.vectors.toArray()).to.deep.equal([[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
  });

  it('handles repeated eigenvalues (identity plus a rank-one term) with an orthonormal basis', () => {
    const n = 8;
    const u = normals(21, n);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = (i === j ? 2 : 0) + u[i] * u[j];
    const { values, vectors } = eigh(tt.tensor(A, { shape: [n, n] }));
    const r = residuals(A, values, vectors, n);
    expect(r.recon).to.be.below(1e-12);
    expect(r.ortho).to.be.below(1e-12);
    for (let i = 0; i < n - 1; i++) expect(Math.abs(values._data[i] - 2)).to.be.below(1e-13);
  });

  it('is scale-invariant down to 1e-300 and up to 1e300 (no under/overflow in the reflections) and solves Wilkinson W21+', () => {
    const n = 10;
    const A = randomSymmetric(23, n);
    const ref = jacobiEigenvalues(A._data, n);
    for (const c of [1e-300, 1e300]) {
      const { values, vectors } = eigh(tt.mul(A, c));
      // Relative 1e-13: the same backward-stable computation on an exactly rescaled copy (up to one rounding of c·A).
      for (let i = 0; i < n; i++) expect(Math.abs(values._data[i] / c - ref[i])).to.be.below(1e-13);
      expect(residuals(A._data, tt.div(values, c), vectors, n).recon).to.be.below(1e-12);
    }
    const m = 21;
    const d = Array.from({ length: m }, (_, i) => Math.abs(10 - i));
    const W = tridiagDense(d, new Array(m - 1).fill(1));
    const w = eigh(tt.tensor(W, { shape: [m, m] }));
    const wt = eighTridiagonal(tt.tensor(d), tt.ones([m - 1]));
    const jac = jacobiEigenvalues(W, m);
    // W21+ has eigenvalue pairs that agree to ~1e-13; both solvers must still resolve them to 1e-12.
    expect(maxAbsDiff(w.values._data, jac)).to.be.below(1e-12);
    expect(maxAbsDiff(wt.values._data, jac)).to.be.below(1e-12);
    expect(residuals(W, wt.values, wt.vectors, m).ortho).to.be.below(1e-12);
  });

  it('logdet-type gradients stay correct at repeated eigenvalues', () => {
    // Σ log λ_i depends only on the eigenvalues: gradient = A⁻¹ even when A = 2I + uuᵀ has a 7-fold eigenvalue.
    const n = 8;
    const u = normals(22, n);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = (i === j ? 2 : 0) + u[i] * u[j];
    const g = tt.grad((X: tt.Tensor) => tt.sum(tt.log(eigh(X).values)))(tt.tensor(A, { shape: [n, n] })) as tt.Tensor;
    // Sherman–Morrison: (2I + uuᵀ)⁻¹ = I/2 − uuᵀ / (2(2 + uᵀu)).
    const uu = u.reduce((s, x) => s + x * x, 0);
    const ref = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) ref[i * n + j] = (i === j ? 0.5 : 0) - (u[i] * u[j]) / (2 * (2 + uu));
    expect(maxAbsDiff(g._data, ref)).to.be.below(1e-12);
  });

  it('gradients match finite differences to second order (values, vectors, matrix function)', () => {
    const n = 5;
    const A = randomSymmetric(31, n);
    const W = tt.tensor(normals(32, n * n), { shape: [n, n] });
    const w = tt.tensor(normals(33, n));
    // rtol 1e-6 (the bar); losses are smooth at these inputs whose eigenvalue gaps are ≳ 0.1.
    tt.testing.checkGrads((X: tt.Tensor) => tt.sum(tt.mul(tt.exp(eigh(sym(X)).values), w)), [A], { rtol: 1e-6, order: 2 });
    tt.testing.checkGrads((X: tt.Tensor) => tt.sum(tt.mul(tt.square(eigh(sym(X)).vectors), W)), [A], { rtol: 1e-6, order: 2 });
    tt.testing.checkGrads((X: tt.Tensor) => tt.sum(tt.mul(eigh(sym(X)).vectors, W)), [A], { rtol: 1e-6, order: 2 });
    // A matrix function V f(Λ) Vᵀ through both outputs.
    const sqrtm = (X: tt.Tensor): tt.Tensor => {
      const { values, vectors } = eigh(sym(X));
      return tt.matmul(tt.mul(vectors, tt.reshape(tt.sqrt(values), [1, n])), tt.transpose(vectors));
    };
    tt.testing.checkGrads((X: tt.Tensor) => tt.sum(tt.mul(sqrtm(X), W)), [randomSpd(34, n)], { rtol: 1e-6, order: 2 });
  });

  it('returns a symmetric gradient and computes float32 in float64', () => {
    const A = randomSymmetric(41, 4);
    const W = tt.tensor(normals(42, 16), { shape: [4, 4] });
    const g = tt.grad((X: tt.Tensor) => tt.sum(tt.mul(eigh(X).vectors, W)))(A) as tt.Tensor;
    expect(maxAbsDiff(g._data, tt.transpose(g)._data)).to.be.below(1e-15);
    const A32 = tt.tensor(A._data, { shape: [4, 4], dtype: 'float32' });
    const r32 = eigh(A32);
    expect(r32.values.dtype).to.equal('float32');
    const r64 = eigh(tt.tensor(Float64Array.from(A32._data), { shape: [4, 4] }));
    // Same float32 input computed in float64, then rounded: agreement to float32 rounding (≈ 6e-8 relative).
    expect(maxAbsDiff(r32.values._data, r64.values._data)).to.be.below(1e-6);
  });

  it('rejects bad input with TracetapeError', () => {
    expectTracetapeError(() => eigh(tt.zeros([3, 4])), 'eigh', 'A must be square', '[3,4]');
    expectTracetapeError(() => eigh(tt.zeros([3])), 'eigh', 'rank 2', '[3]');
    expectTracetapeError(() => eigh(tt.zeros([2, 2, 2])), 'rank 2', '[2,2,2]');
    expectTracetapeError(() => eigh(tt.tensor([[1, 2], [0, 1]])), 'A must be symmetric', 'A[0,1]');
    // The tolerance is relative: a tiny but clearly asymmetric matrix is rejected too.
    expectTracetapeError(() => eigh(tt.tensor([[1e-200, 2e-200], [0, 1e-200]])), 'A must be symmetric');
    expectTracetapeError(() => eigh(tt.tensor([[1, Infinity], [Infinity, 1]])), 'finite', 'Infinity', '[0,1]');
    expectTracetapeError(() => eigh(tt.zeros([0, 0])), 'at least one row');
  });
});
