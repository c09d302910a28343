/** Tests of krylov.cg (solution, implicit-VJP gradients, convergence control) and the pivoted-Cholesky preconditioner. */
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { rng, randVector, symMatvec, spdMatrix, relErr, rbfOperator, randomPoints } from './helpers.js';

function dense(p: { A: tt.Tensor; d: tt.Tensor }): tt.Tensor {
  return tt.add(tt.mul(tt.add(p.A, tt.transpose(p.A)), 0.5), tt.mul(tt.eye(p.d.size), p.d));
}

describe('krylov.cg', () => {
  const n = 40;
  const r = rng(1);
  const p = { A: spdMatrix(r, n), d: tt.mul(tt.ones([n]), 0.2) };
  const b = randVector(r, n);
  const w = randVector(r, n);

  it('solves A x = b to the requested tolerance (matches a dense LU solve)', () => {
    const x = tt.krylov.cg(symMatvec, b, p, { tol: 1e-12 });
    // ‖x − x*‖/‖x*‖ ≤ κ(A)·tol with κ ≈ 10 here.
    expect(relErr(x, tt.linalg.solve(dense(p), b))).to.be.below(1e-10);
  });

  it('gradients w.r.t. b and the operator parameters equal those of a dense solve, using one extra solve in backward', () => {
    let forwardIts = 0, backwardIts = 0;
    const onIteration = (pr: tt.krylov.CgProgress): void => { if (pr.phase === 'forward') forwardIts++; else backwardIts++; };
    const lossCg = (bb: tt.Tensor, A: tt.Tensor, d: tt.Tensor): tt.Tensor => tt.dot(w, tt.krylov.cg(symMatvec, bb, { A, d }, { tol: 1e-13, onIteration }));
    const lossDense = (bb: tt.Tensor, A: tt.Tensor, d: tt.Tensor): tt.Tensor => tt.dot(w, tt.linalg.solve(dense({ A, d }), bb));
    const g1 = tt.grad(lossCg, { argnums: [0, 1, 2] })(b, p.A, p.d) as tt.Tensor[];
    const g2 = tt.grad(lossDense, { argnums: [0, 1, 2] })(b, p.A, p.d) as tt.Tensor[];
    for (let i = 0; i < 3; i++) expect(relErr(g1[i], g2[i]), `argument ${i}`).to.be.below(1e-9);
    expect(forwardIts).to.be.above(0);
    expect(backwardIts).to.be.above(0);
    tt.testing.checkGrads(lossCg, [b, p.A, p.d], { rtol: 1e-6, directions: 8 });
  });

  it('throws when maxIter is reached, unless allowNonConverged', () => {
    expect(() => tt.krylov.cg(symMatvec, b, p, { maxIter: 2 })).to.throw(tt.TracetapeError, /cg: did not converge within maxIter = 2 iterations in the forward solve/);
    const x = tt.krylov.cg(symMatvec, b, p, { maxIter: 2, allowNonConverged: true });
    const res = relErr(symMatvec(x, p), b);
    expect(res).to.be.below(1).and.above(1e-6);
  });

  it('the pivoted-Cholesky preconditioner cuts the iterations on an RBF kernel matrix K + σ²I', () => {
    const m = 300;
    const { matvec, dense: denseK } = rbfOperator(randomPoints(rng(2), m, 8), m);
    const params = { logEll: tt.tensor(0.3), logSf: tt.tensor(0), logSn: tt.tensor(Math.log(0.1)) };
    const { K } = denseK(params);
    const sn2 = 0.01;
    const bb = randVector(rng(3), m);
    const count = (pre?: tt.krylov.Preconditioner): { its: number; x: tt.Tensor } => {
      let its = 0;
      const x = tt.krylov.cg(matvec, bb, params, { preconditioner: pre, tol: 1e-10, onIteration: (pr) => { its = pr.iteration; } });
      return { its, x };
    };
    const plain = count();
    // The preconditioner sees the noise-free kernel through callbacks (diagonal, columns) and the shift σ².
    const pre = tt.krylov.pivotedCholeskyPreconditioner({
      diagonal: () => Array.from({ length: m }, (_, i) => K[i * m + i] - sn2),
      column: (i) => { const c = K.slice(i * m, (i + 1) * m); c[i] -= sn2; return c; },
      shift: sn2, rank: 40,
    });
    const withPre = count(pre);
    expect(pre.rank).to.be.at.most(40);
    expect(withPre.its).to.be.below(plain.its / 3);
    expect(relErr(withPre.x, plain.x)).to.be.below(1e-8);
    // M⁻¹ applied to M r gives r back (Woodbury is exact for M = LᵀL + σ²I).
    const x = randVector(rng(4), m);
    expect(pre(x).shape).to.deep.equal([m]);
  });

  it('rejects bad input and reports non-finite or indefinite operators', () => {
    const bad = (f: () => unknown, re: RegExp): void => { expect(f).to.throw(tt.TracetapeError, re); };
    bad(() => tt.krylov.cg(symMatvec, tt.zeros([2, 2]), p), /cg: b must be a non-empty 1-D Tensor/);
    bad(() => tt.krylov.cg(symMatvec, b, p, { tol: -1 }), /tol must be a non-negative finite number/);
    bad(() => tt.krylov.cg(symMatvec, b, p, { maxIter: 0 }), /maxIter must be a positive integer/);
    bad(() => tt.krylov.cg(symMatvec, b, p, { precond: 1 } as unknown as tt.krylov.CgOptions), /unknown option 'precond'/);
    bad(() => tt.krylov.cg(() => tt.full([n], NaN), b, p), /cg: matvec returned a non-finite value/);
    bad(() => tt.krylov.cg((v: tt.Tensor) => tt.mul(v, -1), b, null), /cg: the operator is not positive definite/);
    bad(() => tt.krylov.cg(symMatvec, b, p, { preconditioner: () => tt.zeros([3]) }), /preconditioner must return a vector of shape \[40\]/);
    bad(() => tt.krylov.pivotedCholeskyPreconditioner({ diagonal: [1, 1], column: () => [1, 0], shift: 0, rank: 1 }), /shift must be a positive number/);
  });
});
