/** Tests of krylov.lanczos: forward relations, full-depth reconstruction, adjoint vs backprop vs finite differences, breakdown, errors. */
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { rng, randMatrix, randVector, symMatvec, spdMatrix, hilbert, relErr, tridiagDense, pairing, type DenseParams } from './helpers.js';

function residualRelation(A: tt.Tensor, res: tt.krylov.LanczosResult): number {
  // ‖A Qᵀ − Qᵀ T − r e_Kᵀ‖_max / ‖A‖_max
  const K = res.alphas.size;
  const T = tridiagDense(res.alphas, res.betas);
  const eK = new Float64Array(K); eK[K - 1] = 1;
  const lhs = tt.matmul(A, tt.transpose(res.Q));
  const rhs = tt.add(tt.matmul(tt.transpose(res.Q), T), tt.outer(res.residual, tt.tensor(eK)));
  let m = 0, a = 0;
  for (let i = 0; i < lhs.size; i++) m = Math.max(m, Math.abs(lhs._data[i] - rhs._data[i]));
  for (let i = 0; i < A.size; i++) a = Math.max(a, Math.abs(A._data[i]));
  return m / a;
}

function orthoError(Q: tt.Tensor, rows = Q.shape[0]): number {
  const G = tt.matmul(Q, tt.transpose(Q));
  let m = 0;
  for (let i = 0; i < rows; i++) for (let j = 0; j < rows; j++) m = Math.max(m, Math.abs(G._data[i * Q.shape[0] + j] - (i === j ? 1 : 0)));
  return m;
}

function denseSym(p: DenseParams): tt.Tensor {
  return tt.add(tt.mul(tt.add(p.A, tt.transpose(p.A)), 0.5), tt.mul(tt.eye(p.d.size), p.d));
}

function randomCotangents(r: () => number, n: number, K: number): Record<string, tt.Tensor> {
  return { Q: randMatrix(r, K, n), alphas: randVector(r, K), betas: randVector(r, K - 1), residual: randVector(r, n), initNormInv: tt.tensor(r()) };
}

