/** Raw float64 kernel: Householder reduction of a symmetric matrix to tridiagonal form, A = Q T Qᵀ. */

/**
 * Reduce the symmetric n×n row-major `a` (overwritten: it is used as workspace) to tridiagonal form T = Qᵀ A Q.
 * Writes T's diagonal to `d` (length n), its sub-diagonal to `e` (length ≥ n; e[i] couples rows i and i+1) and Qᵀ to the
 * row-major n×n `qt`. Uses the symmetric rank-2 update A ← A − v wᵀ − w vᵀ for each reflector (about 4n³/3 flops) and
 * accumulates Qᵀ = H_{n−3}⋯H_0 explicitly (another ~4n³/3).
 */
export function tridiagonalise(a: Float64Array, n: number, d: Float64Array, e: Float64Array, qt: Float64Array): void {
  const tau = new Float64Array(Math.max(n, 1));
  const p = new Float64Array(n);
  e.fill(0);
  for (let k = 0; k + 2 < n; k++) {
    const row = k * n;
    // x = A[k, k+1..n-1] (= column k below the diagonal, by symmetry).
    let tail = 0;
    for (let j = k + 2; j < n; j++) tail += a[row + j] * a[row + j];
    const x0 = a[row + k + 1];
    d[k] = a[row + k];
    if (tail === 0) {
      tau[k] = 0;
      e[k] = x0;
      continue;
    }
    const norm = Math.sqrt(x0 * x0 + tail);
    const alpha = x0 >= 0 ? -norm : norm;
    const v0 = x0 - alpha;
    a[row + k + 1] = v0; // v is stored in row k, columns k+1..n-1
    const t = 2 / (v0 * v0 + tail);
    tau[k] = t;
    e[k] = alpha;
    // p = t · B v over the trailing block B = A[k+1.., k+1..].
    let pv = 0;
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      let s = 0;
      for (let j = k + 1; j < n; j++) s += a[ri + j] * a[row + j];
      p[i] = t * s;
      pv += p[i] * a[row + i];
    }
    // w = p − (t/2)(pᵀv) v, stored over p.
    const kk = 0.5 * t * pv;
    for (let i = k + 1; i < n; i++) p[i] -= kk * a[row + i];
    for (let i = k + 1; i < n; i++) {
      const ri = i * n, vi = a[row + i], wi = p[i];
      for (let j = k + 1; j < n; j++) a[ri + j] -= vi * p[j] + wi * a[row + j];
    }
  }
  if (n >= 2) {
    d[n - 2] = a[(n - 2) * n + n - 2];
    e[n - 2] = a[(n - 2) * n + n - 1];
  }
  d[n - 1] = a[(n - 1) * n + n - 1];
  // Qᵀ = H_{n−3} ⋯ H_0: apply the reflectors in order from the left to the identity.
  qt.fill(0);
  for (let i = 0; i < n; i++) qt[i * n + i] = 1;
  const acc = p;
  for (let k = 0; k + 2 < n; k++) {
    const t = tau[k];
    if (t === 0) continue;
    const row = k * n;
    acc.fill(0);
    for (let r = k + 1; r < n; r++) {
      const vr = a[row + r], rr = r * n;
      for (let j = 0; j < n; j++) acc[j] += vr * qt[rr + j];
    }
    for (let r = k + 1; r < n; r++) {
      const f = t * a[row + r], rr = r * n;
      for (let j = 0; j < n; j++) qt[rr + j] -= f * acc[j];
    }
  }
}
