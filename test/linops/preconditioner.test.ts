/** The access() interface feeds tt.krylov's pivoted-Cholesky preconditioner: CG on a kernel system converges in fewer steps. */
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { rng, randn } from './support.js';

describe('ops access() + krylov.pivotedCholeskyPreconditioner', () => {
  it('kernelMatvec.access gives diagonal, columns and shift that precondition CG on (K + σ²I) x = b', () => {
    const r = rng(41);
    const n = 150;
    const params = { X: randn(r, [n, 2], 2), lengthscale: 0.7, variance: 1.0, noise: 1e-2 };
    const b = randn(r, [n]);
    const acc = tt.ops.kernelMatvec.access(params);
    const pre = tt.krylov.pivotedCholeskyPreconditioner({ diagonal: () => acc.diag(), column: (i) => acc.column(i), shift: acc.shift, rank: 30 });
    let plain = 0, precond = 0;
    const x1 = tt.krylov.cg(tt.ops.kernelMatvec, b, params, { tol: 1e-8, onIteration: () => { plain++; } });
    const x2 = tt.krylov.cg(tt.ops.kernelMatvec, b, params, { tol: 1e-8, preconditioner: pre, onIteration: () => { precond++; } });
    // Both solve the same system; the residual of each is small relative to b.
    for (const x of [x1, x2]) {
      const res = tt.sub(tt.ops.kernelMatvec(x, params), b);
      expect(Math.sqrt(tt.sum(tt.square(res)).item()) / Math.sqrt(tt.sum(tt.square(b)).item())).to.be.below(1e-7);
    }
    expect(precond).to.be.below(plain);
  });
});
