/** eigh: eigendecomposition of a small dense symmetric matrix (Householder tridiagonalisation + implicit QL). */
import { Tensor } from '../../tensor/index.js';
import { record } from '../../tape/index.js';
import { check } from '../../util/index.js';
import { checkSquare, checkSymmetric, powerOfTwoScale, symmetricPartF64, wrap } from './validate.js';
import { tridiagonalise } from './householder.js';
import { tridiagonalQL, sortAndNormalise, QL_MAX_SWEEPS } from './tridiagonal-ql.js';
import { eigenAdjoint } from './eigen-adjoint.js';
import { symmetricPart } from './helpers.js';
import type { EighResult } from './eigh-tridiagonal.js';

/**
 * Eigendecomposition A = V diag(λ) Vᵀ of a symmetric matrix A (shape [n, n]); returns ascending `values` and orthonormal
 * eigenvectors as the columns of `vectors` (sign fixed so each column's largest-magnitude entry — the first within 1e-8 of it — is positive).
 *
 * A must be symmetric to a relative tolerance of 1e-8 (else TracetapeError); the computation uses ½(A + Aᵀ), so the
 * gradient is the symmetric matrix sym(V (diag(λ̄) + F ∘ (Vᵀ V̄)) Vᵀ), F_ij = 1/(λ_j − λ_i). Float32 inputs are computed in
 * float64 and rounded back. Differentiable to any order.
 *
 * Repeated eigenvalues: pairs with |λ_i − λ_j| ≤ 16·ε·n·max|λ| count as exact ties and their F entry is set to 0, so
 * gradients stay finite. First-order gradients of losses that depend on A only through its eigenvalues (logdet, tr f(A),
 * Σ f(λ_i)) are exact at ties, since they use λ̄ alone. Eigenvectors of a repeated eigenvalue are not unique and have no
 * derivative, so at exact ties (a) gradients of losses that use individual vectors of the degenerate eigenspace, including
 * V f(Λ) Vᵀ built by hand, drop the tied pairs' coupling (whose true value is the divided difference f′(λ)), and
 * (b) second derivatives (HVPs) of spectral losses miss the corresponding f″ terms. Near-ties just above the threshold
 * give large but correct derivatives.
 */
export function eigh(A: Tensor): EighResult {
  const fn = 'eigh';
  const n = checkSquare(fn, 'A', A);
  checkSymmetric(fn, 'A', A._data, n);
  const work = symmetricPartF64(A._data, n);
  // Work on A / 2^k with 2^k ≈ max|A| (exact), so sums of squares neither underflow nor overflow; rescale λ after.
  const scale = powerOfTwoScale(work);
  if (scale !== 1) for (let i = 0; i < work.length; i++) work[i] /= scale;
  const d = new Float64Array(n), e = new Float64Array(n), zt = new Float64Array(n * n);
  tridiagonalise(work, n, d, e, zt);
  const failed = tridiagonalQL(d, e, zt, n);
  check(failed < 0, fn, () => `QL iteration did not converge for eigenvalue ${failed} within ${QL_MAX_SWEEPS} sweeps`);
  const vals = new Float64Array(n), vecs = new Float64Array(n * n);
  sortAndNormalise(d, zt, n, vals, vecs);
  if (scale !== 1) for (let i = 0; i < n; i++) vals[i] *= scale;
  const values = wrap(vals, [n], A.dtype), vectors = wrap(vecs, [n, n], A.dtype);
  record(fn, [values, vectors], [A], ([gv, gV]) => [symmetricPart(eigenAdjoint(values, vectors, gv, gV))]);
  return { values, vectors };
}
