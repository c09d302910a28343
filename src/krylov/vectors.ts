/** Raw typed-array vector kernels used inside the Krylov forward and adjoint passes (no tensors, no allocation per element). */
import type { TypedArray } from '../tensor/index.js';
import { WasmRowBasis } from '../backend/index.js';

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

/**
 * When the Gram–Schmidt products of a `GramSchmidtRows` run on the WebAssembly SIMD kernels: float64 rows of length
 * ≥ `wasmMinLength` (below it the copies of w in and out and the call overhead cost more than the SIMD loops save), and
 * a basis of at most `wasmMaxBytes` (its mirror is a second copy in wasm memory, whose size never shrinks; default
 * 1 GiB). Mutable for tuning and tests.
 */
export const gramSchmidtThresholds = { wasmMinLength: 256, wasmMaxBytes: 2 ** 30 };

/**
 * The rows of a Krylov basis Q (row-major, rows of length n, filled one row at a time) prepared for repeated classical
 * Gram–Schmidt against its leading rows. With the wasm kernels (float64, n ≥ gramSchmidtThresholds.wasmMinLength) each
 * row is mirrored into wasm memory once when written, and the products h = Q w and w −= Qᵀ h run on the gemv/gemvt
 * SIMD kernels (a different summation order from the loops: results agree to rounding, ~1e-13 relative); otherwise,
 * and with TRACETAPE_WASM=0, they run as `projectRows`/`combineRows` on Q itself. `project`/`combine` are the single
 * products (for passes over a finished basis, e.g. the adjoint's projections: `rowWritten` every row first). The
 * caller owns Q, must not change a row after `rowWritten` (or must call it again), and must call `dispose()` (in a
 * finally) to release the wasm mirror.
 */
export class GramSchmidtRows {
  private readonly wasm: WasmRowBasis | null;
  private readonly scratch: Float64Array;

  /** Prepare the first `capacity` rows of Q (rows of length n); nothing is copied until `rowWritten`. */
  constructor(readonly Q: TypedArray, readonly capacity: number, readonly n: number) {
    const t = gramSchmidtThresholds;
    this.wasm = Q instanceof Float64Array && n >= t.wasmMinLength && 8 * capacity * n <= t.wasmMaxBytes ? WasmRowBasis.create(capacity, n) : null;
    this.scratch = new Float64Array(capacity);
  }

  /** Whether the products run on the wasm kernels. */
  get onWasm(): boolean {
    return this.wasm !== null;
  }

  /** Record that row j of Q has been written (and will not change while it is used here). */
  rowWritten(j: number): void {
    if (this.wasm) this.wasm.setRow(j, this.Q as Float64Array, j * this.n);
  }

  /**
   * `passes` rounds of classical Gram–Schmidt of w against rows [0, rows) (all already `rowWritten`): s = Q w, then
   * w −= Qᵀ s; h[0 .. rows) receives the sum of the rounds' s (the Arnoldi coefficients).
   */
  orthogonalize(rows: number, w: TypedArray, h: Float64Array, passes: number): void {
    if (this.wasm && w instanceof Float64Array) { this.wasm.orthogonalize(rows, w, h, passes); return; }
    const s = this.scratch;
    for (let j = 0; j < rows; j++) h[j] = 0;
    for (let p = 0; p < passes; p++) {
      projectRows(this.Q, rows, this.n, w, s);
      combineRows(this.Q, rows, this.n, s, w, -1);
      for (let j = 0; j < rows; j++) h[j] += s[j];
    }
  }

  /** h[0 .. rows) = Q[0 .. rows) · w, as `projectRows` (rows already `rowWritten`). */
  project(rows: number, w: TypedArray, h: Float64Array): void {
    if (this.wasm && w instanceof Float64Array) this.wasm.project(rows, w, h);
    else projectRows(this.Q, rows, this.n, w, h);
  }

  /** w += sign · Σ_{j < rows} coef[j] · Q[j], as `combineRows` (rows already `rowWritten`). */
  combine(rows: number, coef: Float64Array, w: TypedArray, sign = 1): void {
    if (this.wasm && w instanceof Float64Array) this.wasm.combine(rows, coef, w, sign);
    else combineRows(this.Q, rows, this.n, coef, w, sign);
  }

  /** Release the wasm mirror (a no-op on the TypeScript path). Idempotent. */
  dispose(): void {
    this.wasm?.dispose();
  }
}

/** Index of the first non-finite entry of `a`, or −1. */
export function firstNonFinite(a: TypedArray): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}
