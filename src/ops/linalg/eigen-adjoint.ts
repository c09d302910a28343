/** The eigendecomposition adjoint (written in differentiable ops so second-order derivatives work). */
import { Tensor, allocate, zeros } from '../../tensor/index.js';
import { add, matmul, mul, reciprocal, reshape, sub, transpose, where } from '../index.js';
import { diagEmbed } from './helpers.js';

/**
 * Pairs whose eigenvalues differ by at most TIE_RTOL · n · max(|λ|, tiny) are treated as exact ties: their
 * 1/(λ_j − λ_i) factor is replaced by 0. Sixteen roundoffs per matrix size is where eigenvalues computed in float64
 * stop being distinguishable from a genuine multiple eigenvalue.
 */
export const TIE_RTOL = 16 * 2.220446049250313e-16;

/**
 * Given A = V diag(λ) Vᵀ (V orthogonal, λ ascending) and cotangents λ̄, V̄ (null = zero), return the (unsymmetrised)
 * cotangent Ā = V (diag(λ̄) + F ∘ (Vᵀ V̄)) Vᵀ with F_ij = 1/(λ_j − λ_i) off the diagonal and 0 on it and on exact ties.
 */
export function eigenAdjoint(values: Tensor, vectors: Tensor, gValues: Tensor | null, gVectors: Tensor | null): Tensor {
  const n = values.shape[0];
  let inner: Tensor | null = gValues !== null ? diagEmbed(gValues) : null;
  if (gVectors !== null) {
    const lam = values._data;
    let scale = 0;
    for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(lam[i]));
    const tol = TIE_RTOL * n * Math.max(scale, 1e-300);
    const keep = allocate(values.dtype, n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) keep[i * n + j] = i !== j && Math.abs(lam[j] - lam[i]) > tol ? 1 : 0;
    const mask = new Tensor(keep, [n, n]);
    const gap = sub(reshape(values, [1, n]), reshape(values, [n, 1])); // gap_ij = λ_j − λ_i
    const f = where(mask, reciprocal(where(mask, gap, 1)), 0);
    const term = mul(f, matmul(transpose(vectors), gVectors));
    inner = inner === null ? term : add(inner, term);
  }
  if (inner === null) return zeros([n, n], { dtype: vectors.dtype });
  return matmul(matmul(vectors, inner), transpose(vectors));
}
