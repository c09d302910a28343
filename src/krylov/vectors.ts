/** Raw typed-array vector kernels used inside the Krylov forward and adjoint passes (no tensors, no allocation per element). */
import type { TypedArray } from '../tensor/index.js';

/** Inner product of `a[aOff .. aOff+n)` and `b[bOff .. bOff+n)`. */
export function dotRaw(a: TypedArray, aOff: number, b: TypedArray, bOff: number, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[aOff + i] * b[bOff + i];
    s1 += a[aOff + i + 1] * b[bOff + i + 1];
    s2 += a[aOff + i + 2] * b[bOff + i + 2];
    s3 += a[aOff + i + 3] * b[bOff + i + 3];
  }
  for (; i < n; i++) s0 += a[aOff + i] * b[bOff + i];
  return s0 + s1 + s2 + s3;
}

/** y[yOff + i] += alpha · x[xOff + i] for i < n. */
export function axpyRaw(alpha: number, x: TypedArray, xOff: number, y: TypedArray, yOff: number, n: number): void {
  if (alpha === 0) return;
  for (let i = 0; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
}

/** Euclidean norm of `a[off .. off+n)`, guarded against overflow by scaling only when needed. */
export function normRaw(a: TypedArray, off: number, n: number): number {
  const s = dotRaw(a, off, a, off, n);
  if (s > 0 && s < Infinity && s > 1e-280) return Math.sqrt(s);
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(a[off + i]));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let t = 0;
  for (let i = 0; i < n; i++) { const v = a[off + i] / scale; t += v * v; }
  return scale * Math.sqrt(t);
}

/** h[j] = ⟨Q[j], w⟩ for the first `rows` rows of the row-major `Q` (rows of length n). */
export function projectRows(Q: TypedArray, rows: number, n: number, w: TypedArray, h: Float64Array): void {
  for (let j = 0; j < rows; j++) h[j] = dotRaw(Q, j * n, w, 0, n);
}

/** w += Σ_j coef[j] · Q[j] over the first `rows` rows. */
export function combineRows(Q: TypedArray, rows: number, n: number, coef: Float64Array, w: TypedArray, sign = 1): void {
  for (let j = 0; j < rows; j++) axpyRaw(sign * coef[j], Q, j * n, w, 0, n);
}

/** Index of the first non-finite entry of `a`, or −1. */
export function firstNonFinite(a: TypedArray): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}
