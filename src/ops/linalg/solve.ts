/** solve: X = A⁻¹ B by LU with partial pivoting, with its VJP. */
import { Tensor, promote } from '../../tensor/index.js';
import { record } from '../../tape/index.js';
import { TracetapeError } from '../../util/index.js';
import { matmul, mul, neg, reshape, transpose } from '../index.js';
import { checkRhs, checkResultFinite, checkSquare, copyF64, wrap } from './validate.js';
import { luFactor, luSolve, maxAbs } from './lu.js';

/** Pivots at most SINGULAR_RTOL · n · max|A| in magnitude mean "singular to working precision". */
export const SINGULAR_RTOL = 2.220446049250313e-16;

/** @internal Factor a copy of A and throw if it is singular to working precision; returns the factors. */
export function factorOrThrow(fn: string, A: Tensor, n: number): { lu: Float64Array; piv: Int32Array } {
  const lu = copyF64(A);
  const scale = maxAbs(lu);
  const piv = new Int32Array(n);
  const info = luFactor(lu, n, piv);
  const tol = SINGULAR_RTOL * n * scale;
  if (scale === 0 || info.minPivot <= tol) {
    throw new TracetapeError(fn, `A is singular to working precision: LU pivot ${info.minPivotIndex} of ${n} has magnitude ${info.minPivot.toExponential(3)} ≤ ${tol.toExponential(3)} (n·ε·max|A|)`);
  }
  return { lu, piv };
}

/**
 * Solve A X = b for a general square A ([n, n]) and b a vector [n] or a matrix [n, m] (X has b's shape), by LU with
 * partial pivoting in float64. Throws TracetapeError when A is singular to working precision (a pivot ≤ n·ε·max|A|).
 * Float32 inputs are computed in float64. Differentiable to any order: b̄ = A⁻ᵀ X̄, Ā = −b̄ Xᵀ.
 */
export function solve(A: Tensor, b: Tensor): Tensor {
  const fn = 'solve';
  const n = checkSquare(fn, 'A', A);
  const m = checkRhs(fn, 'A', n, b);
  const { lu, piv } = factorOrThrow(fn, A, n);
  const x = copyF64(b);
  luSolve(lu, piv, x, n, m);
  checkResultFinite(fn, 'the solution', x);
  const out = wrap(x, b.shape, promote(A.dtype, b.dtype));
  record(fn, [out], [A, b], ([g]) => {
    const gb = solve(transpose(A), g!);
    const gA = !A._tracked ? null
      : b.shape.length === 1 ? neg(mul(reshape(gb, [n, 1]), reshape(out, [1, n]))) : neg(matmul(gb, transpose(out)));
    return [gA, b._tracked ? gb : null];
  });
  return out;
}
