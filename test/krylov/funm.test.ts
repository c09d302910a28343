/** Tests of funmLanczos / funmArnoldi: values and parameter gradients against dense eigendecomposition and Fréchet-derivative references. */
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { rng, randMatrix, randVector, symMatvec, genMatvec, spdMatrix, relErr } from './helpers.js';

type Named = 'exp' | 'log' | 'sqrt' | 'inv';
const scalar: Record<Named, { f: (x: number) => number; df: (x: number) => number }> = {
  exp: { f: Math.exp, df: Math.exp },
  log: { f: Math.log, df: (x) => 1 / x },
  sqrt: { f: Math.sqrt, df: (x) => 0.5 / Math.sqrt(x) },
  inv: { f: (x) => 1 / x, df: (x) => -1 / (x * x) },
};

/**
 * Independent reference for s(S) = vᵀ f(S) v with S symmetric: value Σ f(λ_i) y_i² (y = Vᵀv) and gradient
 * ∂s/∂S = V (F¹ ∘ y yᵀ) Vᵀ with the Daleckii–Krein divided differences F¹_ij = (f(λ_i) − f(λ_j))/(λ_i − λ_j) (f′ on ties).
 * Plain JS on a dense eigendecomposition (forward only).
 */
function denseReference(S: tt.Tensor, v: tt.Tensor, name: Named): { value: number; G: Float64Array } {
  const n = v.size;
  const { values, vectors } = tt.linalg.eigh(S);
  const lam = values._data, V = vectors._data;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) { let s = 0; for (let k = 0; k < n; k++) s += V[k * n + i] * v._data[k]; y[i] = s; }
  const { f, df } = scalar[name];
  let value = 0;
  for (let i = 0; i < n; i++) value += f(lam[i]) * y[i] * y[i];
  const M = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const d = lam[i] - lam[j];
    const F1 = Math.abs(d) > 1e-9 * Math.max(1, Math.abs(lam[i])) ? (f(lam[i]) - f(lam[j])) / d : df(lam[i]);
    M[i * n + j] = F1 * y[i] * y[j];
  }
  const G = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) { const via = V[a * n + i]; if (via === 0) continue; for (let j = 0; j < n; j++) s += via * M[i * n + j] * V[b * n + j]; }
    G[a * n + b] = s;
  }
  return { value, G };
}

