/** Shared fixtures for the Krylov tests: seeded random matrices, dense matvecs with parameters, error measures. */
import * as tt from '../../src/index.js';

/** A seeded uniform(−0.5, 0.5) generator (an LCG; test fixtures only). */
export function rng(seed: number): () => number {
  let s = (seed * 2654435761 + 12345) >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296 - 0.5; };
}

/** A random n×m matrix tensor. */
export function randMatrix(r: () => number, n: number, m = n): tt.Tensor {
  const d = new Float64Array(n * m);
  for (let i = 0; i < d.length; i++) d[i] = r();
  return tt.tensor(d, { shape: [n, m] });
}

/** A random vector tensor. */
export function randVector(r: () => number, n: number): tt.Tensor {
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = r();
  return tt.tensor(d);
}

/** Parameters of the test operators: a dense matrix and a diagonal shift. */
export interface DenseParams { A: tt.Tensor; d: tt.Tensor }

/** Symmetric operator ½(A + Aᵀ)v + d ⊙ v (symmetric for every parameter value, as Lanczos requires). */
export function symMatvec(v: tt.Tensor, p: DenseParams): tt.Tensor {
  return tt.add(tt.matmul(tt.mul(tt.add(p.A, tt.transpose(p.A)), 0.5), v), tt.mul(p.d, v));
}

/** General operator A v + d ⊙ v. */
export function genMatvec(v: tt.Tensor, p: DenseParams): tt.Tensor {
  return tt.add(tt.matmul(p.A, v), tt.mul(p.d, v));
}

/** A well-conditioned symmetric positive definite matrix B Bᵀ/n + I. */
export function spdMatrix(r: () => number, n: number): tt.Tensor {
  const B = randMatrix(r, n);
  return tt.add(tt.div(tt.matmul(B, tt.transpose(B)), n), tt.eye(n));
}

/** The n×n Hilbert matrix 1/(i + j + 1). */
export function hilbert(n: number): tt.Tensor {
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i * n + j] = 1 / (i + j + 1);
  return tt.tensor(d, { shape: [n, n] });
}

/** Normwise relative error ‖a − b‖/‖b‖ over flat values. */
export function relErr(a: tt.Tensor | ArrayLike<number>, b: tt.Tensor | ArrayLike<number>): number {
  const x = a instanceof tt.Tensor ? a._data : a, y = b instanceof tt.Tensor ? b._data : b;
  if (x.length !== y.length) throw new Error(`relErr: lengths differ (${x.length} vs ${y.length})`);
  let num = 0, den = 0;
  for (let i = 0; i < x.length; i++) { num += (x[i] - y[i]) ** 2; den += y[i] ** 2; }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-300);
}

/** Max |a − b|. */
export function maxAbsDiff(a: tt.Tensor, b: tt.Tensor): number {
  let m = 0;
  for (let i = 0; i < a._data.length; i++) m = Math.max(m, Math.abs(a._data[i] - b._data[i]));
  return m;
}

/** Dense tridiagonal T from its diagonal and off-diagonal (plain arrays, no gradient). */
export function tridiagDense(alphas: tt.Tensor, betas: tt.Tensor): tt.Tensor {
  const K = alphas.size;
  const d = new Float64Array(K * K);
  for (let k = 0; k < K; k++) {
    d[k * K + k] = alphas._data[k];
    if (k < K - 1) d[k * K + k + 1] = d[(k + 1) * K + k] = betas._data[k];
  }
  return tt.tensor(d, { shape: [K, K] });
}

/** Sum of elementwise products of two pytrees' flat tensor leaves (a scalar tensor), for random-cotangent losses. */
export function pairing(out: Record<string, tt.Tensor>, cts: Record<string, tt.Tensor>): tt.Tensor {
  let acc: tt.Tensor | null = null;
  for (const k of Object.keys(cts)) {
    const t = tt.sum(tt.mul(out[k], cts[k]));
    acc = acc === null ? t : tt.add(acc, t);
  }
  return acc as tt.Tensor;
}
