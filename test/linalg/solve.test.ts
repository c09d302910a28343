/** Tests for tt.linalg.solve, inv, slogdet and det: forward vs closed forms, gradients to second order, bad input. */
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { randomMatrix, randomSpd, normals, matmulRef, maxAbsDiff, jacobiEigenvalues, expectTracetapeError } from './support.js';

const { solve, inv, slogdet, det } = tt.linalg;

/** A random well-conditioned non-symmetric matrix: G/√n + 2I (eigenvalues cluster in a disc of radius ~1 around 2). */
function wellConditioned(seed: number, n: number): tt.Tensor {
  return tt.add(tt.mul(randomMatrix(seed, n), 1 / Math.sqrt(n)), tt.mul(tt.eye(n), 2));
}

/** det of a 3×3 by the rule of Sarrus (independent of LU). */
function det3(a: ArrayLike<number>): number {
  return a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6]);
}

describe('linalg.solve and inv', () => {
  it('solves vector and matrix right-hand sides with small residuals, and matches Cramer’s rule', () => {
    for (const [seed, n] of [[1, 1], [2, 4], [3, 40]]) {
      const A = randomMatrix(seed, n);
      const B = randomMatrix(seed + 50, n, 3);
      const X = solve(A, B);
      // Relative residual 1e-12: LU with partial pivoting is backward stable for these random matrices.
      const r = maxAbsDiff(matmulRef(A._data, X._data, n, n, 3), B._data);
      expect(r).to.be.below(1e-12 * n);
      const x = solve(A, tt.tensor(normals(seed + 60, n)));
      expect(x.shape).to.deep.equal([n]);
    }
    const A = randomMatrix(7, 3), b = normals(8, 3);
    const x = solve(A, tt.tensor(b))._data;
    const D = det3(A._data);
    for (let k = 0; k < 3; k++) {
      const Ak = Float64Array.from(A._data);
      for (let i = 0; i < 3; i++) Ak[i * 3 + k] = b[i];
      expect(Math.abs(x[k] - det3(Ak) / D)).to.be.below(1e-12 * Math.max(1, Math.abs(x[k])));
    }
  });

  it('inverts the 4×4 Hilbert matrix to its known integer inverse', () => {
    const H = tt.tensor([[1, 1 / 2, 1 / 3, 1 / 4], [1 / 2, 1 / 3, 1 / 4, 1 / 5], [1 / 3, 1 / 4, 1 / 5, 1 / 6], [1 / 4, 1 / 5, 1 / 6, 1 / 7]]);
    const ref = [16, -120, 240, -140, -120, 1200, -2700, 1680, 240, -2700, 6480, -4200, -140, 1680, -4200, 2800];
    // cond(H4) ≈ 1.6e4, so relative accuracy ~ cond·ε ≈ 4e-12; allow 1e-10 relative to the largest entry (6480).
    expect(maxAbsDiff(inv(H)._data, ref)).to.be.below(1e-10 * 6480);
    const A = randomMatrix(9, 20);
    const I = new Float64Array(400);
    for (let i = 0; i < 20; i++) I[i * 21] = 1;
    expect(maxAbsDiff(matmulRef(A._data, inv(A)._data, 20, 20, 20), I)).to.be.below(1e-11);
  });

  it('gradients match finite differences to second order', () => {
    const n = 4;
    const A = wellConditioned(11, n);
    const B = tt.tensor(normals(12, n * 2), { shape: [n, 2] });
    const W = tt.tensor(normals(13, n * 2), { shape: [n, 2] });
    // rtol 1e-6 on well-conditioned inputs (cond ≲ 10), where the maps are smooth and finite differences accurate to ~1e-9.
    tt.testing.checkGrads((AA: tt.Tensor, BB: tt.Tensor) => tt.sum(tt.mul(tt.tanh(solve(AA, BB)), W)), [A, B], { rtol: 1e-6, order: 2 });
    tt.testing.checkGrads((AA: tt.Tensor, bb: tt.Tensor) => tt.sum(tt.square(solve(AA, bb))), [A, tt.tensor(normals(14, n))], { rtol: 1e-6, order: 2 });
    const V = tt.tensor(normals(15, n * n), { shape: [n, n] });
    tt.testing.checkGrads((AA: tt.Tensor) => tt.sum(tt.mul(tt.sin(inv(AA)), V)), [A], { rtol: 1e-6, order: 2 });
  });

  it('keeps float32 inputs’ dtype and promotes mixed dtypes', () => {
    const A32 = tt.tensor([[2, 1], [1, 3]], { dtype: 'float32' });
    expect(solve(A32, tt.tensor([1, 2], { dtype: 'float32' })).dtype).to.equal('float32');
    expect(solve(A32, tt.tensor([1, 2])).dtype).to.equal('float64');
    expect(inv(A32).dtype).to.equal('float32');
    // [[2,1],[1,3]]⁻¹[1,2] = [0.2, 0.6], rounded to float32.
    expect(maxAbsDiff(solve(A32, tt.tensor([1, 2], { dtype: 'float32' }))._data, [0.2, 0.6])).to.be.below(1e-7);
  });

  it('rejects bad input with TracetapeError', () => {
    expectTracetapeError(() => solve(tt.tensor([[1, 2], [2, 4]]), tt.ones([2])), 'solve', 'A is singular to working precision', 'pivot 1 of 2');
    expectTracetapeError(() => solve(tt.zeros([3, 3]), tt.ones([3])), 'singular');
    expectTracetapeError(() => solve(tt.eye(3), tt.ones([2])), 'b.shape [2] does not match A.shape [3,3]', '3 vs 2');
    expectTracetapeError(() => solve(tt.ones([3, 2]), tt.ones([3])), 'A must be square', '[3,2]');
    expectTracetapeError(() => solve(tt.eye(2), 3 as unknown as tt.Tensor), 'b must be a Tensor', 'number 3');
    expectTracetapeError(() => inv(tt.tensor([[1, 1], [1, 1]])), 'inv', 'singular');
    expectTracetapeError(() => inv(tt.ones([2])), 'inv', 'rank 2');
  });
});

