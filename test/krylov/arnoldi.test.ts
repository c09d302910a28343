/** Tests of krylov.arnoldi: forward relations, full depth, adjoint (with/without projection) vs backprop vs finite differences, breakdown, errors. */
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { rng, randMatrix, randVector, genMatvec, hilbert, relErr, pairing } from './helpers.js';

function dense(p: { A: tt.Tensor; d: tt.Tensor }): tt.Tensor {
  return tt.add(p.A, tt.mul(tt.eye(p.d.size), p.d));
}

function relationError(A: tt.Tensor, res: tt.krylov.ArnoldiResult): number {
  const K = res.H.shape[0];
  const eK = new Float64Array(K); eK[K - 1] = 1;
  const lhs = tt.matmul(A, tt.transpose(res.Q));
  const rhs = tt.add(tt.matmul(tt.transpose(res.Q), res.H), tt.outer(res.residual, tt.tensor(eK)));
  return relErr(lhs, rhs);
}

function randomCotangents(r: () => number, n: number, K: number): Record<string, tt.Tensor> {
  return { Q: randMatrix(r, K, n), H: randMatrix(r, K, K), residual: randVector(r, n), initNormInv: tt.tensor(r()) };
}

describe('krylov.arnoldi', () => {
  it('satisfies A Qᵀ = Qᵀ H + r e_Kᵀ with orthonormal Q and upper Hessenberg H', () => {
    const r = rng(1);
    const n = 50, K = 20;
    const p = { A: randMatrix(r, n), d: randVector(r, n) };
    for (const reortho of ['full', 'none'] as const) {
      const res = tt.krylov.arnoldi(genMatvec, randVector(r, n), p, { depth: K, reortho });
      expect(res.H.shape).to.deep.equal([K, K]);
      expect(relationError(dense(p), res)).to.be.below(1e-13);
      const G = tt.matmul(res.Q, tt.transpose(res.Q));
      expect(relErr(G, tt.eye(K))).to.be.below(reortho === 'full' ? 1e-14 : 1e-11);
      for (let i = 0; i < K; i++) for (let j = 0; j < i - 1; j++) expect(res.H._data[i * K + j]).to.equal(0);
    }
  });

  it('at full depth reconstructs A (1e-10) and H has the eigenvalues of A for a symmetric A', () => {
    const r = rng(2);
    const n = 30;
    const B = randMatrix(r, n);
    const S = tt.mul(tt.add(B, tt.transpose(B)), 0.5);
    const p = { A: S, d: tt.zeros([n]) };
    const res = tt.krylov.arnoldi(genMatvec, randVector(r, n), p, { depth: n });
    const recon = tt.matmul(tt.matmul(tt.transpose(res.Q), res.H), res.Q);
    expect(relErr(recon, S)).to.be.below(1e-10);
    const Hs = tt.mul(tt.add(res.H, tt.transpose(res.H)), 0.5);
    expect(relErr(tt.linalg.eigh(Hs).values, tt.linalg.eigh(S).values)).to.be.below(1e-12);
  });

  for (const [reortho, adjointProjection] of [['full', 'full'], ['full', 'none'], ['none', 'none'], ['none', 'full']] as const) {
    it(`adjoint VJP equals backprop (reortho '${reortho}', adjointProjection '${adjointProjection}', several seeds, n up to 200)`, () => {
      for (const [n, K] of [[15, 6], [200, 12]]) {
        for (const seed of [0, 1, 2]) {
          const r = rng(200 + seed + n);
          const p = { A: tt.div(randMatrix(r, n), Math.sqrt(n)), d: randVector(r, n) };
          const v0 = randVector(r, n);
          const cts = randomCotangents(r, n, K);
          const grads = (['adjoint', 'backprop'] as const).map((gradient) => {
            const [, pb] = tt.vjp((v: tt.Tensor, A: tt.Tensor, d: tt.Tensor) =>
              tt.krylov.arnoldi(genMatvec, v, { A, d }, { depth: K, reortho, adjointProjection, gradient }) as unknown as Record<string, tt.Tensor>, v0, p.A, p.d);
            return pb(cts) as tt.Tensor[];
          });
          // Same floating-point iteration differentiated two ways; observed agreement ~1e-14, tolerance 1e-9.
          for (let i = 0; i < 3; i++) expect(relErr(grads[0][i], grads[1][i]), `n=${n} seed=${seed} arg ${i}`).to.be.below(1e-9);
        }
      }
    });
  }

  it('adjoint gradient matches central finite differences (v0, matrix and diagonal parameters)', () => {
    const r = rng(3);
    const n = 10, K = 5;
    const A = randMatrix(r, n), d = randVector(r, n), v0 = randVector(r, n);
    const cts = randomCotangents(r, n, K);
    const loss = (v: tt.Tensor, Am: tt.Tensor, dd: tt.Tensor): tt.Tensor =>
      pairing(tt.krylov.arnoldi(genMatvec, v, { A: Am, d: dd }, { depth: K }) as unknown as Record<string, tt.Tensor>, cts);
    tt.testing.checkGrads(loss, [v0, A, d], { rtol: 1e-6, directions: 12 });
  });

  it('float64 Hilbert matrix n = 15, K = 10: projected adjoint matches finite differences and backprop', () => {
    const n = 15, K = 10;
    const H = hilbert(n);
    const r = rng(4);
    const v0 = randVector(r, n);
    const W = randMatrix(r, K, K);
    const scaled = (v: tt.Tensor, p: { H: tt.Tensor; s: tt.Tensor }): tt.Tensor => tt.mul(p.s, tt.matmul(p.H, v));
    const loss = (gradient: 'adjoint' | 'backprop') => (v: tt.Tensor, Hm: tt.Tensor, s: tt.Tensor): tt.Tensor => {
      const res = tt.krylov.arnoldi(scaled, v, { H: Hm, s }, { depth: K, gradient });
      return tt.add(tt.sum(tt.mul(res.H, W)), tt.sum(tt.square(res.residual)));
    };
    // As for Lanczos: finite differences along v0 and the scale s (meaningful in float64), adjoint vs backprop on all.
    tt.testing.checkGrads((v: tt.Tensor, s: tt.Tensor) => loss('adjoint')(v, H, s), [v0, tt.tensor(0.7)], { rtol: 1e-6 });
    const ga = tt.grad(loss('adjoint'), { argnums: [0, 1, 2] })(v0, H, tt.tensor(0.7)) as tt.Tensor[];
    const gb = tt.grad(loss('backprop'), { argnums: [0, 1, 2] })(v0, H, tt.tensor(0.7)) as tt.Tensor[];
    // Measured: 1e-12 on v0 and s, 1.0e-6 on the H entries; the paper (Table: Hilbert matrices) reports that it is
    // backprop that loses accuracy here, so the comparison on H allows 1e-5.
    for (let i = 0; i < 3; i++) expect(relErr(ga[i], gb[i]), `argument ${i}`).to.be.below(i === 1 ? 1e-5 : 1e-9);
  });

  it('breakdown: a 2-dimensional invariant subspace stops after 2 steps with zero padding and finite gradients', () => {
    const n = 8, K = 5;
    // A = blockdiag(R, 3·I) with R a 2×2 rotation-scaling; v0 in the first block ⇒ Krylov dimension 2.
    const Ad = new Float64Array(n * n);
    Ad[0] = 1; Ad[1] = -2; Ad[n] = 2; Ad[n + 1] = 1;
    for (let i = 2; i < n; i++) Ad[i * n + i] = 3;
    const p = { A: tt.tensor(Ad, { shape: [n, n] }), d: tt.zeros([n]) };
    const v0 = tt.tensor([0.3, -1.1, 0, 0, 0, 0, 0, 0]);
    const res = tt.krylov.arnoldi(genMatvec, v0, p, { depth: K });
    for (let i = 2 * n; i < K * n; i++) expect(res.Q._data[i]).to.equal(0);
    expect(res.H._data[2 * K + 1]).to.equal(0);
    for (let i = 0; i < K; i++) for (let j = 2; j < K; j++) expect(res.H._data[i * K + j]).to.equal(0);
    expect(Array.from(res.residual._data).every((x) => x === 0)).to.equal(true);
    const cts = randomCotangents(rng(5), n, K);
    const loss = (gradient: 'adjoint' | 'backprop') => (v: tt.Tensor): tt.Tensor =>
      pairing(tt.krylov.arnoldi(genMatvec, v, p, { depth: K, gradient }) as unknown as Record<string, tt.Tensor>, cts);
    const ga = tt.grad(loss('adjoint'))(v0) as tt.Tensor;
    expect(Array.from(ga._data).every(Number.isFinite)).to.equal(true);
    expect(relErr(ga, tt.grad(loss('backprop'))(v0) as tt.Tensor)).to.be.below(1e-9);
  });

  it('rejects bad input with TracetapeError naming the argument', () => {
    const r = rng(6);
    const n = 5;
    const p = { A: randMatrix(r, n), d: randVector(r, n) };
    const v0 = randVector(r, n);
    const bad = (f: () => unknown, re: RegExp): void => { expect(f).to.throw(tt.TracetapeError, re); };
    bad(() => tt.krylov.arnoldi(genMatvec, v0, p, { depth: 6 }), /arnoldi: depth must be ≤ n = 5/);
    bad(() => tt.krylov.arnoldi(genMatvec, v0, p, { depth: 2, adjointProjection: 'yes' as 'full' }), /adjointProjection must be one of 'full', 'none'/);
    bad(() => tt.krylov.arnoldi(genMatvec, v0, p, { depth: 2, reortho: 'twice' as 'full' }), /reortho must be one of/);
    bad(() => tt.krylov.arnoldi(genMatvec, v0, p, { depth: 2, breakdownTol: -1 }), /breakdownTol must be a non-negative finite number/);
    bad(() => tt.krylov.arnoldi(() => tt.full([n], NaN), v0, p, { depth: 2 }), /arnoldi: matvec returned a non-finite value/);
    bad(() => tt.krylov.arnoldi(genMatvec, tt.full([n], NaN), p, { depth: 2 }), /v0 must be finite/);
  });
});
