/** inv: the inverse of a square matrix by LU with partial pivoting, with its VJP. */
import { Tensor } from '../../tensor/index.js';
import { record } from '../../tape/index.js';
import { matmul, neg, transpose } from '../index.js';
import { checkResultFinite, checkSquare, wrap } from './validate.js';
import { luSolve } from './lu.js';
import { factorOrThrow } from './solve.js';

/**
 * The inverse A⁻¹ of a square matrix ([n, n]) by LU with partial pivoting in float64; throws TracetapeError when A is
 * singular to working precision. Prefer `solve` for A⁻¹b. Float32 inputs are computed in float64.
 * Differentiable to any order: with X = A⁻¹ and cotangent Ḡ, Ā = −Xᵀ Ḡ Xᵀ.
 */
export function inv(A: Tensor): Tensor {
  const fn = 'inv';
  const n = checkSquare(fn, 'A', A);
  const { lu, piv } = factorOrThrow(fn, A, n);
  const x = new Float64Array(n * n);
  for (let i = 0; i < n; i++) x[i * n + i] = 1;
  luSolve(lu, piv, x, n, n);
  checkResultFinite(fn, 'the inverse', x);
  const out = wrap(x, [n, n], A.dtype);
  record(fn, [out], [A], ([g]) => {
    const xt = transpose(out);
    return [neg(matmul(matmul(xt, g!), xt))];
  });
  return out;
}