describe('krylov.funmLanczos / krylov.funmArnoldi', () => {
  const n = 24;
  const r = rng(1);
  const A = spdMatrix(r, n);
  const d = tt.mul(tt.ones([n]), 0.3);
  const S = tt.add(tt.mul(tt.add(A, tt.transpose(A)), 0.5), tt.mul(tt.eye(n), d));
  const v = randVector(r, n);

  for (const name of ['log', 'exp', 'sqrt', 'inv'] as const) {
    it(`vᵀ ${name}(A) v and its gradient w.r.t. the matrix parameters match a dense eigendecomposition (full depth, rel ≤ 1e-8)`, () => {
      const ref = denseReference(S, v, name);
      for (const [label, funm, mv] of [['Lanczos', tt.krylov.funmLanczos, symMatvec], ['Arnoldi', tt.krylov.funmArnoldi, symMatvec]] as const) {
        const quad = (Am: tt.Tensor, dd: tt.Tensor): tt.Tensor => tt.dot(v, funm(name, { depth: n })(mv, v, { A: Am, d: dd }));
        const [val, grads] = tt.valueAndGrad(quad, { argnums: [0, 1] })(A, d) as [tt.Tensor, tt.Tensor[]];
        expect(Math.abs(val.item() - ref.value) / Math.abs(ref.value), `${label} value`).to.be.below(1e-8);
        // The matrix enters as ½(A + Aᵀ) + diag(d): ∂/∂A = ½(G + Gᵀ) = G (G symmetric), ∂/∂d = diag(G).
        expect(relErr(grads[0], ref.G), `${label} ∂/∂A`).to.be.below(1e-8);
        const gd = new Float64Array(n);
        for (let i = 0; i < n; i++) gd[i] = ref.G[i * n + i];
        expect(relErr(grads[1], gd), `${label} ∂/∂d`).to.be.below(1e-8);
      }
    });
  }

  it('f(A)v converges with depth and a user function of T equals the named one', () => {
    const refVec = (() => {
      const { values, vectors } = tt.linalg.eigh(S);
      return tt.matmul(vectors, tt.mul(tt.exp(tt.mul(values, -1)), tt.matmul(tt.transpose(vectors), v)));
    })();
    const errs = [4, 8, 12].map((K) => relErr(tt.krylov.funmLanczos((T: tt.Tensor) => tt.linalg.expm(tt.mul(T, -1)), { depth: K })(symMatvec, v, { A, d }), refVec));
    expect(errs[0]).to.be.above(errs[1]);
    expect(errs[1]).to.be.above(errs[2]);
    expect(errs[2]).to.be.below(1e-8);
  });

  it('Arnoldi expm: gradient of sum((e^{A(t)} v)²) w.r.t. t matches a dense Fréchet-derivative reference', () => {
    const m = 16;
    const r2 = rng(2);
    const A0 = tt.div(randMatrix(r2, m), Math.sqrt(m));
    const A1 = tt.div(randMatrix(r2, m), Math.sqrt(m));
    const w = randVector(r2, m);
    const t0 = 0.7;
    const mv = (x: tt.Tensor, p: { t: tt.Tensor }): tt.Tensor => tt.matmul(tt.add(A0, tt.mul(A1, p.t)), x);
    const loss = (t: tt.Tensor): tt.Tensor => tt.sum(tt.square(tt.krylov.funmArnoldi('exp', { depth: m })(mv, w, { t })));
    const g = (tt.grad(loss)(tt.tensor(t0)) as tt.Tensor).item();
    // Reference: y = e^{A}w, dL/dt = 2 yᵀ L(A, A1) w with the Fréchet derivative L(A, E) = [e^{[[A, E], [0, A]]}]_{12}.
    const At = tt.add(A0, tt.mul(A1, t0));
    const big = new Float64Array(4 * m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
      big[i * 2 * m + j] = big[(m + i) * 2 * m + m + j] = At._data[i * m + j];
      big[i * 2 * m + m + j] = A1._data[i * m + j];
    }
    const E = tt.linalg.expm(tt.tensor(big, { shape: [2 * m, 2 * m] }));
    const expA = tt.slice(E, [0, 0], [m, m]), L = tt.slice(E, [0, m], [m, m]);
    const y = tt.matmul(expA, w);
    const ref = 2 * tt.dot(y, tt.matmul(L, w)).item();
    expect(Math.abs(g - ref) / Math.abs(ref)).to.be.below(1e-9);
  });

  it('funmArnoldi log and sqrt of a non-symmetric matrix with positive eigenvalues match S f(D) S⁻¹', () => {
    const m = 10;
    const r3 = rng(3);
    const Sm = tt.add(tt.eye(m), tt.mul(randMatrix(r3, m), 0.3));
    const D = tt.tensor(Array.from({ length: m }, (_, i) => 0.5 + 0.4 * i));
    const M = tt.matmul(tt.matmul(Sm, tt.mul(tt.eye(m), D)), tt.linalg.inv(Sm));
    const x = randVector(r3, m);
    for (const [name, f] of [['log', tt.log], ['sqrt', tt.sqrt], ['exp', tt.exp], ['inv', tt.reciprocal]] as const) {
      const ref = tt.matmul(tt.matmul(tt.matmul(Sm, tt.mul(tt.eye(m), f(D))), tt.linalg.inv(Sm)), x);
      const out = tt.krylov.funmArnoldi(name, { depth: m })(genMatvec, x, { A: M, d: tt.zeros([m]) });
      expect(relErr(out, ref), name).to.be.below(1e-9);
    }
    // Gradient of a log-based loss through Arnoldi + logm against central differences.
    const loss = (dd: tt.Tensor): tt.Tensor => tt.sum(tt.krylov.funmArnoldi('log', { depth: m })(genMatvec, x, { A: M, d: dd }));
    tt.testing.checkGrads(loss, [tt.mul(tt.ones([m]), 0.05)], { rtol: 1e-6 });
  });

  it('after a breakdown f(A)v is exact from the invariant block (3 distinct eigenvalues, depth 6)', () => {
    const m = 12;
    const dv = new Float64Array(m);
    for (let i = 0; i < m; i++) dv[i] = [0.5, 2, 4][i % 3];
    const p = { A: tt.zeros([m, m]), d: tt.tensor(dv) };
    const x = randVector(rng(4), m);
    const ref = tt.mul(tt.log(tt.tensor(dv)), x);
    expect(relErr(tt.krylov.funmLanczos('log', { depth: 6 })(symMatvec, x, p), ref)).to.be.below(1e-12);
    expect(relErr(tt.krylov.funmArnoldi('log', { depth: 6 })(symMatvec, x, p), ref)).to.be.below(1e-10);
    const g = tt.grad((xx: tt.Tensor) => tt.sum(tt.krylov.funmLanczos('log', { depth: 6 })(symMatvec, xx, p)))(x) as tt.Tensor;
    expect(relErr(g, tt.log(tt.tensor(dv)))).to.be.below(1e-10);
  });

  it('rejects bad input', () => {
    const bad = (f: () => unknown, re: RegExp): void => { expect(f).to.throw(tt.TracetapeError, re); };
    bad(() => tt.krylov.funmLanczos('cos' as 'exp', { depth: 2 }), /funmLanczos: f must be one of 'exp', 'log', 'sqrt', 'inv' or a function/);
    bad(() => tt.krylov.funmArnoldi('exp', { depth: 2, steps: 1 } as unknown as tt.krylov.FunmOptions), /funmArnoldi: unknown option 'steps'/);
    const neg = { A: tt.mul(tt.eye(4), -1), d: tt.zeros([4]) };
    bad(() => tt.krylov.funmLanczos('sqrt', { depth: 4 })(symMatvec, tt.ones([4]), neg), /funmLanczos: f = 'sqrt' needs a positive semi-definite operator/);
    bad(() => tt.krylov.funmLanczos('exp', { depth: 5 })(symMatvec, tt.ones([4]), neg), /funmLanczos: .*depth must be ≤ n = 4/);
    bad(() => tt.krylov.funmLanczos(() => tt.zeros([2, 2]), { depth: 3 })(symMatvec, tt.ones([4]), { A: spdMatrix(rng(5), 4), d: tt.zeros([4]) }), /f must return a matrix of shape \[3,3\]/);
  });
});
