/** `bidiag`: Golub–Kahan bidiagonalisation of a rectangular operator given by its product and transposed product. */
import { Tensor, zeros } from '../tensor/index.js';
import { sub, mul, div, sqrt, sum, square, matmul, stack } from '../ops/index.js';
import { TracetapeError, check, checkOptions, describe } from '../util/index.js';
import { checkMatvecOutput, type Matvec } from './matvec.js';
import { checkChoice, checkDepth, checkNonNegative, checkStartVector, defaultBreakdownTol } from './validate.js';
import { normRaw } from './vectors.js';

/** Options of `bidiag`. */
export interface BidiagOptions {
  /** Number of steps K (1 ≤ K ≤ min(m, n)). */
  depth: number;
  /** 'full' (default): re-orthogonalise both bases twice per step; 'none': the two-term recurrences only. */
  reortho?: 'full' | 'none';
  /** Breakdown tolerance (default 1e-13 in float64, 1e-6 in float32), relative to the norm of the product. */
  breakdownTol?: number;
}

/**
 * Result of `bidiag`: A Vᵀ = Uᵀ B and Aᵀ Uᵀ = Vᵀ Bᵀ + residual·e_Kᵀ with B upper bidiagonal (diagonal `alphas`,
 * super-diagonal `betas`). After a breakdown the remaining rows, coefficients and the residual are zero.
 */
export interface BidiagResult {
  /** [K, m], orthonormal rows (left vectors). */
  U: Tensor;
  /** [K, n], orthonormal rows (right vectors; V[0] = v0/‖v0‖). */
  V: Tensor;
  /** [K], the diagonal of B. */
  alphas: Tensor;
  /** [K−1], the super-diagonal of B. */
  betas: Tensor;
  /** [n], the unnormalised residual β_K v_{K+1}. */
  residual: Tensor;
  /** Scalar 1/‖v0‖. */
  initNormInv: Tensor;
}

function norm2(x: Tensor): Tensor {
  return sqrt(sum(square(x)));
}

/**
 * Golub–Kahan bidiagonalisation of A (m×n) from the start vector v0 ∈ Rⁿ, with `matvec(v, params)` = A v and
 * `rmatvec(u, params)` = Aᵀ u. Singular values of B approximate the largest singular values of A. Differentiable in v0
 * and params by backpropagation through the (taped) iteration; memory grows with K.
 */
export function bidiag<P>(matvec: Matvec<P>, rmatvec: Matvec<P>, v0: Tensor, params: P, options: BidiagOptions): BidiagResult {
  const fn = 'bidiag';
  check(typeof matvec === 'function', fn, () => `matvec must be a function (v, params) => A v, received ${describe(matvec)}`);
  check(typeof rmatvec === 'function', fn, () => `rmatvec must be a function (u, params) => Aᵀ u, received ${describe(rmatvec)}`);
  const n = checkStartVector(fn, 'v0', v0);
  if (options === undefined || options === null || typeof options !== 'object') throw new TracetapeError(fn, 'options must be an object with at least { depth }');
  checkOptions(fn, options, ['depth', 'reortho', 'breakdownTol']);
  const reortho = checkChoice(fn, 'reortho', options.reortho, ['full', 'none'] as const, 'full');
  const tol = checkNonNegative(fn, 'breakdownTol', options.breakdownTol, defaultBreakdownTol(v0.dtype));
  const dt = { dtype: v0.dtype };
  const c = div(1, norm2(v0));
  let v = mul(v0, c);
  const vs: Tensor[] = [v], us: Tensor[] = [], as: Tensor[] = [], bs: Tensor[] = [];
  let m = -1;
  let K = -1;
  let residual: Tensor | null = null;
  for (let k = 0; ; k++) {
    const av = matvec(v, params);
    if (m < 0) {
      if (!(av instanceof Tensor) || av.shape.length !== 1) throw new TracetapeError(fn, `matvec must return a 1-D Tensor, received ${describe(av)}`);
      m = av.shape[0];
      K = checkDepth(fn, options.depth, Math.min(m, n));
    }
    let u = checkMatvecOutput(fn, 'matvec', av, m, `iteration ${k}`);
    const scaleU = normRaw(u._data, 0, m);
    if (k > 0) u = sub(u, mul(bs[k - 1], us[k - 1]));
    if (reortho === 'full' && k > 0) { const U = stack(us); for (let p = 0; p < 2; p++) u = sub(u, matmul(matmul(U, u), U)); }
    const a = norm2(u);
    if (!(a.item() > tol * scaleU)) { as.push(zeros([], dt)); us.push(zeros([m], dt)); bs.push(zeros([], dt)); break; }
    as.push(a);
    u = div(u, a);
    us.push(u);
    let w = checkMatvecOutput(fn, 'rmatvec', rmatvec(u, params), n, `iteration ${k}`);
    const scaleV = normRaw(w._data, 0, n);
    w = sub(w, mul(a, v));
    if (reortho === 'full') { const V = stack(vs); for (let p = 0; p < 2; p++) w = sub(w, matmul(matmul(V, w), V)); }
    const b = norm2(w);
    if (!(b.item() > tol * scaleV)) { bs.push(zeros([], dt)); break; }
    bs.push(b);
    if (k === K - 1) { residual = w; break; }
    v = div(w, b);
    vs.push(v);
  }
  while (vs.length < K) vs.push(zeros([n], dt));
  while (us.length < K) us.push(zeros([m], dt));
  while (as.length < K) as.push(zeros([], dt));
  while (bs.length < K) bs.push(zeros([], dt));
  return {
    U: stack(us.slice(0, K)), V: stack(vs.slice(0, K)), alphas: stack(as.slice(0, K)),
    betas: K > 1 ? stack(bs.slice(0, K - 1)) : zeros([0], dt), residual: residual ?? zeros([n], dt), initNormInv: c,
  };
}
