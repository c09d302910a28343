/** Differentiable matrix helpers used by the linalg VJP rules: diagonal embed/extract, symmetric part, triangular masks. */
import { Tensor, allocate, eye, type DType } from '../../tensor/index.js';
import { add, mul, sum, reshape, transpose } from '../index.js';

/** The n×n matrix with `v` on its diagonal (differentiable in v). */
export function diagEmbed(v: Tensor): Tensor {
  const n = v.shape[0];
  return mul(reshape(v, [n, 1]), eye(n, n, { dtype: v.dtype }));
}

/** The diagonal of the n×n matrix `x` as a vector (differentiable). */
export function diagPart(x: Tensor): Tensor {
  const n = x.shape[0];
  return sum(mul(x, eye(n, n, { dtype: x.dtype })), 1);
}

/** ½(X + Xᵀ) (differentiable). */
export function symmetricPart(x: Tensor): Tensor {
  return mul(add(x, transpose(x)), 0.5);
}

/**
 * A constant n×n mask: 1 on the lower (or upper) triangle, `diagonal` on the diagonal, 0 elsewhere.
 * Multiplying by it restricts a cotangent to the entries an op actually reads.
 */
export function triangleMask(n: number, lower: boolean, diagonal: number, dtype: DType): Tensor {
  const m = allocate(dtype, n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) m[i * n + j] = i === j ? diagonal : (lower ? i > j : i < j) ? 1 : 0;
  }
  return new Tensor(m, [n, n]);
}
