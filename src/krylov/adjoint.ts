/**
 * Adjoint (reverse-mode) passes of the Lanczos and Arnoldi iterations on raw typed arrays, after Krämer et al. (2024),
 * "Gradients of functions of large matrices": one matvec VJP per step, parameter gradients accumulated on the way,
 * memory linear in the Krylov basis. Derivation in the comments of each function.
 */
import { allocate, type TypedArray } from '../tensor/index.js';
import type { MatvecVjp } from './matvec.js';
import { GramSchmidtRows, axpyRaw, dotRaw } from './vectors.js';
import { projectedAfter, projectedBefore, scaleAdd, threeTermAfter, threeTermBefore } from './adjoint-kernels.js';

/**
 * Adjoint of the three-term Lanczos recurrence (no re-orthogonalisation): for the state x_0..x_{m−1} (rows of Q),
 * x_m = r/β_{m−1}, coefficients a_k, b_k, and cotangents dx_k, da_k, db_k, run for k = m−1..0
 *   ξ ← ξ / b_k;  μ = db_k − ⟨λ_{k+1}, x_k⟩ + ⟨x_{k+1}, ξ⟩;  ν = da_k + ⟨x_k, ξ⟩;  λ_k = −ξ + μ x_{k+1} + ν x_k;
 *   θ̄ += ∂θ⟨x_k, A(θ) λ_k⟩;  ξ ← −dx_k − A λ_k + a_k λ_k + b_k λ_{k+1} − b_k ν x_{k+1},
 * starting from ξ = −b_{m−1} dr (dr: cotangent of the residual r = b_{m−1} x_m), db_{m−1} = ⟨x_m, dr⟩, λ_m = 0; then
 * v̄0 = (⟨ξ, x_0⟩ x_0 − ξ)/‖v0‖ − c̄ c² x_0. After a breakdown (b_{m−1} = 0) the residual and its coefficient are
 * constants, so their cotangents vanish and ξ/b is taken as 0 (finite by design). Returns v̄0; parameter gradients
 * accumulate in `mv`.
 *
 * Implementation: two n-vectors of state (X: ξ, overwritten in place by λ_k; L: λ_{k+1}, overwritten by
 * b_k λ_{k+1} − b_k ν x_{k+1} − dx_k before the matvec and by the next ξ after it), x_m read as r/b_{m−1} (not
 * stored), the matvec's output read in place, and per step one fused pass before and one after the matvec (the latter
 * also takes the three inner products of the next step). `dQ` and `dr` may be null (no cotangent: treated as zero).
 */
export function lanczosAdjointThreeTerm<P>(
  Q: TypedArray, alphas: Float64Array, betas: Float64Array, residual: TypedArray, c: number, n: number, m: number, K: number,
  dQ: TypedArray | null, dAlphas: ArrayLike<number>, dBetas: ArrayLike<number>, dr: ArrayLike<number> | null, dc: number, mv: MatvecVjp<P>,
): Float64Array {
  const bLast = betas[m - 1];
  const live = m === K && bLast > 0;
  let X = new Float64Array(n);
  let L = new Float64Array(n);
  let dbLast = 0;
  if (live && dr) {
    scaleAdd(X, -bLast, dr, 0, null, 0, n);
    dbLast = dotRaw(residual, 0, X, 0, n) / (-bLast * bLast);
  }
  // Inner products of step k: ⟨λ_{k+1}, x_k⟩, ⟨xp, ξ⟩ (xp = the stored x_{k+1}: a row of Q or r), ⟨x_k, ξ⟩.
  const dots = new Float64Array(3);
  dots[1] = dotRaw(residual, 0, X, 0, n);
  dots[2] = dotRaw(Q, (m - 1) * n, X, 0, n);
  // The matvec's output of the current step; cleared after use so that it is not kept alive (by a stale register)
  // through the next step's matvec.
  let AX: TypedArray | null = null;
  for (let k = m - 1; k >= 0; k--) {
    const xOff = k * n;
    // x_{k+1}: a row of Q, or r/b_{m−1} at the last step. After a breakdown sx = 0 drops it (q_k is read in its place,
    // multiplied by zero).
    const last = k === m - 1;
    const xp: TypedArray = last && live ? residual : Q;
    const xpOff = last ? (live ? 0 : xOff) : xOff + n;
    const sx = last ? (live ? 1 / bLast : 0) : 1;
    const b = betas[k];
    const ib = b !== 0 ? 1 / b : 0;
    const db = last ? dbLast : dBetas[k];
    const mu = db - dots[0] + ib * sx * dots[1];
    const nu = dAlphas[k] + ib * dots[2];
    // λ_k = −ξ/b + μ x_{k+1} + ν x_k (into X);  L ← b λ_{k+1} − b ν x_{k+1} − dx_k.
    threeTermBefore(X, L, Q, xOff, xp, xpOff, dQ, ib, mu * sx, nu, b, b * nu * sx, n);
    AX = mv.applyAccumulate(X, Q.subarray(xOff, xOff + n), `adjoint iteration ${k}`);
    // ξ_new = L − A λ_k + a_k λ_k (into L), with the next step's inner products in the same pass.
    threeTermAfter(L, AX, X, alphas[k], Q, xOff, k > 0 ? xOff - n : xOff, n, dots);
    AX = null;
    const t = L; L = X; X = t;
  }
  // X now holds ξ; v̄0 = (⟨ξ, x_0⟩ x_0 − ξ)·c − c̄ c² x_0, written in place.
  const s = dotRaw(X, 0, Q, 0, n);
  scaleAdd(X, -c, X, s * c - dc * c * c, Q, 0, n);
  return X;
}

