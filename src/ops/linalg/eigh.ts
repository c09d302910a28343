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
 * eigenvectors as the columns of `vectors` (sign fixed so each column's largest-magnitude entry is positive).
 *
 * A must be symmetric to a relative tolerance of 1e-8 (else TracetapeError); the computation uses ½(A + Aᵀ), so the
 * gradient is the symmetric matrix sym(V (diag(λ̄) + F ∘ (Vᵀ V̄)) Vᵀ), F_ij = 1/(λ_j − λ_i). Float32 inputs are computed in
 * float64 and rounded back. Differentiable to any order.
 *
 * Repeated eigenvalues: the eigenvalues stay differentiable (their gradient only uses λ̄), so losses that depend on A only
 * through its eigenvalues (logdet, trace of a matrix function, sums of f(λ_i)) have correct gradients at ties. Eigenvectors
 * of a repeated eigenvalue are not unique and have no derivative: pairs with |λ_i − λ_j| ≤ 16·ε·n·max|λ| are masked (their
 * F entry is set to 0) so gradients stay finite, but a loss that depends on the individual vectors of a degenerate
 * eigenspace then gets a gradient that drops that pair's coupling. Near-ties just above the threshold give large but
 * correct gradients.
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
