/** eighTridiagonal: eigendecomposition of a symmetric tridiagonal matrix given by its diagonal and off-diagonal. */
import { Tensor, promote, zeros } from '../../tensor/index.js';
import { record } from '../../tape/index.js';
import { TracetapeError, check, describe, fmtShape } from '../../util/index.js';
import { add, transpose } from '../index.js';
import { checkFinite, powerOfTwoScale, wrap } from './validate.js';
import { tridiagonalQL, sortAndNormalise, QL_MAX_SWEEPS } from './tridiagonal-ql.js';
import { eigenAdjoint } from './eigen-adjoint.js';
import { diagPart } from './helpers.js';
import { takeBlock } from './blocks.js';

/** Eigenvalues (ascending) and eigenvectors (as columns, orthonormal) of a symmetric matrix. */
export interface EighResult {
  /** Eigenvalues λ_0 ≤ … ≤ λ_{n−1}, shape [n]. */
  values: Tensor;
  /** Orthonormal eigenvectors as columns, shape [n, n]: A·vectors[:, j] = values[j]·vectors[:, j]. */
  vectors: Tensor;
}

function checkVector(fn: string, name: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new TracetapeError(fn, `${name} must be a Tensor, received ${describe(x)}`);
  check(x.shape.length === 1, fn, () => `${name} must be a 1-D tensor, received ${name}.shape ${fmtShape(x.shape)}`);
  checkFinite(fn, name, x);
  return x;
}

/**
 * Eigendecomposition of the symmetric tridiagonal matrix T with diagonal `diag` (shape [n]) and off-diagonal `offdiag`
 * (shape [n − 1], T[k, k+1] = T[k+1, k] = offdiag[k]), by implicit QL with Wilkinson-type shifts in float64.
 * Returns ascending eigenvalues and eigenvectors as columns (sign fixed so each column's largest-magnitude entry — the
 * first within 1e-8 of it — is positive). Float32 inputs are computed in float64 and the results rounded to float32.
 * Differentiable in both arguments to any order (see `eigh` for the behaviour at repeated eigenvalues).
 */
export function eighTridiagonal(diag: Tensor, offdiag: Tensor): EighResult {
  const fn = 'eighTridiagonal';
  checkVector(fn, 'diag', diag);
  checkVector(fn, 'offdiag', offdiag);
  const n = diag.shape[0];
  check(n >= 1, fn, 'diag must have at least one entry, received diag.shape [0]');
  check(offdiag.shape[0] === n - 1, fn, () =>
    `offdiag must have length diag.length − 1 = ${n - 1}, received offdiag.shape ${fmtShape(offdiag.shape)}`);
  // Work on T / 2^k with 2^k ≈ max|T| (exact) to keep the shifts away from under/overflow; rescale λ after.
  const scale = Math.max(powerOfTwoScale(diag._data), powerOfTwoScale(offdiag._data));
  const d = new Float64Array(n), e = new Float64Array(n);
  for (let k = 0; k < n; k++) d[k] = diag._data[k] / scale;
  for (let k = 0; k < n - 1; k++) e[k] = offdiag._data[k] / scale;
  const zt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) zt[i * n + i] = 1;
  const failed = tridiagonalQL(d, e, zt, n);
  check(failed < 0, fn, () => `QL iteration did not converge for eigenvalue ${failed} within ${QL_MAX_SWEEPS} sweeps`);
  const vals = new Float64Array(n), vecs = new Float64Array(n * n);
  sortAndNormalise(d, zt, n, vals, vecs);
  for (let i = 0; i < n; i++) vals[i] *= scale;
  const dtype = promote(diag.dtype, offdiag.dtype);
  const values = wrap(vals, [n], dtype), vectors = wrap(vecs, [n, n], dtype);
  record(fn, [values, vectors], [diag, offdiag], ([gv, gV]) => {
    const gT = eigenAdjoint(values, vectors, gv, gV);
    const gDiag = diag._tracked ? diagPart(gT) : null;
    let gOff: Tensor | null = null;
    if (offdiag._tracked) {
      gOff = n === 1 ? zeros([0], { dtype: offdiag.dtype })
        : diagPart(takeBlock(add(gT, transpose(gT)), n - 1, n - 1, 0, 1)); // (Ḡ + Ḡᵀ)[k, k+1]
    }
    return [gDiag, gOff];
  });
  return { values, vectors };
}
