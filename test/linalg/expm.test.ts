/** Tests for tt.linalg.expm: closed forms, Taylor series, identities, gradients to second order, bad input. */
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { randomMatrix, randomSymmetric, normals, matmulRef, maxAbsDiff, expectTracetapeError } from './support.js';

const { expm } = tt.linalg;

/** e^A by its Taylor series with 60 terms (independent reference; accurate to ~1e-15 relative for ‖A‖ ≲ 2). */
function taylorExpm(a: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n * n);
  let term = new Float64Array(n * n);
  for (let i = 0; i < n; i++) term[i * n + i] = 1;
  for (let k = 1; k <= 60; k++) {
    for (let i = 0; i < out.length; i++) out[i] += term[i];
    term = matmulRef(term, a, n, n, n).map((v) => v / k);
  }
  return out;
}

function scaled(A: tt.Tensor, target1Norm: number): tt.Tensor {
  const n = A.shape[0];
  let best = 0;
  for (let j = 0; j < n; j++) { let s = 0; for (let i = 0; i < n; i++) s += Math.abs(A._data[i * n + j]); best = Math.max(best, s); }
  return tt.mul(A, target1Norm / best);
}

describe('linalg.expm', () => {
  it('matches a 60-term Taylor series for every Padé degree (1-norms 0.01, 0.2, 0.9, 2)', () => {
    const n = 6;
    for (const [seed, norm] of [[1, 0.01], [2, 0.2], [3, 0.9], [4, 2]]) {
      const A = scaled(randomMatrix(seed, n), norm);
      const ref = taylorExpm(A._data, n);
      // 1e-14 absolute: entries of e^A are O(1) here and each Padé degree is chosen for unit-roundoff accuracy.
      expect(maxAbsDiff(expm(A)._data, ref)).to.be.below(1e-14);
    }
  });

  it('matches closed forms: diagonal, nilpotent, rotation generator, and a non-normal 2×2 upper-triangular matrix', () => {
    const d = [-30, -1, 0, 0.5, 12];
    const D = expm(tt.mul(tt.eye(5), tt.reshape(tt.tensor(d), [1, 5])));
    for (let i = 0; i < 5; i++) {
      // Relative 1e-13: the backward error is ~ε‖A‖₁ = 30ε, so e^(d_i) carries a relative error of a few |d_i|·ε.
      expect(Math.abs(D._data[i * 5 + i] - Math.exp(d[i])) / Math.exp(d[i])).to.be.below(1e-13);
      for (let j = 0; j < 5; j++) if (j !== i) expect(D._data[i * 5 + j]).to.equal(0);
    }
    // Strictly upper-triangular N (N⁴ = 0): e^N = I + N + N²/2 + N³/6 exactly; entries up to 7 exercise scaling.
    const g = normals(5, 16);
    const N = new Float64Array(16);
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) N[i * 4 + j] = 3 * g[i * 4 + j];
    const N2 = matmulRef(N, N, 4, 4, 4), N3 = matmulRef(N2, N, 4, 4, 4);
    const ref = new Float64Array(16);
    for (let i = 0; i < 16; i++) ref[i] = (i % 5 === 0 ? 1 : 0) + N[i] + N2[i] / 2 + N3[i] / 6;
    expect(maxAbsDiff(expm(tt.tensor(N, { shape: [4, 4] }))._data, ref)).to.be.below(1e-12 * Math.max(...ref.map(Math.abs)));
    for (const theta of [0.3, 10, 100]) {
      const R = expm(tt.tensor([[0, -theta], [theta, 0]]))._data;
      // Rotation by θ: errors grow like θ·ε through the squarings, hence 1e-15·θ·10.
      expect(maxAbsDiff(R, [Math.cos(theta), -Math.sin(theta), Math.sin(theta), Math.cos(theta)])).to.be.below(1e-14 * theta);
    }
    const [a, c, b] = [-3, 5, 40];
    const T = expm(tt.tensor([[a, b], [0, c]]))._data;
    const ref2 = [Math.exp(a), (b * (Math.exp(a) - Math.exp(c))) / (a - c), 0, Math.exp(c)];
    for (let i = 0; i < 4; i++) expect(Math.abs(T[i] - ref2[i])).to.be.below(1e-13 * Math.max(1, Math.abs(ref2[i])));
  });

  it('satisfies e^A e^(−A) = I and e^S = V e^Λ Vᵀ for symmetric S (large norms)', () => {
    const n = 8;
    const A = scaled(randomMatrix(11, n), 6);
    const P = matmulRef(expm(A)._data, expm(tt.neg(A))._data, n, n, n);
    const I = new Float64Array(n * n);
    for (let i = 0; i < n; i++) I[i * n + i] = 1;
    // 1e-11: ‖e^A‖·‖e^(−A)‖ ≲ e^12 in the worst case bounds the amplification of roundoff; in practice ~1e-13.
    expect(maxAbsDiff(P, I)).to.be.below(1e-11);
    const S = tt.mul(randomSymmetric(12, n), 3);
    const { values, vectors } = tt.linalg.eigh(S);
    const ref = tt.matmul(tt.mul(vectors, tt.reshape(tt.exp(values), [1, n])), tt.transpose(vectors));
    const E = expm(S);
    const scale = Math.max(...Array.from(ref._data, Math.abs));
    expect(maxAbsDiff(E._data, ref._data) / scale).to.be.below(1e-13);
  });

  it('gradients match finite differences to second order, in both the Padé-only and the scaling branch', () => {
    const n = 3;
    const W = tt.tensor(normals(21, n * n), { shape: [n, n] });
    for (const [seed, norm] of [[22, 0.5], [23, 8]]) {
      const A = scaled(randomMatrix(seed, n), norm);
      // rtol 1e-6; the map is entire, so central differences are accurate to ~1e-9 relative at these norms.
      tt.testing.checkGrads((X: tt.Tensor) => tt.sum(tt.mul(expm(X), W)), [A], { rtol: 1e-6, order: 2 });
    }
    // d tr(e^A)/dA = (e^A)ᵀ (closed form).
    const A = scaled(randomMatrix(24, 4), 3);
    const g = tt.grad((X: tt.Tensor) => tt.sum(tt.mul(expm(X), tt.eye(4))))(A) as tt.Tensor;
    expect(maxAbsDiff(g._data, tt.transpose(expm(A))._data)).to.be.below(1e-12 * 20);
  });

  it('the VJP is linear in the cotangent, including tiny and huge cotangents (they are renormalised internally)', () => {
    const A = scaled(randomMatrix(31, 4), 3);
    const W = tt.tensor(normals(32, 16), { shape: [4, 4] });
    const [, pullback] = tt.vjp(expm, A);
    const g = (pullback(W) as tt.Tensor[])[0]._data;
    for (const c of [1e-200, 1e200]) {
      const gc = (pullback(tt.mul(W, c)) as tt.Tensor[])[0]._data;
      // 1e-13 relative: the same computation up to the renormalisation's rounding.
      expect(maxAbsDiff(Array.from(gc, (v) => v / c), g) / Math.max(...Array.from(g, Math.abs))).to.be.below(1e-13);
    }
    const zero = (pullback(tt.zeros([4, 4])) as tt.Tensor[])[0]._data;
    expect(Array.from(zero).every((v) => v === 0)).to.equal(true);
  });

  it('computes float32 in float64 and rejects bad input with TracetapeError', () => {
    const E = expm(tt.tensor([[0, -1], [1, 0]], { dtype: 'float32' }));
    expect(E.dtype).to.equal('float32');
    expect(Math.abs(E._data[0] - Math.cos(1))).to.be.below(1e-7);
    expectTracetapeError(() => expm(tt.ones([2, 3])), 'expm', 'A must be square', '[2,3]');
    expectTracetapeError(() => expm(tt.ones([4])), 'expm', 'rank 2');
    expectTracetapeError(() => expm(tt.tensor([[1000, 0], [0, 1]])), 'expm', 'overflowed');
    expectTracetapeError(() => expm(tt.tensor([[NaN]])), 'expm', 'finite');
  });
});
