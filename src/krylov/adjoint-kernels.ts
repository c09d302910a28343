/**
 * Fused vector loops of the Lanczos adjoints. Each is its own small function (called once per adjoint step) rather than
 * a loop inlined in the adjoint's body: V8 then optimises it as an ordinary function after a few calls and keeps that
 * code, instead of re-entering every backward pass through the interpreter and on-stack replacement (whose cached code
 * does not survive a full GC), which made the passes several times slower right after a collection.
 */
import type { TypedArray } from '../tensor/index.js';

/**
 * Three-term adjoint, before the matvec: X ← −ib·X + cP·xp + nu·x and L ← b·L − cL·xp − dx (dx omitted when null),
 * where x = Q[xOff ..], xp = P[pOff ..], dx = dQ[xOff ..].
 */
export function threeTermBefore(
  X: Float64Array, L: Float64Array, Q: TypedArray, xOff: number, P: TypedArray, pOff: number, dQ: TypedArray | null,
  ib: number, cP: number, nu: number, b: number, cL: number, n: number,
): void {
  if (dQ) {
    for (let i = 0; i < n; i++) {
      const xpi = P[pOff + i];
      X[i] = -ib * X[i] + cP * xpi + nu * Q[xOff + i];
      L[i] = b * L[i] - cL * xpi - dQ[xOff + i];
    }
  } else {
    for (let i = 0; i < n; i++) {
      const xpi = P[pOff + i];
      X[i] = -ib * X[i] + cP * xpi + nu * Q[xOff + i];
      L[i] = b * L[i] - cL * xpi;
    }
  }
}

/**
 * Three-term adjoint, after the matvec: L ← L − AX + a·X, and the next step's inner products
 * dots = [⟨X, y⟩, ⟨x, L⟩, ⟨y, L⟩] with x = Q[xOff ..], y = Q[yOff ..] (one code path for every step: at the last
 * step the caller passes any valid yOff and ignores the dots).
 */
export function threeTermAfter(L: Float64Array, AX: TypedArray, X: Float64Array, a: number, Q: TypedArray, xOff: number, yOff: number, n: number, dots: Float64Array): void {
  let s0 = 0, s1 = 0, s2 = 0;
  for (let i = 0; i < n; i++) {
    const l = X[i];
    const xi = L[i] - AX[i] + a * l;
    L[i] = xi;
    const y = Q[yOff + i];
    s0 += l * y;
    s1 += Q[xOff + i] * xi;
    s2 += y * xi;
  }
  dots[0] = s0; dots[1] = s1; dots[2] = s2;
}

/** out ← s·x + t·y (y at offset yOff; y may be null, then out ← s·x); out may be x. */
export function scaleAdd(out: Float64Array, s: number, x: ArrayLike<number>, t: number, y: TypedArray | null, yOff: number, n: number): void {
  if (y) for (let i = 0; i < n; i++) out[i] = s * x[i] + t * y[yOff + i];
  else for (let i = 0; i < n; i++) out[i] = s * x[i];
}

/** P ← −b·P + g·r + dx (dx = dQ[off ..], omitted when null). */
export function projectedBefore(P: Float64Array, b: number, g: number, r: TypedArray, dQ: TypedArray | null, off: number, n: number): void {
  if (dQ) for (let i = 0; i < n; i++) P[i] = -b * P[i] + g * r[i] + dQ[off + i];
  else for (let i = 0; i < n; i++) P[i] = -b * P[i] + g * r[i];
}

/** P ← (P + u − a·lam + g·q)·inv with q = Q[0 ..] (the q term only when g ≠ 0). */
export function projectedAfter(P: Float64Array, u: TypedArray, a: number, lam: Float64Array, g: number, Q: TypedArray, inv: number, n: number): void {
  if (g !== 0) for (let i = 0; i < n; i++) P[i] = (P[i] + u[i] - a * lam[i] + g * Q[i]) * inv;
  else for (let i = 0; i < n; i++) P[i] = (P[i] + u[i] - a * lam[i]) * inv;
}
