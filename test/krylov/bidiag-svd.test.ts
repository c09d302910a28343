/** Tests of krylov.bidiag (Golub–Kahan) and krylov.randomizedSvd against dense references. */
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { rng, randMatrix, randVector, relErr } from './helpers.js';

const mv = (v: tt.Tensor, P: tt.Tensor): tt.Tensor => tt.matmul(P, v);
const rmv = (u: tt.Tensor, P: tt.Tensor): tt.Tensor => tt.matmul(tt.transpose(P), u);

function singularValues(A: tt.Tensor): number[] {
  return Array.from(tt.linalg.eigh(tt.matmul(tt.transpose(A), A)).values._data).map((x) => Math.sqrt(Math.max(x, 0))).sort((a, b) => b - a);
}

describe('krylov.bidiag', () => {
  it('satisfies A Vᵀ = Uᵀ B and Aᵀ Uᵀ = Vᵀ Bᵀ + r e_Kᵀ; at full depth B has the singular values of A', () => {
    const r = rng(1);
    const A = randMatrix(r, 30, 18);
    const K = 10;
    const res = tt.krylov.bidiag(mv, rmv, randVector(r, 18), A, { depth: K });
    const B = tt.add(tt.diag(res.alphas), tt.diag(res.betas, 1));
    expect(relErr(tt.matmul(A, tt.transpose(res.V)), tt.matmul(tt.transpose(res.U), B))).to.be.below(1e-13);
    const eK = new Float64Array(K); eK[K - 1] = 1;
    const rhs = tt.add(tt.matmul(tt.transpose(res.V), tt.transpose(B)), tt.outer(res.residual, tt.tensor(eK)));
    expect(relErr(tt.matmul(tt.transpose(A), tt.transpose(res.U)), rhs)).to.be.below(1e-13);
    expect(relErr(tt.matmul(res.U, tt.transpose(res.U)), tt.eye(K))).to.be.below(1e-14);
    const full = tt.krylov.bidiag(mv, rmv, randVector(r, 18), A, { depth: 18 });
    const Bf = tt.add(tt.diag(full.alphas), tt.diag(full.betas, 1));
    expect(relErr(singularValues(Bf), singularValues(A))).to.be.below(1e-12);
  });

  it('is differentiable in v0 and the operator (central differences)', () => {
    const r = rng(2);
    const A = randMatrix(r, 9, 7);
    const wts = randVector(r, 4);
    const loss = (v: tt.Tensor, P: tt.Tensor): tt.Tensor => {
      const res = tt.krylov.bidiag(mv, rmv, v, P, { depth: 4 });
      return tt.add(tt.dot(res.alphas, wts), tt.sum(tt.square(res.betas)));
    };
    tt.testing.checkGrads(loss, [randVector(r, 7), A], { rtol: 1e-6, directions: 10 });
  });

  it('rejects bad input', () => {
    const A = randMatrix(rng(3), 5, 4);
    expect(() => tt.krylov.bidiag(mv, rmv, tt.ones([4]), A, { depth: 5 })).to.throw(tt.TracetapeError, /bidiag: depth must be ≤ n = 4/);
    expect(() => tt.krylov.bidiag(mv, rmv, tt.ones([4]), A, { depth: 2, reortho: 'x' as 'full' })).to.throw(tt.TracetapeError, /reortho must be one of/);
    expect(() => tt.krylov.bidiag(mv, () => tt.ones([3]), tt.ones([4]), A, { depth: 2 })).to.throw(tt.TracetapeError, /rmatvec must return a vector of shape \[4\]/);
  });
});

describe('krylov.randomizedSvd', () => {
  it('recovers the leading singular triplets of a numerically low-rank matrix (Halko–Martinsson–Tropp)', () => {
    const r = rng(4);
    const m = 60, n = 40, k = 6;
    // A = X diag(s) Yᵀ + 1e-6·noise with decaying s.
    const orth = (k: number): tt.Tensor => { const R = randMatrix(r, k, k); return tt.linalg.eigh(tt.matmul(R, tt.transpose(R))).vectors; };
    const X = orth(m), Y = orth(n);
    const s = Array.from({ length: n }, (_, i) => Math.pow(0.5, i));
    const Xs = tt.slice(X, [0, 0], [m, n]);
    const A = tt.add(tt.matmul(tt.mul(Xs, tt.tensor(s)), tt.transpose(Y)), tt.mul(randMatrix(r, m, n), 1e-9));
    const svd = tt.krylov.randomizedSvd((v: tt.Tensor) => tt.matmul(A, v), (u: tt.Tensor) => tt.matmul(tt.transpose(A), u), [m, n], { rank: k, key: tt.random.key(1) });
    expect(svd.U.shape).to.deep.equal([m, k]);
    expect(svd.S.shape).to.deep.equal([k]);
    expect(svd.V.shape).to.deep.equal([n, k]);
    const exact = singularValues(A).slice(0, k);
    // With oversampling 10 and one power iteration the leading values are exact to rounding for a 2^-i spectrum.
    expect(relErr(svd.S, exact)).to.be.below(1e-10);
    expect(relErr(tt.matmul(tt.transpose(svd.U), svd.U), tt.eye(k))).to.be.below(1e-12);
    expect(relErr(tt.matmul(tt.transpose(svd.V), svd.V), tt.eye(k))).to.be.below(1e-12);
    const approx = tt.matmul(tt.mul(svd.U, svd.S), tt.transpose(svd.V));
    const tail = Math.sqrt(s.slice(k).reduce((a, x) => a + x * x, 0));
    const err = Math.sqrt(tt.sum(tt.square(tt.sub(A, approx))).item());
    expect(err).to.be.below(1.01 * tail + 1e-8);
  });

  it('rejects bad input', () => {
    const f = (v: tt.Tensor): tt.Tensor => v;
    const bad = (g: () => unknown, re: RegExp): void => { expect(g).to.throw(tt.TracetapeError, re); };
    bad(() => tt.krylov.randomizedSvd(f, f, [4, 4], { rank: 5, key: tt.random.key(0) }), /rank must be ≤ min\(m, n\) = 4/);
    bad(() => tt.krylov.randomizedSvd(f, f, [4, 4], { rank: 2 } as unknown as tt.krylov.RandomizedSvdOptions), /key must be a PRNGKey/);
    bad(() => tt.krylov.randomizedSvd(f, f, [4, 0] as [number, number], { rank: 1, key: tt.random.key(0) }), /shape must be \[m, n\]/);
    bad(() => tt.krylov.randomizedSvd(() => tt.ones([3]), f, [4, 4], { rank: 1, key: tt.random.key(0) }), /matvec must return a vector of shape \[4\]/);
  });
});