/** Inputs of the projected Lanczos adjoint (symmetric tridiagonal case of the Hessenberg adjoint). */
export interface LanczosProjectedInput {
  n: number;
  /** Effective depth m (rows 0..m−1 of Q are used). */
  m: number;
  Q: TypedArray;
  alphas: Float64Array;
  /** betas[k] couples q_k and q_{k+1} (k < m − 1). */
  betas: Float64Array;
  /** Residual (zero and without cotangent after a breakdown). */
  r: TypedArray;
  c: number;
  /** Cotangent of Q, or null (zero). */
  dQ: TypedArray | null;
  dAlphas: ArrayLike<number>;
  /** Cotangents of betas[0..m−2]. */
  dBetas: ArrayLike<number>;
  /** Cotangent of r, or null (zero). */
  dr: ArrayLike<number> | null;
  dc: number;
}

/**
 * The projected adjoint of the Hessenberg relation (see hessenbergAdjoint) specialised to Lanczos: H = T tridiagonal
 * and symmetric, dH = tridiag(½dβ, dα, ½dβ), Aᵀ = A, so only λ_{k+1} of the earlier multipliers is needed. Same
 * recursion and results (to rounding) as hessenbergAdjoint with symmetric + projection, organised for memory and time:
 * - two n-vectors of state (λ_k, and P: λ_{k+1} turned into the part of λ_{k−1} known before the matvec), the
 *   matvec's output read in place, Γ stored as a packed lower triangle, Π's rows formed when needed (banded H dHᵀ and
 *   ⟨dq_k, q_j⟩), nothing of size m×m besides Γ;
 * - the terms Σ_{j≤k} Γ[k, j] q_j of λ_{k−1} (k ≥ 1) are not added: the projection at the start of step k − 1 replaces
 *   every component of λ_{k−1} along q_0..q_k by dH[·, k−1], so with orthonormal Q they cancel exactly (the results
 *   differ only by rounding times the loss of orthogonality of Q). At k = 0 (the final λ_{−1}) they are kept;
 * - the products with rows of Q run on the wasm gemv/gemvt kernels directly on Q when the forward stored Q in wasm
 *   memory (GramSchmidtRows without a mirror), else as TypeScript loops.
 */