describe('linalg.slogdet and det', () => {
  it('logabsdet of an SPD matrix equals the sum of log eigenvalues (Jacobi and eigh)', () => {
    const n = 12;
    const A = randomSpd(21, n);
    const { sign, logabsdet } = slogdet(A);
    expect(sign.item()).to.equal(1);
    const ref = jacobiEigenvalues(A._data, n).reduce((s, v) => s + Math.log(v), 0);
    const viaEigh = tt.sum(tt.log(tt.linalg.eigh(A).values)).item();
    // 1e-12: log eigenvalues O(1) each, summed over 12.
    expect(Math.abs(logabsdet.item() - ref)).to.be.below(1e-12);
    expect(Math.abs(logabsdet.item() - viaEigh)).to.be.below(1e-12);
  });

  it('gets signs and magnitudes right: Sarrus, permutations, huge and singular matrices', () => {
    for (const seed of [31, 32, 33, 34]) {
      const A = randomMatrix(seed, 3);
      const ref = det3(A._data);
      const { sign, logabsdet } = slogdet(A);
      expect(sign.item()).to.equal(Math.sign(ref));
      expect(Math.abs(logabsdet.item() - Math.log(Math.abs(ref)))).to.be.below(1e-12);
      expect(Math.abs(det(A).item() - ref)).to.be.below(1e-12 * Math.max(1, Math.abs(ref)));
    }
    expect(slogdet(tt.tensor([[0, 1], [1, 0]])).sign.item()).to.equal(-1);
    const big = slogdet(tt.mul(tt.eye(3), 1e200));
    expect(big.sign.item()).to.equal(1);
    expect(Math.abs(big.logabsdet.item() - 3 * Math.log(1e200)) / (3 * Math.log(1e200))).to.be.below(1e-15);
    const s = slogdet(tt.tensor([[1, 2], [2, 4]]));
    expect(s.sign.item()).to.equal(0);
    expect(s.logabsdet.item()).to.equal(-Infinity);
    expect(det(tt.tensor([[1, 2], [3, 4]])).item()).to.be.closeTo(-2, 1e-15);
  });

  it('gradients match finite differences to second order, and d logabsdet/dA = A⁻ᵀ', () => {
    const n = 4;
    const A = wellConditioned(41, n);
    // rtol 1e-6 on a well-conditioned input.
    tt.testing.checkGrads((X: tt.Tensor) => slogdet(X).logabsdet, [A], { rtol: 1e-6, order: 2 });
    tt.testing.checkGrads((X: tt.Tensor) => det(X), [A], { rtol: 1e-6, order: 2 });
    const g = tt.grad((X: tt.Tensor) => slogdet(X).logabsdet)(A) as tt.Tensor;
    expect(maxAbsDiff(g._data, tt.transpose(inv(A))._data)).to.be.below(1e-13);
  });

  it('rejects bad input with TracetapeError', () => {
    expectTracetapeError(() => slogdet(tt.ones([2, 3])), 'slogdet', 'A must be square');
    expectTracetapeError(() => det(tt.ones([2, 3])), 'det:', 'A must be square');
    expectTracetapeError(() => slogdet(tt.tensor([[1, NaN], [0, 1]])), 'slogdet', 'finite');
  });
});
