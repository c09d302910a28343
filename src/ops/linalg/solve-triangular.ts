/** solveTriangular: X = op(T)⁻¹ B for a triangular matrix T, with its VJP. */
import { Tensor, promote } from '../../tensor/index.js';
import { record } from '../../tape/index.js';
import { check, checkOptions } from '../../util/index.js';
import { matmul, mul, neg, reshape, transpose } from '../index.js';
import { boolOption, checkRhs, checkResultFinite, checkSquare, wrap } from './validate.js';
import { triangularSolve } from './triangular.js';
import { triangleMask } from './helpers.js';

/** Options of solveTriangular. */
export interface SolveTriangularOptions {
  /** T is lower triangular (default true); only that triangle is read. */
  lower?: boolean;
  /** Solve with Tᵀ instead of T (default false). */
  transpose?: boolean;
  /** Take T's diagonal as all ones without reading it (default false). */
  unitDiagonal?: boolean;
}

/**
 * Solve op(T) X = b for X, where T is triangular ([n, n]; only the `lower` or upper triangle is read, like LAPACK trsm),
 * op(T) = Tᵀ with `transpose`, and b is a vector [n] or a matrix [n, m] (X has b's shape). Throws TracetapeError on an
 * exactly zero diagonal entry. Float32 inputs are computed in float64. Differentiable in T (the gradient is confined to the
 * triangle read) and b, to any order.
 */
export function solveTriangular(T: Tensor, b: Tensor, options: SolveTriangularOptions = {}): Tensor {
  const fn = 'solveTriangular';
  checkOptions(fn, options, ['lower', 'transpose', 'unitDiagonal']);
  const lower = boolOption(fn, 'lower', options.lower, true);
  const trans = boolOption(fn, 'transpose', options.transpose, false);
  const unit = boolOption(fn, 'unitDiagonal', options.unitDiagonal, false);
  const n = checkSquare(fn, 'T', T);
  const m = checkRhs(fn, 'T', n, b);
  if (!unit) {
    for (let i = 0; i < n; i++) {
      check(T._data[i * n + i] !== 0, fn, () => `T is singular: diagonal entry T[${i},${i}] is 0`);
    }
  }
  const x = Float64Array.from(b._data);
  triangularSolve(T._data, x, n, m, lower, trans, unit);
  checkResultFinite(fn, 'the solution', x);
  const out = wrap(x, b.shape, promote(T.dtype, b.dtype));
  record(fn, [out], [T, b], ([g]) => {
    const gb = solveTriangular(T, g!, { lower, transpose: !trans, unitDiagonal: unit });
    let gT: Tensor | null = null;
    if (T._tracked) {
      const gOp = b.shape.length === 1
        ? neg(mul(reshape(gb, [n, 1]), reshape(out, [1, n])))
        : neg(matmul(gb, transpose(out)));
      gT = mul(trans ? transpose(gOp) : gOp, triangleMask(n, lower, unit ? 0 : 1, T.dtype));
    }
    return [gT, b._tracked ? gb : null];
  });
  return out;
}
