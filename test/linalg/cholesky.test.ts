/** Tests for tt.linalg.cholesky and tt.linalg.solveTriangular: forward accuracy, gradients to second order, bad input. */
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { randomSpd, normals, matmulRef, maxAbsDiff, jacobiEigenvalues, expectTracetapeError } from './support.js';

const { cholesky, solveTriangular } = tt.linalg;
const sym = (X: tt.Tensor): tt.Tensor => tt.mul(tt.add(X, tt.transpose(X)), 0.5);

/** A well-conditioned triangular test matrix: diagonal in [1.5, 2.5], off-diagonal 0.3·N(0,1), the other triangle filled
 * with large garbage (1e3) that the solver must not read. */
function triangular(seed: number, n: number, lower: boolean): tt.Tensor {
  const g = normals(seed, n * n);
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    if (i === j) t[i * n + j] = 2 + 0.5 * Math.tanh(g[i * n + j]);
    else if (lower ? i > j : i < j) t[i * n + j] = 0.3 * g[i * n + j];
    else t[i * n + j] = 1e3;
  }
  return tt.tensor(t, { shape: [n, n] });
}

/** op(T) as an explicit dense matrix (garbage triangle removed, unit diagonal applied). */
function denseOp(T: tt.Tensor, lower: boolean, transpose: boolean, unit: boolean): Float64Array {
  const n = T.shape[0];
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const inTri = i === j || (lower ? i > j : i < j);
    const v = !inTri ? 0 : i === j && unit ? 1 : T._data[i * n + j];
    if (transpose) out[j * n + i] = v; else out[i * n + j] = v;
  }
  return out;
}

describe('linalg.cholesky', () => {
  it('reconstructs A = L Lᵀ to 1e-12 with L lower triangular, and logdet matches the eigenvalues', () => {
    for (const [seed, n] of [[1, 1], [2, 3], [3, 30]]) {
      const A = randomSpd(seed, n);
      const L = cholesky(A);
      const l = L._data;
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(l[i * n + j]).to.equal(0);
      const Lt = tt.transpose(L)._data;
      // 1e-12: SPD entries O(1); Cholesky is backward stable with error ~ n·ε·‖A‖.
      expect(maxAbsDiff(matmulRef(l, Lt, n, n, n), A._data)).to.be.below(1e-12);
      let logdet = 0;
      for (let i = 0; i < n; i++) logdet += 2 * Math.log(l[i * n + i]);
      const ref = jacobiEigenvalues(A._data, n).reduce((s, v) => s + Math.log(v), 0);
      expect(Math.abs(logdet - ref)).to.be.below(1e-11);
    }
  });

  it('matches the closed form for a 2×2 matrix and computes float32 in float64', () => {
    const L = cholesky(tt.tensor([[4, 2], [2, 5]]));
    expect(L.toArray()).to.deep.equal([[2, 0], [1, 2]]);
    const L32 = cholesky(tt.tensor([[4, 2], [2, 5]], { dtype: 'float32' }));
    expect(L32.dtype).to.equal('float32');
    expect(L32.toArray()).to.deep.equal([[2, 0], [1, 2]]);
  });

  it('gradients match finite differences to second order', () => {
    const n = 5;
    const A = randomSpd(11, n);
    const W = tt.tensor(normals(12, n * n), { shape: [n, n] });
    // rtol 1e-6: smooth map on a well-conditioned SPD input (eigenvalues ≥ 1).
    tt.testing.checkGrads((X: tt.Tensor) => tt.sum(tt.mul(cholesky(sym(X)), W)), [A], { rtol: 1e-6, order: 2 });
    // logdet through the factor: 2 Σ log L_ii, whose gradient is A⁻¹.
    const logdetChol = (X: tt.Tensor): tt.Tensor => {
      const L = cholesky(sym(X));
      return tt.mul(tt.sum(tt.log(tt.sum(tt.mul(L, tt.eye(n)), 1))), 2);
    };
    tt.testing.checkGrads(logdetChol, [A], { rtol: 1e-6, order: 2 });
    const g = tt.grad(logdetChol)(A) as tt.Tensor;
    const Ainv = tt.linalg.inv(A);
    expect(maxAbsDiff(g._data, Ainv._data)).to.be.below(1e-12);
  });

  it('rejects bad input with TracetapeError', () => {
    expectTracetapeError(() => cholesky(tt.tensor([[1, 2], [2, 1]])), 'cholesky', 'not positive definite', 'pivot 1 of 2', '-3');
    expectTracetapeError(() => cholesky(tt.tensor([[-1, 0], [0, 1]])), 'pivot 0 of 2');
    expectTracetapeError(() => cholesky(tt.tensor([[2, 1], [0, 2]])), 'A must be symmetric');
    expectTracetapeError(() => cholesky(tt.zeros([2, 3])), 'A must be square', '[2,3]');
    expectTracetapeError(() => cholesky(tt.tensor([[NaN]])), 'finite', 'NaN');
  });
});

