/** Raw float64 kernels: LU factorisation with partial pivoting, and solves with the factors. */

/** Result of luFactor: permutation parity and the smallest pivot seen. */
export interface LuInfo {
  /** +1 or −1: the determinant sign of the row permutation. */
  parity: number;
  /** Index of the pivot of smallest magnitude, and that magnitude. */
  minPivotIndex: number;
  minPivot: number;
}

/**
 * Factor the n×n row-major `a` in place as P A = L U (L unit lower, stored below the diagonal; U on and above it).
 * `piv[k]` is the row swapped with row k at step k. An exactly zero pivot column is skipped (U then has a zero diagonal
 * entry), so the caller decides what singularity means.
 */
export function luFactor(a: Float64Array, n: number, piv: Int32Array): LuInfo {
  let parity = 1, minPivot = Infinity, minPivotIndex = 0;
  for (let k = 0; k < n; k++) {
    let p = k, big = Math.abs(a[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]);
      if (v > big) { big = v; p = i; }
    }
    piv[k] = p;
    if (p !== k) {
      parity = -parity;
      const rk = k * n, rp = p * n;
      for (let j = 0; j < n; j++) { const t = a[rk + j]; a[rk + j] = a[rp + j]; a[rp + j] = t; }
    }
    if (big < minPivot) { minPivot = big; minPivotIndex = k; }
    if (big === 0) continue;
    const rk = k * n, inv = 1 / a[rk + k];
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      const l = a[ri + k] * inv;
      a[ri + k] = l;
      if (l === 0) continue;
      for (let j = k + 1; j < n; j++) a[ri + j] -= l * a[rk + j];
    }
  }
  return { parity, minPivot, minPivotIndex };
}

/** Solve A X = B in place in `b` (n×m row-major) from the factors of luFactor (U must have a non-zero diagonal). */
export function luSolve(lu: Float64Array, piv: Int32Array, b: Float64Array, n: number, m: number): void {
  for (let k = 0; k < n; k++) {
    const p = piv[k];
    if (p !== k) {
      const rk = k * m, rp = p * m;
      for (let j = 0; j < m; j++) { const t = b[rk + j]; b[rk + j] = b[rp + j]; b[rp + j] = t; }
    }
  }
  for (let i = 1; i < n; i++) {
    const ri = i * m, li = i * n;
    for (let k = 0; k < i; k++) {
      const l = lu[li + k];
      if (l === 0) continue;
      const rk = k * m;
      for (let j = 0; j < m; j++) b[ri + j] -= l * b[rk + j];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * m, ui = i * n;
    for (let k = i + 1; k < n; k++) {
      const u = lu[ui + k];
      if (u === 0) continue;
      const rk = k * m;
      for (let j = 0; j < m; j++) b[ri + j] -= u * b[rk + j];
    }
    const inv = 1 / lu[ui + i];
    for (let j = 0; j < m; j++) b[ri + j] *= inv;
  }
}

/** Largest absolute entry of an array (0 for an empty one). */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) { const v = Math.abs(a[i]); if (v > m) m = v; }
  return m;
}
