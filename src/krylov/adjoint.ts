/**
 * Adjoint (reverse-mode) passes of the Lanczos and Arnoldi iterations on raw typed arrays, after Krämer et al. (2024),
 * "Gradients of functions of large matrices": one matvec VJP per step, parameter gradients accumulated on the way,
 * memory linear in the Krylov basis. Derivation in the comments of each function.
 */
import { allocate, type TypedArray } from '../tensor/index.js';
import type { MatvecVjp } from './matvec.js';
import { axpyRaw, dotRaw } from './vectors.js';

/**
 * Adjoint of the three-term Lanczos recurrence (no re-orthogonalisation): for the state x_0..x_{m−1} (rows of Q),
 * x_m = r/β_{m−1}, coefficients a_k, b_k, and cotangents dx_k, da_k, db_k, run for k = m−1..0
 *   ξ ← ξ / b_k;  μ = db_k − ⟨λ_{k+1}, x_k⟩ + ⟨x_{k+1}, ξ⟩;  ν = da_k + ⟨x_k, ξ⟩;  λ_k = −ξ + μ x_{k+1} + ν x_k;
 *   θ̄ += ∂θ⟨x_k, A(θ) λ_k⟩;  ξ ← −dx_k − A λ_k + a_k λ_k + b_k λ_{k+1} − b_k ν x_{k+1},
 * starting from ξ = −dx_m, λ_m = 0; then v̄0 = (⟨ξ, x_0⟩ x_0 − ξ)/‖v0‖ − c̄ c² x_0. After a breakdown (b_{m−1} = 0) the
 * residual and its coefficient are constants, so their cotangents vanish and ξ/b is taken as 0 (finite by design).
 * Returns v̄0; parameter gradients accumulate in `mv`.
 */
export function lanczosAdjointThreeTerm<P>(
  Q: TypedArray, alphas: Float64Array, betas: Float64Array, residual: TypedArray, c: number, n: number, m: number, K: number,
  dQ: TypedArray | null, dAlphas: ArrayLike<number>, dBetas: ArrayLike<number>, dr: ArrayLike<number>, dc: number, mv: MatvecVjp<P>,
): Float64Array {
  const bLast = betas[m - 1];
  const live = m === K && bLast > 0;
  const xm = new Float64Array(n);
  let dbLast = 0;
  const xi = new Float64Array(n);
  if (live) {
    for (let i = 0; i < n; i++) xm[i] = residual[i] / bLast;
    for (let i = 0; i < n; i++) dbLast += xm[i] * dr[i];
    for (let i = 0; i < n; i++) xi[i] = -bLast * dr[i];
  }
  let lam = new Float64Array(n);
  let lamPlus = new Float64Array(n);
  const Alam = new Float64Array(n);
  for (let k = m - 1; k >= 0; k--) {
    const xOff = k * n;
    const xp: TypedArray = k === m - 1 ? xm : Q;
    const xpOff = k === m - 1 ? 0 : xOff + n;
    const b = betas[k];
    const db = k === m - 1 ? dbLast : dBetas[k];
    if (b !== 0) { const ib = 1 / b; for (let i = 0; i < n; i++) xi[i] *= ib; } else xi.fill(0);
    const mu = db - dotRaw(lamPlus, 0, Q, xOff, n) + dotRaw(xp, xpOff, xi, 0, n);
    const nu = dAlphas[k] + dotRaw(Q, xOff, xi, 0, n);
    for (let i = 0; i < n; i++) lam[i] = -xi[i] + mu * xp[xpOff + i] + nu * Q[xOff + i];
    mv.applyAndAccumulate(lam, Q.subarray(xOff, xOff + n), Alam, `adjoint iteration ${k}`);
    const a = alphas[k];
    for (let i = 0; i < n; i++) xi[i] = -Alam[i] + a * lam[i] + b * lamPlus[i] - b * nu * xp[xpOff + i];
    if (dQ) axpyRaw(-1, dQ, xOff, xi, 0, n);
    const t = lamPlus; lamPlus = lam; lam = t;
  }
  const s = dotRaw(xi, 0, Q, 0, n);
  const dv = new Float64Array(n);
  const cc = dc * c * c;
  for (let i = 0; i < n; i++) dv[i] = (s * Q[i] - xi[i]) * c - cc * Q[i];
  return dv;
}

/** Inputs of the Hessenberg (Arnoldi) adjoint: the effective block of size m and its cotangents. */
export interface HessenbergAdjointInput {
  n: number;
  m: number;
  /** m×n (at least) row-major basis. */
  Q: TypedArray;
  /** m×m row-major Hessenberg matrix. */
  H: Float64Array;
  /** Residual (zero and without cotangent after a breakdown). */
  r: TypedArray;
  c: number;
  /** Cotangent of Q, or null when none reached it (treated as zero without allocating). */
  dQ: TypedArray | null;
  /** m×m row-major cotangent of H. */
  dH: Float64Array;
  dr: ArrayLike<number>;
  dc: number;
  /** Re-impose the adjoint's orthogonality conditions at every step (the paper's projection; use with full re-orthogonalisation). */
  projection: boolean;
  /** Symmetric operator with tridiagonal H (Lanczos): Aᵀλ = Aλ, and only λ_{k+1} of the earlier adjoint states is needed. */
  symmetric: boolean;
}

