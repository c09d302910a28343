/**
 * XTrace and XDiag (Epperly, Tropp, Webber 2024): exchangeable leave-one-out estimators. With probes ω_1 … ω_m,
 * Y = AΩ = QR, the basis of Y without column i is Q(I − s_i s_iᵀ) with s_i the normalised i-th column of R⁻ᵀ, so the
 * m leave-one-out estimates (low-rank part + one-probe Hutchinson on the complement) come from small m×m products
 * with 2m matvecs in total; their mean is the estimate and their spread gives the error estimate. Differentiable.
 */
import type { Tensor } from '../tensor/index.js';
import type { PyTree } from '../tape/index.js';
import { add, div, expandDims, matmul, mean, mul, sqrt, square, sub, sum, trace as matTrace, transpose } from '../ops/index.js';
import { inv } from '../ops/linalg/index.js';
import type * as random from '../random/index.js';
import { TracetapeError, check, checkOptions, describe } from '../util/errors.js';
import type { Matvec } from './integrands.js';
import type { Sampler } from './samplers.js';
import { applyAll, drawProbes, orthonormalise, rowsOf } from './sketch.js';

/** An estimate with its leave-one-out error estimate (standard error of the mean of the leave-one-out estimates). */
export interface EstimateWithError {
  estimate: Tensor;
  error: Tensor;
}

interface Parts { Om: Tensor; Y: Tensor; Q: Tensor; Z: Tensor; R: Tensor; Sn: Tensor; m: number }

function sketch<P>(fn: string, sampler: Sampler | ((key: random.PRNGKey) => Tensor), matvec: Matvec<P>, key: random.PRNGKey, params: P): Parts {
  check(typeof matvec === 'function', fn, () => `matvec must be a function (v, params) => Tensor, received ${describe(matvec)}`);
  const { probes, shape } = drawProbes(fn, sampler, key);
  const m = probes.length;
  check(m >= 2, fn, () => `leave-one-out needs at least 2 probes, the sampler draws ${m}`);
  const ys = applyAll(fn, matvec, probes, shape, params);
  const qs = orthonormalise(ys);
  if (qs.length < m) {
    throw new TracetapeError(fn, `A·Ω has numerical rank ${qs.length} < ${m} probes (A is (numerically) low-rank): use at most ${qs.length} probes, or hutchpp`);
  }
  const zs = applyAll(fn, matvec, qs, shape, params);
  const Om = rowsOf(probes), Y = rowsOf(ys), Q = rowsOf(qs), Z = rowsOf(zs);
  // Columns: Y = Q R with R = Qᵀ Y (m × m); S = R⁻ᵀ with unit columns.
  const R = matmul(Q, transpose(Y));
  const S = transpose(inv(R));
  const Sn = div(S, sqrt(sum(square(S), 0, true)));
  return { Om, Y, Q, Z, R, Sn, m };
}

function meanAndError(samples: Tensor, m: number): EstimateWithError {
  const est = mean(samples, 0);
  const dev = sub(samples, expandDims(est, 0));
  return { estimate: est, error: sqrt(div(sum(square(dev), 0), m * (m - 1))) };
}

/**
 * XTrace: `(matvec, key, params)` ⇒ {estimate, error} for tr(A) from the sampler's m probes (2m matvecs). A may be
 * non-symmetric. Error O(1/matvecs) for rapidly decaying spectra, like Hutch++, with a built-in error estimate.
 */
export function xtrace<P = PyTree>(sampler: Sampler | ((key: random.PRNGKey) => Tensor), options?: Record<string, never>): <Q extends P>(matvec: Matvec<Q>, key: random.PRNGKey, params?: Q) => EstimateWithError {
  const fn = 'stochtrace.xtrace';
  check(typeof sampler === 'function', fn, () => `sampler must be a function (key) => Tensor[num, n], received ${describe(sampler)}`);
  checkOptions(fn, options, []);
  return (matvec, key, params) => {
    const { Om, Y, Q, Z, R, Sn, m } = sketch(fn, sampler, matvec, key, params as NonNullable<typeof params>);
    const H = matmul(Q, transpose(Z)); // H = Qᵀ A Q
    const W = matmul(Q, transpose(Om)); // column i: Qᵀ ω_i
    const T = matmul(Z, transpose(Om)); // column i: (AQ)ᵀ ω_i
    const c = sum(mul(Sn, W), 0, true);
    const U = sub(W, mul(Sn, c)); // column i: u_i = w_i − s_i (s_iᵀ w_i)
    const lowRank = sub(matTrace(H), sum(mul(Sn, matmul(H, Sn)), 0)); // tr(H) − s_iᵀ H s_i
    const complement = add(sub(sub(sum(mul(Om, Y), 1), sum(mul(T, U), 0)), sum(mul(U, R), 0)), sum(mul(U, matmul(H, U)), 0));
    return meanAndError(add(lowRank, complement), m);
  };
}

/**
 * XDiag: `(matvec, key, params)` ⇒ {estimate, error} for diag(A) (vectors), A symmetric, from the sampler's m probes
 * (2m matvecs): diag(Q_(i) Q_(i)ᵀ A) + ω_i ⊙ (I − Q_(i) Q_(i)ᵀ) A ω_i averaged over the m leave-one-out bases.
 */
export function xdiag<P = PyTree>(sampler: Sampler | ((key: random.PRNGKey) => Tensor), options?: Record<string, never>): <Q extends P>(matvec: Matvec<Q>, key: random.PRNGKey, params?: Q) => EstimateWithError {
  const fn = 'stochtrace.xdiag';
  check(typeof sampler === 'function', fn, () => `sampler must be a function (key) => Tensor[num, n], received ${describe(sampler)}`);
  checkOptions(fn, options, []);
  return (matvec, key, params) => {
    const { Om, Q, Z, R, Sn, m } = sketch(fn, sampler, matvec, key, params as NonNullable<typeof params>);
    const base = sum(mul(Q, Z), 0, true); // diag(Q Qᵀ A) for symmetric A (rows of Z are (A q_j)ᵀ = q_jᵀ A)
    const St = transpose(Sn);
    const Qt = matmul(St, Q); // row i: q̃_i = Q s_i
    const Zt = matmul(St, Z); // row i: s_iᵀ Qᵀ A
    const rho = expandDims(sum(mul(Sn, R), 0), 1); // s_iᵀ Qᵀ y_i: (I − P_i) y_i = q̃_i ρ_i
    const samples = add(sub(base, mul(Qt, Zt)), mul(mul(Om, Qt), rho));
    return meanAndError(samples, m);
  };
}