describe('linalg.solveTriangular', () => {
  const n = 5;
  const combos: [boolean, boolean, boolean][] = [];
  for (const lower of [true, false]) for (const transpose of [false, true]) for (const unit of [false, true]) combos.push([lower, transpose, unit]);

  it('solves op(T) X = b for every option combination, reading only the requested triangle', () => {
    const b = tt.tensor(normals(21, n * 3), { shape: [n, 3] });
    const bv = tt.tensor(normals(22, n));
    for (const [lower, transpose, unit] of combos) {
      const T = triangular(31, n, lower);
      const M = denseOp(T, lower, transpose, unit);
      const X = solveTriangular(T, b, { lower, transpose, unitDiagonal: unit });
      // Residual 1e-13: op(T) has condition ≲ 10 and O(1) entries; the 1e3 garbage must not leak in.
      expect(maxAbsDiff(matmulRef(M, X._data, n, n, 3), b._data)).to.be.below(1e-13);
      const x = solveTriangular(T, bv, { lower, transpose, unitDiagonal: unit });
      expect(x.shape).to.deep.equal([n]);
      expect(maxAbsDiff(matmulRef(M, x._data, n, n, 1), bv._data)).to.be.below(1e-13);
    }
  });

  it('gradients match finite differences to second order for every option combination', () => {
    const W = tt.tensor(normals(41, n * 2), { shape: [n, 2] });
    for (const [lower, transpose, unit] of combos) {
      const T = triangular(42, n, lower);
      const b = tt.tensor(normals(43, n * 2), { shape: [n, 2] });
      const f = (TT: tt.Tensor, bb: tt.Tensor): tt.Tensor =>
        tt.sum(tt.mul(tt.sin(solveTriangular(TT, bb, { lower, transpose, unitDiagonal: unit })), W));
      // rtol 1e-6; the garbage triangle gets exactly zero gradient (checked against finite differences, which see no change).
      tt.testing.checkGrads(f, [T, b], { rtol: 1e-6, order: 2 });
    }
    const T = triangular(44, n, true);
    tt.testing.checkGrads((TT: tt.Tensor, bb: tt.Tensor) => tt.sum(tt.square(solveTriangular(TT, bb))), [T, tt.tensor(normals(45, n))], { rtol: 1e-6, order: 2 });
  });

  it('rejects bad input with TracetapeError', () => {
    const T = tt.eye(3);
    expectTracetapeError(() => solveTriangular(T, tt.ones([3]), { lowr: true } as never), 'solveTriangular', "unknown option 'lowr'");
    expectTracetapeError(() => solveTriangular(T, tt.ones([3]), { lower: 1 } as never), 'option lower must be a boolean');
    expectTracetapeError(() => solveTriangular(T, tt.ones([4])), 'b.shape [4] does not match T.shape [3,3]', '3 vs 4');
    expectTracetapeError(() => solveTriangular(T, tt.ones([3, 2, 1])), 'b must be a vector [n] or a matrix [n, m]');
    expectTracetapeError(() => solveTriangular(tt.tensor([[1, 0], [1, 0]]), tt.ones([2])), 'T is singular', 'T[1,1] is 0');
    expectTracetapeError(() => solveTriangular(tt.ones([2, 3]), tt.ones([2])), 'T must be square');
    // A zero diagonal is fine with unitDiagonal (the diagonal is not read).
    const x = solveTriangular(tt.tensor([[0, 0], [2, 0]]), tt.tensor([1, 1]), { unitDiagonal: true });
    expect(Array.from(x._data)).to.deep.equal([1, -1]);
  });
});
