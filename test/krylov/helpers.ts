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

/** Hyperparameters of the test RBF operator (log scale): lengthscale ℓ, signal σ_f, noise σ_n. */
export interface RbfParams { logEll: tt.Tensor; logSf: tt.Tensor; logSn: tt.Tensor }

/**
 * The GP covariance K = σ_f² exp(−‖x_i − x_j‖²/(2ℓ²)) + σ_n² I on fixed 2-D points, as a matvec with a hand-written VJP
 * (dense kernel cached per ℓ, so repeated products cost one n² pass; test fixture standing in for a kernel operator).
 * Also returns dense builders for the references K and ∂K/∂(log hyperparameters).
 */
export function rbfOperator(points: Float64Array, n: number): {
  matvec: (v: tt.Tensor, p: RbfParams) => tt.Tensor;
  dense: (p: RbfParams) => { K: Float64Array; dEll: Float64Array; dSf: Float64Array; dSn: Float64Array };
  /** Squared distances ‖x_i − x_j‖² (n×n, row-major). */
  D2: Float64Array;
  /** exp(−D²/(2ℓ²)) for log ℓ = logEll (n×n; the cached array, valid until the next call with another ℓ). */
  unitKernel: (logEll: number) => Float64Array;
} {
  const D2 = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const dx = points[2 * i] - points[2 * j], dy = points[2 * i + 1] - points[2 * j + 1];
    D2[i * n + j] = dx * dx + dy * dy;
  }
  let cacheEll = NaN;
  const E = new Float64Array(n * n), ED = new Float64Array(n * n);
  const kernel = (logEll: number): void => {
    if (logEll === cacheEll) return;
    const ell2 = Math.exp(2 * logEll);
    for (let i = 0; i < n * n; i++) { E[i] = Math.exp(-D2[i] / (2 * ell2)); ED[i] = E[i] * D2[i] / ell2; }
    cacheEll = logEll;
  };
  const mulRaw = (M: Float64Array, x: ArrayLike<number>): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) { let s = 0; const o = i * n; for (let j = 0; j < n; j++) s += M[o + j] * x[j]; out[i] = s; }
    return out;
  };
  const op = tt.customVjp(
    (v: tt.Tensor, le: tt.Tensor, ls: tt.Tensor, ln: tt.Tensor): tt.Tensor => forward(v, le, ls, ln)[0],
    (v: tt.Tensor, le: tt.Tensor, ls: tt.Tensor, ln: tt.Tensor): [tt.Tensor, tt.Tensor[]] => forward(v, le, ls, ln),
    ([v, le, ls, ln]: tt.Tensor[], g: tt.Tensor): unknown[] => {
      kernel(le.item());
      const sf2 = Math.exp(2 * ls.item()), sn2 = Math.exp(2 * ln.item());
      const Eg = mulRaw(E, g._data), Ev = mulRaw(E, v._data), EDv = mulRaw(ED, v._data);
      const gv = new Float64Array(n);
      let dEll = 0, dSf = 0, dSn = 0;
      for (let i = 0; i < n; i++) {
        gv[i] = sf2 * Eg[i] + sn2 * g._data[i];
        dEll += g._data[i] * sf2 * EDv[i];
        dSf += g._data[i] * 2 * sf2 * Ev[i];
        dSn += g._data[i] * 2 * sn2 * v._data[i];
      }
      return [tt.tensor(gv), tt.tensor(dEll), tt.tensor(dSf), tt.tensor(dSn)];
    },
  );
  function forward(v: tt.Tensor, le: tt.Tensor, ls: tt.Tensor, ln: tt.Tensor): [tt.Tensor, tt.Tensor[]] {
    kernel(le.item());
    const sf2 = Math.exp(2 * ls.item()), sn2 = Math.exp(2 * ln.item());
    const Ev = mulRaw(E, v._data);
    for (let i = 0; i < n; i++) Ev[i] = sf2 * Ev[i] + sn2 * v._data[i];
    return [tt.tensor(Ev), [v, le, ls, ln]];
  }
  const dense = (p: RbfParams): { K: Float64Array; dEll: Float64Array; dSf: Float64Array; dSn: Float64Array } => {
    kernel(p.logEll.item());
    const sf2 = Math.exp(2 * p.logSf.item()), sn2 = Math.exp(2 * p.logSn.item());
    const K = new Float64Array(n * n), dEll = new Float64Array(n * n), dSf = new Float64Array(n * n), dSn = new Float64Array(n * n);
    for (let i = 0; i < n * n; i++) { K[i] = sf2 * E[i]; dEll[i] = sf2 * ED[i]; dSf[i] = 2 * sf2 * E[i]; }
    for (let i = 0; i < n; i++) { K[i * n + i] += sn2; dSn[i * n + i] = 2 * sn2; }
    return { K, dEll, dSf, dSn };
  };
  const unitKernel = (logEll: number): Float64Array => { kernel(logEll); return E; };
  return { matvec: (v, p) => op(v, p.logEll, p.logSf, p.logSn), dense, D2, unitKernel };
}

/** Uniform random points in [0, side)² as a flat [x0, y0, x1, y1, …] array. */
export function randomPoints(r: () => number, n: number, side: number): Float64Array {
  const pts = new Float64Array(2 * n);
  for (let i = 0; i < 2 * n; i++) pts[i] = (r() + 0.5) * side;
  return pts;
}