export function lanczosAdjointProjected<P>(inp: LanczosProjectedInput, mv: MatvecVjp<P>): Float64Array {
  const { n, m, Q, alphas, betas, r, c, dQ, dAlphas, dBetas, dr, dc } = inp;
  // Tridiagonal H and dH within the m-block.
  const h = (i: number, j: number): number => (i === j ? alphas[i] : (j === i + 1 || j === i - 1) && Math.min(i, j) < m - 1 ? betas[Math.min(i, j)] : 0);
  const dh = (i: number, j: number): number => (i < 0 || j < 0 || i >= m || j >= m ? 0 : i === j ? dAlphas[i] : (j === i + 1 || j === i - 1) ? 0.5 * dBetas[Math.min(i, j)] : 0);
  // The products with rows of Q: on Q itself where it lives in wasm memory (allocateBasis), else the TypeScript loops
  // (never a mirror: a second copy of the basis during the backward pass would double its memory).
  const gs = new GramSchmidtRows(Q, m, n, false);
  const s = new Float64Array(m);
  const coef = new Float64Array(m);
  // γ_j = dH[j, m−1] − ⟨q_j, dr⟩;  λ_{m−1} = dr + Σ_j γ_j q_j.
  const gamma = new Float64Array(m);
  let lam = new Float64Array(n);
  if (dr) {
    scaleAdd(lam, 1, dr, 0, null, 0, n);
    gs.project(m, lam, s);
  }
  for (let j = 0; j < m; j++) gamma[j] = dh(j, m - 1) - (dr ? s[j] : 0);
  gs.combine(m, gamma, lam, 1);
  let P = new Float64Array(n);
  const G = new Float64Array((m * (m + 1)) / 2);
  const gi = (k: number, j: number): number => (k * (k + 1)) / 2 + j;
  let u: TypedArray | null = null; // the matvec's output, cleared after use (see lanczosAdjointThreeTerm)
  for (let k = m - 1; k >= 0; k--) {
    const qOff = k * n;
    // Projection: replace the components of λ_k along q_0..q_top by dH[0..top, k].
    const top = Math.min(k + 1, m - 1);
    gs.project(top + 1, lam, s);
    for (let j = 0; j <= top; j++) coef[j] = dh(j, k) - s[j];
    gs.combine(top + 1, coef, lam, 1);
    // P ← −β_k λ_{k+1} + dq_k + γ_k r + Σ_{j>k} Γ[j, k] q_j   (λ_m = 0).
    const bk = k < m - 1 ? betas[k] : 0;
    const gk = gamma[k];
    projectedBefore(P, bk, gk, r, dQ, qOff, n);
    if (k < m - 1) {
      for (let j = k + 1; j < m; j++) coef[j - k - 1] = G[gi(j, k)];
      gs.combine(m - k - 1, coef, P, 1, k + 1);
    }
    u = mv.applyAccumulate(lam, Q.subarray(qOff, qOff + n), `adjoint iteration ${k}`);
    // Γ[k, j] = w (Π[k, j] − ⟨u, q_j⟩), j ≤ k, Π = −c̄ c e1e1ᵀ + H dHᵀ − dQ Qᵀ.
    gs.project(k + 1, u, s);
    if (dQ) { gs.project(k + 1, dQ.subarray(qOff, qOff + n), coef); for (let j = 0; j <= k; j++) s[j] += coef[j]; }
    for (let j = 0; j <= k; j++) {
      let pi = 0;
      if (j >= k - 2) for (let l = Math.max(0, k - 1); l <= Math.min(m - 1, k + 1); l++) pi += h(k, l) * dh(j, l);
      if (k === 0 && j === 0) pi -= dc * c;
      G[gi(k, j)] = (j === k ? 0.5 : 1) * (pi - s[j]);
    }
    // λ_{k−1} = (P + u − α_k λ_k [+ 2Γ[0,0] q_0 at k = 0]) / β_{k−1}.
    projectedAfter(P, u, alphas[k], lam, k > 0 ? 0 : 2 * G[0], Q, k > 0 ? 1 / betas[k - 1] : 1, n);
    u = null;
    const t = lam; lam = P; P = t;
  }
  scaleAdd(lam, c, lam, 0, null, 0, n);
  return lam;
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
  // The products with rows of Q: on Q itself where it lives in wasm memory (allocateBasis), else the TypeScript loops
  // (never a mirror, see lanczosAdjointProjected).
  const gs = new GramSchmidtRows(Q, m, n, false);
  const s = new Float64Array(m);
  const gamma = new Float64Array(m);
  let lam = Float64Array.from(dr);
  gs.project(m, lam, s);
  for (let j = 0; j < m; j++) gamma[j] = dH[j * m + m - 1] - s[j];
  gs.combine(m, gamma, lam, 1);
  // Π_γ = −c̄ c e1e1ᵀ + H dHᵀ − dQ Qᵀ  (m×m).
  const Pi = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    const lo = symmetric ? Math.max(0, i - 1) : Math.max(0, i - 1);
    const hi = symmetric ? Math.min(m - 1, i + 1) : m - 1;
    if (dQ) gs.project(m, dQ.subarray(i * n, i * n + n), s);
    for (let j = 0; j < m; j++) {
      let t = 0;
      for (let l = lo; l <= hi; l++) t += H[i * m + l] * dH[j * m + l];
      Pi[i * m + j] = dQ ? t - s[j] : t;
    }
  }
  Pi[0] -= dc * c;
  const Gamma = new Float64Array(m * m);
  const Lambda = symmetric ? null : allocate('float64', m * n) as Float64Array;
  let lamPlus = new Float64Array(n);
  const u = new Float64Array(n);
  const coef = new Float64Array(m);
  let next = new Float64Array(n);
  for (let k = m - 1; k >= 0; k--) {
    const qOff = k * n;
    if (projection) {
      const top = Math.min(k + 1, m - 1);
      gs.project(top + 1, lam, s);
      for (let j = 0; j <= top; j++) coef[j] = dH[j * m + k] - s[j];
      gs.combine(top + 1, coef, lam, 1);
    }
    if (symmetric) mv.applyAndAccumulate(lam, Q.subarray(qOff, qOff + n), u, `adjoint iteration ${k}`);
    else mv.transposeAndAccumulate(Q.subarray(qOff, qOff + n), lam, u, `adjoint iteration ${k}`);
    gs.project(k + 1, u, s);
    for (let j = 0; j <= k; j++) {
      const w = j === k ? 0.5 : 1;
      Gamma[k * m + j] = w * (Pi[k * m + j] - s[j]);
    }
    if (Lambda) Lambda.set(lam, k * n);
    // ξ = dq_k + γ_k r + Σ_j (Γ[k,j] + Γ[j,k]) q_j
    for (let i = 0; i < n; i++) next[i] = gamma[k] * r[i];
    if (dQ) axpyRaw(1, dQ, qOff, next, 0, n);
    for (let j = 0; j < m; j++) coef[j] = Gamma[k * m + j] + Gamma[j * m + k];
    gs.combine(m, coef, next, 1);
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