describe('krylov.lanczos', () => {
  it('satisfies A Qᵀ = Qᵀ T + r e_Kᵀ with orthonormal Q (float64, both reortho modes)', () => {
    const r = rng(11);
    const n = 60, K = 25;
    const p = { A: spdMatrix(r, n), d: randVector(r, n) };
    const A = denseSym(p);
    for (const reortho of ['full', 'none'] as const) {
      const res = tt.krylov.lanczos(symMatvec, randVector(r, n), p, { depth: K, reortho });
      expect(res.Q.shape).to.deep.equal([K, n]);
      expect(res.alphas.shape).to.deep.equal([K]);
      expect(res.betas.shape).to.deep.equal([K - 1]);
      expect(res.residual.shape).to.deep.equal([n]);
      expect(res.initNormInv.shape).to.deep.equal([]);
      // The three-term relation holds to rounding in both modes; orthogonality only with full reorthogonalisation.
      expect(residualRelation(A, res)).to.be.below(1e-12);
      if (reortho === 'full') expect(orthoError(res.Q)).to.be.below(1e-13);
    }
  });

  it('at full depth K = n reconstructs A to 1e-10 and T has the eigenvalues of a dense eigh', () => {
    const r = rng(12);
    const n = 40;
    const p = { A: spdMatrix(r, n), d: randVector(r, n) };
    const A = denseSym(p);
    const res = tt.krylov.lanczos(symMatvec, randVector(r, n), p, { depth: n });
    const T = tridiagDense(res.alphas, res.betas);
    const recon = tt.matmul(tt.matmul(tt.transpose(res.Q), T), res.Q);
    expect(relErr(recon, A)).to.be.below(1e-10);
    const ev = tt.linalg.eigh(T).values, evRef = tt.linalg.eigh(A).values;
    // Relative to the spectral scale ‖A‖₂ (eigenvalues near 0 are only determined to that accuracy).
    const scale = Math.max(...Array.from(evRef._data, Math.abs));
    for (let i = 0; i < n; i++) expect(Math.abs(ev._data[i] - evRef._data[i]) / scale).to.be.below(1e-12);
  });

  for (const reortho of ['full', 'none'] as const) {
    it(`adjoint VJP equals backprop through the iteration (reortho '${reortho}', random cotangents on every output, n up to 200)`, () => {
      for (const [n, K] of [[20, 8], [200, 15]]) {
        for (const seed of [0, 1, 2]) {
          const r = rng(100 + seed + n);
          const p = { A: spdMatrix(r, n), d: randVector(r, n) };
          const v0 = randVector(r, n);
          const cts = randomCotangents(r, n, K);
          const grads = (['adjoint', 'backprop'] as const).map((gradient) => {
            const [, pb] = tt.vjp((v: tt.Tensor, A: tt.Tensor, d: tt.Tensor) =>
              tt.krylov.lanczos(symMatvec, v, { A, d }, { depth: K, reortho, gradient }) as unknown as Record<string, tt.Tensor>, v0, p.A, p.d);
            return pb(cts) as tt.Tensor[];
          });
          // Both compute the gradient of the same floating-point iteration; they differ by rounding amplified by the
          // conditioning of the recurrence (observed ≤ 1e-12 here), so 1e-9 leaves margin without hiding real errors.
          for (let i = 0; i < 3; i++) expect(relErr(grads[0][i], grads[1][i]), `n=${n} seed=${seed} arg ${i}`).to.be.below(1e-9);
        }
      }
    });
  }

  it('adjoint with a built-in operator (laplacian2d field + diagonal, pytree params) equals backprop and finite differences', () => {
    // A(k, d) = −∇·(k∇·) + diag(d) on a 5×4 grid: symmetric for every (k, d), so the symmetric matvec-VJP path applies
    // (Aλ from one recorded product, parameter cotangent from its pullback) with a tape-native operator instead of matmul.
    const nx = 5, ny = 4, n = nx * ny, K = 8;
    const lap = tt.ops.laplacian2d(nx, ny);
    const op = (v: tt.Tensor, p: { k: tt.Tensor; d: tt.Tensor }): tt.Tensor => tt.add(lap(v, p.k), tt.mul(p.d, v));
    for (const reortho of ['full', 'none'] as const) {
      for (const seed of [0, 1, 2]) {
        const r = rng(300 + seed);
        const k = tt.add(randVector(r, n), 1.2), d = randVector(r, n), v0 = randVector(r, n);
        const cts = randomCotangents(r, n, K);
        // Seed 2 leaves the residual (and Q) without cotangent, so the adjoint runs with no residual cotangent at all.
        if (seed === 2) { delete cts.residual; delete cts.Q; }
        const loss = (gradient: 'adjoint' | 'backprop') => (v: tt.Tensor, kk: tt.Tensor, dd: tt.Tensor): tt.Tensor =>
          pairing(tt.krylov.lanczos(op, v, { k: kk, d: dd }, { depth: K, reortho, gradient }) as unknown as Record<string, tt.Tensor>, cts);
        const ga = tt.grad(loss('adjoint'), { argnums: [0, 1, 2] })(v0, k, d) as tt.Tensor[];
        const gb = tt.grad(loss('backprop'), { argnums: [0, 1, 2] })(v0, k, d) as tt.Tensor[];
        // Same iteration, differentiated two ways: rounding-level agreement (see the random-cotangent test above).
        for (let i = 0; i < 3; i++) expect(relErr(ga[i], gb[i]), `${reortho} seed ${seed} argument ${i}`).to.be.below(1e-9);
        // Independent check: central differences of the scalar loss (float64, checkGrads default step; rtol as above).
        tt.testing.checkGrads(loss('adjoint'), [v0, k, d], { rtol: 1e-6, directions: 6 });
      }
    }
  });

  it('the adjoint reports a non-finite parameter VJP of the matvec (checked once on the accumulated gradient)', () => {
    // A(s) = diag(√s) with some s_i = 0: the products are finite, ∂√s/∂s is not.
    const r = rng(81);
    const n = 10;
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) s[i] = i % 3 === 0 ? 0 : 1 + i;
    const op = (v: tt.Tensor, p: tt.Tensor): tt.Tensor => tt.mul(tt.sqrt(p), v);
    const v0 = randVector(r, n);
    for (const reortho of ['full', 'none'] as const) {
      const f = (p: tt.Tensor): tt.Tensor => tt.sum(tt.krylov.lanczos(op, v0, p, { depth: 4, reortho }).alphas);
      expect(() => tt.grad(f)(tt.tensor(s))).to.throw(tt.TracetapeError, /lanczos: the VJP of matvec with respect to params returned a non-finite value/);
    }
  });

  it('adjoint gradient of a scalar loss matches central finite differences (v0, diagonal and matrix parameters)', () => {
    const r = rng(21);
    const n = 12, K = 6;
    const A = spdMatrix(r, n), d = randVector(r, n), v0 = randVector(r, n);
    const cts = randomCotangents(r, n, K);
    for (const reortho of ['full', 'none'] as const) {
      const loss = (v: tt.Tensor, A: tt.Tensor, dd: tt.Tensor): tt.Tensor =>
        pairing(tt.krylov.lanczos(symMatvec, v, { A, d: dd }, { depth: K, reortho }) as unknown as Record<string, tt.Tensor>, cts);
      // float64 central differences with eps 1e-6 are accurate to ~1e-9 relative here; 1e-6 is the checkGrads default.
      tt.testing.checkGrads(loss, [v0, A, d], { rtol: 1e-6, directions: 12 });
    }
  });

  it('float64 Hilbert matrix n = 15, K = 10: adjoint gradient matches finite differences and backprop', () => {
    const n = 15, K = 10;
    const H = hilbert(n);
    const r = rng(31);
    const v0 = randVector(r, n);
    const w = randVector(r, K);
    const scaled = (v: tt.Tensor, p: { H: tt.Tensor; s: tt.Tensor }): tt.Tensor => tt.mul(p.s, tt.matmul(tt.mul(tt.add(p.H, tt.transpose(p.H)), 0.5), v));
    // A smooth loss of the whole factorisation: Σ w_k α_k + Σ β_k² + ⟨r, r⟩ (the residual is ~1e-11 but differentiable).
    const loss = (gradient: 'adjoint' | 'backprop') => (v: tt.Tensor, Hm: tt.Tensor, s: tt.Tensor): tt.Tensor => {
      const res = tt.krylov.lanczos(scaled, v, { H: Hm, s }, { depth: K, gradient });
      return tt.add(tt.add(tt.sum(tt.mul(res.alphas, w)), tt.sum(tt.square(res.betas))), tt.sum(tt.square(res.residual)));
    };
    // Finite differences are meaningful along v0 and the scale s (A(s) = s·H keeps the spectrum's shape); along single
    // entries of H the tiny eigenvalues (down to 1e-18) move so much that central differences do not converge in
    // float64. With full re-orthogonalisation and the projected adjoint the gradient agrees to 1e-6 (FD error ~1e-8).
    tt.testing.checkGrads((v: tt.Tensor, s: tt.Tensor) => loss('adjoint')(v, H, s), [v0, tt.tensor(1.3)], { rtol: 1e-6 });
    const ga = tt.grad(loss('adjoint'), { argnums: [0, 1, 2] })(v0, H, tt.tensor(1.3)) as tt.Tensor[];
    const gb = tt.grad(loss('backprop'), { argnums: [0, 1, 2] })(v0, H, tt.tensor(1.3)) as tt.Tensor[];
    // Including the gradient with respect to every entry of H: adjoint and taped backprop agree to 1e-6.
    for (let i = 0; i < 3; i++) expect(relErr(ga[i], gb[i]), `argument ${i}`).to.be.below(1e-6);
  });

  it('breakdown: an operator with 3 distinct eigenvalues stops after 3 steps, pads with zeros, keeps gradients finite', () => {
    const n = 12, K = 6;
    const dv = new Float64Array(n);
    for (let i = 0; i < n; i++) dv[i] = [1, 2, 5][i % 3];
    const p = { A: tt.zeros([n, n]), d: tt.tensor(dv) };
    const r = rng(41);
    const v0 = randVector(r, n);
    for (const reortho of ['full', 'none'] as const) {
      const res = tt.krylov.lanczos(symMatvec, v0, p, { depth: K, reortho });
      expect(res.Q.shape).to.deep.equal([K, n]);
      for (let i = 3 * n; i < K * n; i++) expect(res.Q._data[i]).to.equal(0);
      for (let k = 3; k < K; k++) expect(res.alphas._data[k]).to.equal(0);
      for (let k = 2; k < K - 1; k++) expect(res.betas._data[k]).to.equal(0);
      expect(Array.from(res.residual._data).every((x) => x === 0)).to.equal(true);
      const ev = tt.linalg.eigh(tridiagDense(tt.slice(res.alphas, [0], [3]), tt.slice(res.betas, [0], [2]))).values;
      expect(relErr(ev, tt.tensor([1, 2, 5]))).to.be.below(1e-12);
      const cts = randomCotangents(r, n, K);
      const loss = (gradient: 'adjoint' | 'backprop') => (v: tt.Tensor): tt.Tensor =>
        pairing(tt.krylov.lanczos(symMatvec, v, p, { depth: K, reortho, gradient }) as unknown as Record<string, tt.Tensor>, cts);
      const ga = tt.grad(loss('adjoint'))(v0) as tt.Tensor;
      const gb = tt.grad(loss('backprop'))(v0) as tt.Tensor;
      expect(Array.from(ga._data).every(Number.isFinite)).to.equal(true);
      expect(relErr(ga, gb)).to.be.below(1e-9);
      // Perturbing v0 keeps the Krylov space 3-dimensional, so the padded map is smooth in v0: finite differences apply.
      tt.testing.checkGrads(loss('adjoint'), [v0], { rtol: 1e-6 });
    }
    // v0 an eigenvector: breakdown after the first step.
    const e = new Float64Array(n); e[1] = 2;
    const res1 = tt.krylov.lanczos(symMatvec, tt.tensor(e), p, { depth: 4 });
    expect(Array.from(res1.alphas._data)).to.deep.equal([2, 0, 0, 0]);
    expect(Array.from(res1.betas._data)).to.deep.equal([0, 0, 0]);
  });

  it('adjoint mode records a single tape node (iterations are never taped); backprop records the iteration', () => {
    const r = rng(52);
    const n = 10;
    const p = { A: spdMatrix(r, n), d: randVector(r, n) };
    const v0 = randVector(r, n);
    tt.vjp((d: tt.Tensor) => {
      const res = tt.krylov.lanczos(symMatvec, v0, { A: p.A, d }, { depth: 5 });
      const node = (res.alphas as unknown as { _node: { name: string; parents: tt.Tensor[] } })._node;
      expect(node.name).to.equal('lanczos');
      // Its inputs are v0 and the parameter leaves, not intermediate Krylov vectors.
      expect(node.parents.length).to.equal(3);
      const bp = tt.krylov.lanczos(symMatvec, v0, { A: p.A, d }, { depth: 5, gradient: 'backprop' });
      expect((bp.alphas as unknown as { _node: { name: string } })._node.name).to.not.equal('lanczos');
      return res.alphas;
    }, p.d);
  });

  it('backprop mode supports second-order derivatives (HVP against finite differences)', () => {
    const r = rng(51);
    const n = 8, K = 4;
    const p = { A: spdMatrix(r, n), d: randVector(r, n) };
    const loss = (v: tt.Tensor, dd: tt.Tensor): tt.Tensor => {
      const res = tt.krylov.lanczos(symMatvec, v, { A: p.A, d: dd }, { depth: K, gradient: 'backprop' });
      return tt.add(tt.sum(tt.square(res.alphas)), tt.sum(res.betas));
    };
    tt.testing.checkGrads(loss, [randVector(r, n), randVector(r, n)], { order: 2, rtol: 1e-5 });
  });

  it('float32 operators run in float32', () => {
    const r = rng(61);
    const n = 30;
    const p = { A: tt.tensor(spdMatrix(r, n), { dtype: 'float32' }), d: tt.tensor(randVector(r, n), { dtype: 'float32' }) };
    const res = tt.krylov.lanczos(symMatvec, tt.tensor(randVector(r, n), { dtype: 'float32' }), p, { depth: 10 });
    expect(res.Q.dtype).to.equal('float32');
    expect(res.alphas.dtype).to.equal('float32');
    expect(orthoError(res.Q)).to.be.below(1e-5);
  });

  it('rejects bad input with TracetapeError naming the argument', () => {
    const r = rng(71);
    const n = 6;
    const p = { A: spdMatrix(r, n), d: randVector(r, n) };
    const v0 = randVector(r, n);
    const bad = (f: () => unknown, re: RegExp): void => { expect(f).to.throw(tt.TracetapeError, re); };
    bad(() => tt.krylov.lanczos(symMatvec, v0, p, { depth: 7 }), /lanczos: depth must be ≤ n = 6/);
    bad(() => tt.krylov.lanczos(symMatvec, v0, p, { depth: 0 }), /depth must be a positive integer/);
    bad(() => tt.krylov.lanczos(symMatvec, v0, p, { depth: 2.5 }), /depth must be a positive integer/);
    bad(() => tt.krylov.lanczos(symMatvec, v0, p, { depth: 2, reortho: 'partial' as 'full' }), /reortho must be one of 'full', 'none'/);
    bad(() => tt.krylov.lanczos(symMatvec, v0, p, { depth: 2, gradient: 'fd' as 'adjoint' }), /gradient must be one of/);
    bad(() => tt.krylov.lanczos(symMatvec, v0, p, { depth: 2, dept: 3 } as unknown as tt.krylov.LanczosOptions), /unknown option 'dept'/);
    bad(() => tt.krylov.lanczos(symMatvec, tt.zeros([n]), p, { depth: 2 }), /v0 must be non-zero/);
    bad(() => tt.krylov.lanczos(symMatvec, tt.zeros([2, 3]), p, { depth: 2 }), /v0 must be a non-empty 1-D Tensor/);
    bad(() => tt.krylov.lanczos(() => tt.full([n], NaN), v0, p, { depth: 2 }), /matvec returned a non-finite value \(NaN at index 0\) \(iteration 0\)/);
    bad(() => tt.krylov.lanczos(() => tt.zeros([n + 1]), v0, p, { depth: 2 }), /matvec must return a vector of shape \[6\], received shape \[7\]/);
    bad(() => tt.krylov.lanczos(() => tt.full([n], Infinity), v0, p, { depth: 2, gradient: 'backprop' }), /non-finite value \(Infinity/);
    // Second order through the adjoint is refused, not silently wrong.
    const f = (dd: tt.Tensor): tt.Tensor => tt.sum(tt.krylov.lanczos(symMatvec, v0, { A: p.A, d: dd }, { depth: 3 }).alphas);
    bad(() => tt.hvp(f, [p.d], [p.d]), /higher-order differentiation through gradient: 'adjoint' is not supported/);
  });
});
