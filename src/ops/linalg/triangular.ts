/** Raw float64 kernel: solve op(T) X = B for triangular T (lower/upper, optionally transposed, optionally unit diagonal). */

/**
 * Overwrite the n×m row-major `b` with op(T)⁻¹ B, where T is n×n row-major, only its `lower` (or upper) triangle is read,
 * op(T) = Tᵀ when `transpose`, and the diagonal is taken as 1 when `unit`. The caller checks the diagonal is non-zero.
 */
export function triangularSolve(t: ArrayLike<number>, b: Float64Array, n: number, m: number, lower: boolean, transpose: boolean, unit: boolean): void {
  // op(T)[i][j] = T[i][j] or T[j][i]; op(T) is lower triangular iff lower XOR transpose.
  const rs = transpose ? 1 : n, cs = transpose ? n : 1;
  const forward = lower !== transpose;
  for (let step = 0; step < n; step++) {
    const i = forward ? step : n - 1 - step;
    const ri = i * m;
    const jStart = forward ? 0 : i + 1, jEnd = forward ? i : n;
    for (let j = jStart; j < jEnd; j++) {
      const tij = t[i * rs + j * cs];
      if (tij === 0) continue;
      const rj = j * m;
      for (let c = 0; c < m; c++) b[ri + c] -= tij * b[rj + c];
    }
    if (!unit) {
      const inv = 1 / t[i * rs + i * cs];
      for (let c = 0; c < m; c++) b[ri + c] *= inv;
    }
  }
}
