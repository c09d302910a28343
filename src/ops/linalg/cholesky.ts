/** cholesky: the lower Cholesky factor of a symmetric positive-definite matrix, with its VJP. */
import { Tensor } from '../../tensor/index.js';
import { record } from '../../tape/index.js';
import { TracetapeError } from '../../util/index.js';
import { matmul, mul, transpose } from '../index.js';
import { checkSquare, checkSymmetric, symmetricPartF64, wrap } from './validate.js';
import { solveTriangular } from './solve-triangular.js';
import { symmetricPart, triangleMask } from './helpers.js';

/**
 * Lower-triangular L with A = L Lᵀ for a symmetric positive-definite A ([n, n]). A must be symmetric to a relative
 * tolerance of 1e-8 (its symmetric part is factored); a non-positive pivot throws TracetapeError naming the pivot.
 * Float32 inputs are computed in float64. Differentiable to any order: Ā = sym(L⁻ᵀ Φ(Lᵀ L̄) L⁻¹), Φ = lower triangle
 * with the diagonal halved, computed with triangular solves.
 */
export function cholesky(A: Tensor): Tensor {
  const fn = 'cholesky';
  const n = checkSquare(fn, 'A', A);
  checkSymmetric(fn, 'A', A._data, n);
  const a = symmetricPartF64(A._data, n);
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let s = a[rj + j];
    for (let k = 0; k < j; k++) s -= l[rj + k] * l[rj + k];
    if (!(s > 0)) {
      throw new TracetapeError(fn, `A is not positive definite: pivot ${j} of ${n} is ${s.toPrecision(6)} (must be > 0)`);
    }
    const d = Math.sqrt(s);
    l[rj + j] = d;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let t = a[ri + j];
      for (let k = 0; k < j; k++) t -= l[ri + k] * l[rj + k];
      l[ri + j] = t / d;
    }
  }
  const L = wrap(l, [n, n], A.dtype);
  record(fn, [L], [A], ([g]) => {
    const phi = mul(matmul(transpose(L), g!), triangleMask(n, true, 0.5, L.dtype));
    const left = solveTriangular(L, phi, { lower: true, transpose: true }); // L⁻ᵀ Φ
    const both = solveTriangular(L, transpose(left), { lower: true, transpose: true }); // (L⁻ᵀ Φ L⁻¹)ᵀ
    return [symmetricPart(both)];
  });
  return L;
}
