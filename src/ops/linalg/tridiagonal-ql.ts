/** Raw float64 kernel: eigenvalues/eigenvectors of a symmetric tridiagonal matrix by implicit QL with Wilkinson-type shifts. */

/** Most QL sweeps allowed per eigenvalue before giving up (typical convergence needs 1–3). */
export const QL_MAX_SWEEPS = 60;

/**
 * Diagonalise the symmetric tridiagonal matrix with diagonal `d` (length n) and sub-diagonal `e` (length ≥ n; e[i]
 * couples rows i and i+1, e[n−1] is scratch). On return `d` holds the eigenvalues (unsorted) and the rotations have
 * been applied to the ROWS of the n×n row-major `zt` (pass the identity to get Zᵀ, whose rows are eigenvectors; pass Qᵀ
 * of a tridiagonalisation A = Q T Qᵀ to get the eigenvectors of A as rows). `e` is destroyed.
 * Returns −1 on success, or the index of an eigenvalue that did not converge within QL_MAX_SWEEPS sweeps.
 */
export function tridiagonalQL(d: Float64Array, e: Float64Array, zt: Float64Array | null, n: number): number {
  const eps = 2.220446049250313e-16;
  if (n > 0) e[n - 1] = 0;
  // ‖T‖ (max absolute row sum). A sub-diagonal entry below eps·‖T‖ is negligible whatever its neighbours (EISPACK tql2's
  // test): without it, blocks of eigenvalues near zero (rank-deficient Gram/GGN matrices) never satisfy the purely
  // neighbour-relative test and the iteration stalls. Eigenvalues stay backward stable (errors O(eps‖T‖)).
  let norm = 0;
  for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(d[i]) + Math.abs(e[i]) + (i > 0 ? Math.abs(e[i - 1]) : 0));
  const absTol = eps * norm;
  for (let l = 0; l < n; l++) {
    let sweeps = 0;
    for (;;) {
      // Find the first negligible sub-diagonal entry at or after l: the block l..m is unreduced.
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= eps * dd || Math.abs(e[m]) <= absTol) break;
      }
      if (m === l) break;
      if (sweeps++ >= QL_MAX_SWEEPS) return l;
      // Wilkinson-type shift from the leading 2×2 block of the unreduced part.
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1, c = 1, p = 0;
      let i = m - 1;
      let underflow = false;
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // A rotation annihilated the bulge early: deflate and restart at l.
          d[i + 1] -= p;
          e[m] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        if (zt !== null) {
          const ri = i * n, rj = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            const zi = zt[ri + k], zj = zt[rj + k];
            zt[rj + k] = s * zi + c * zj;
            zt[ri + k] = c * zi - s * zj;
          }
        }
      }
      if (underflow) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
  return -1;
}

/**
 * Sort eigenvalues ascending, permute the eigenvector rows of `zt` to match, and fix each eigenvector's sign so that its
 * entry of largest magnitude (the first one within a relative 1e-8 of it) is positive. Writes the values to `values` and the eigenvectors as
 * COLUMNS of the row-major n×n `vectors`.
 */
export function sortAndNormalise(d: Float64Array, zt: Float64Array, n: number, values: Float64Array, vectors: Float64Array): void {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => d[a] - d[b] || a - b);
  for (let j = 0; j < n; j++) {
    const src = order[j] * n;
    values[j] = d[order[j]];
    let big = 0;
    for (let k = 0; k < n; k++) big = Math.max(big, Math.abs(zt[src + k]));
    // The first entry within a relative 1e-8 of the largest magnitude decides the sign, so entries that tie in exact
    // arithmetic (symmetric structures such as the Laplacian's sine modes) give the same choice whatever the roundoff.
    let sign = 1;
    for (let k = 0; k < n; k++) {
      const v = zt[src + k];
      if (Math.abs(v) >= big * (1 - 1e-8)) { sign = v < 0 ? -1 : 1; break; }
    }
    for (let k = 0; k < n; k++) vectors[k * n + j] = sign * zt[src + k];
  }
}