/**
 * Adjoint of the Arnoldi iteration A Qᵀ = Qᵀ H + r e_mᵀ, QQᵀ = I, Q r = 0, q_0 = c·v (Krämer et al. 2024, with
 * multipliers λ_k for the Arnoldi relation's columns and a lower-triangular Γ for orthonormality). With
 * γ = dH e_m − Q dr, λ_{m−1} = dr + Qᵀγ, Π_γ = −c̄ c e_1e_1ᵀ + H dHᵀ − dQ Qᵀ, for k = m−1..0:
 *   (projection) replace the components of λ_k along q_0..q_{k+1} by dH[0..k+1, k];
 *   u = Aᵀλ_k and θ̄ += ∂θ⟨λ_k, A(θ) q_k⟩ (one matvec VJP);
 *   Γ[k, j] = w_kj (Π_γ[k, j] − ⟨u, q_j⟩) for j ≤ k (w = 1, or ½ on the diagonal);
 *   ξ = dq_k + γ_k r + Σ_j (Γ + Γᵀ)[k, j] q_j;
 *   λ_{k−1} = (ξ − H[k,k] λ_k + u − Σ_{j>k} H[k, j] λ_j) / H[k, k−1]  (divisor 1 at k = 0);
 * and v̄ = c·λ_{−1}. Returns v̄; parameter gradients accumulate in `mv`.
 */
export function hessenbergAdjoint<P>(inp: HessenbergAdjointInput, mv: MatvecVjp<P>): Float64Array {
  const { n, m, Q, H, r, c, dQ, dH, dr, dc, projection, symmetric } = inp;
  const gamma = new Float64Array(m);
  let lam = Float64Array.from(dr);
  for (let j = 0; j < m; j++) gamma[j] = dH[j * m + m - 1] - dotRaw(Q, j * n, lam, 0, n);
  for (let j = 0; j < m; j++) axpyRaw(gamma[j], Q, j * n, lam, 0, n);
  // Π_γ = −c̄ c e1e1ᵀ + H dHᵀ − dQ Qᵀ  (m×m).
  const Pi = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    const lo = symmetric ? Math.max(0, i - 1) : Math.max(0, i - 1);
    const hi = symmetric ? Math.min(m - 1, i + 1) : m - 1;
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let l = lo; l <= hi; l++) s += H[i * m + l] * dH[j * m + l];
      Pi[i * m + j] = dQ ? s - dotRaw(dQ, i * n, Q, j * n, n) : s;
    }
  }
  Pi[0] -= dc * c;
  const Gamma = new Float64Array(m * m);
  const Lambda = symmetric ? null : allocate('float64', m * n) as Float64Array;
  let lamPlus = new Float64Array(n);
  const u = new Float64Array(n);
  const s = new Float64Array(m);
  let next = new Float64Array(n);
  for (let k = m - 1; k >= 0; k--) {
    const qOff = k * n;
    if (projection) {
      const top = Math.min(k + 1, m - 1);
      for (let j = 0; j <= top; j++) s[j] = dotRaw(Q, j * n, lam, 0, n);
      for (let j = 0; j <= top; j++) axpyRaw(dH[j * m + k] - s[j], Q, j * n, lam, 0, n);
    }
    if (symmetric) mv.applyAndAccumulate(lam, Q.subarray(qOff, qOff + n), u, `adjoint iteration ${k}`);
    else mv.transposeAndAccumulate(Q.subarray(qOff, qOff + n), lam, u, `adjoint iteration ${k}`);
    for (let j = 0; j <= k; j++) {
      const w = j === k ? 0.5 : 1;
      Gamma[k * m + j] = w * (Pi[k * m + j] - dotRaw(u, 0, Q, j * n, n));
    }
    if (Lambda) Lambda.set(lam, k * n);
    // ξ = dq_k + γ_k r + Σ_j (Γ[k,j] + Γ[j,k]) q_j
    for (let i = 0; i < n; i++) next[i] = gamma[k] * r[i];
    if (dQ) axpyRaw(1, dQ, qOff, next, 0, n);
    for (let j = 0; j < m; j++) axpyRaw(Gamma[k * m + j] + Gamma[j * m + k], Q, j * n, next, 0, n);
    const a = H[k * m + k];
    for (let i = 0; i < n; i++) next[i] += u[i] - a * lam[i];
    if (symmetric) {
      if (k < m - 1) axpyRaw(-H[k * m + k + 1], lamPlus, 0, next, 0, n);
    } else {
      for (let j = k + 1; j < m; j++) axpyRaw(-H[k * m + j], Lambda as Float64Array, j * n, next, 0, n);
    }
    const div = k > 0 ? H[k * m + k - 1] : 1;
    if (div !== 1) { const inv = 1 / div; for (let i = 0; i < n; i++) next[i] *= inv; }
    const t = lamPlus; lamPlus = lam; lam = next; next = t;
  }
  const dv = new Float64Array(n);
  for (let i = 0; i < n; i++) dv[i] = lam[i] * c;
  return dv;
}
