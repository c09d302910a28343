/** Third derivatives through the linalg ops (grad of grad of grad), against closed forms: the VJPs are differentiable to any order. */
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { randomSpd, randomSymmetric, randomMatrix, matmulRef } from './support.js';

const n = 4;
type Scalar = (t: tt.Tensor) => tt.Tensor;
const d = (f: Scalar): Scalar => tt.grad(f) as Scalar;
const d3 = (f: Scalar, t0: number): number => d(d(d(f)))(tt.tensor(t0)).item();

function trace(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i * n + i];
  return s;
}

/** 2 tr((A⁻¹B)³): the third derivative of logdet(A + tB) at t = 0 (a forward-only formula; only `solve`'s forward is used). */
function logdetThird(A: tt.Tensor, B: tt.Tensor): number {
  const M = tt.linalg.solve(A, B)._data;
  const M2 = matmulRef(M, M, n, n, n);
  return 2 * trace(matmulRef(M2, M, n, n, n));
}

describe('linalg: third-order derivatives', () => {
  // Tolerances 1e-10 relative: each is an exact closed form evaluated in float64 on well-conditioned inputs.
  const A = randomSpd(1, n), B = randomSymmetric(2, n);
  const expected = logdetThird(A, B);
  const path = (t: tt.Tensor): tt.Tensor => tt.add(A, tt.mul(B, t));

  it('logdet via cholesky: d³/dt³ = 2 tr((A⁻¹B)³)', () => {
    const f = (t: tt.Tensor): tt.Tensor => {
      const L = tt.linalg.cholesky(path(t));
      return tt.mul(tt.sum(tt.log(tt.sum(tt.mul(L, tt.eye(n)), 1))), 2);
    };
    expect(Math.abs(d3(f, 0) - expected)).to.be.below(1e-10 * Math.abs(expected));
  });

  it('logdet via eigh and via slogdet agree with the same closed form', () => {
    const viaEigh = d3((t) => tt.sum(tt.log(tt.linalg.eigh(path(t)).values)), 0);
    expect(Math.abs(viaEigh - expected)).to.be.below(1e-10 * Math.abs(expected));
    const viaSlogdet = d3((t) => tt.linalg.slogdet(path(t)).logabsdet, 0);
    expect(Math.abs(viaSlogdet - expected)).to.be.below(1e-10 * Math.abs(expected));
    const G = randomMatrix(3, n), C = tt.add(tt.mul(G, 0.3), tt.mul(tt.eye(n), 2)), D = randomMatrix(4, n);
    const general = d3((t) => tt.linalg.slogdet(tt.add(C, tt.mul(D, t))).logabsdet, 0);
    const ref = logdetThird(C, D);
    expect(Math.abs(general - ref)).to.be.below(1e-10 * Math.abs(ref));
  });

  it('tr expm(A + tA²): d³/dt³ = tr(A⁶ e^A) (commuting direction)', () => {
    const S = tt.mul(randomSymmetric(5, n), 0.4);
    const S2 = tt.matmul(S, S);
    const f = (t: tt.Tensor): tt.Tensor => tt.sum(tt.mul(tt.linalg.expm(tt.add(S, tt.mul(S2, t))), tt.eye(n)));
    const S6 = tt.matmul(tt.matmul(S2, S2), S2);
    const ref = trace(tt.matmul(S6, tt.linalg.expm(S))._data);
    expect(Math.abs(d3(f, 0) - ref)).to.be.below(1e-10 * Math.max(1e-3, Math.abs(ref)));
  });
});
