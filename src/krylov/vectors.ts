/** Raw typed-array vector kernels used inside the Krylov forward and adjoint passes (no tensors, no allocation per element). */
import { allocate, type DType, type TypedArray } from '../tensor/index.js';
import { WasmBasis, WasmRowBasis } from '../backend/index.js';

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
 * When the Gram–Schmidt products run on the WebAssembly SIMD kernels: float64 rows of length ≥ `wasmMinLength` (below
 * it the copies of w in and out and the call overhead cost more than the SIMD loops save), and a basis of at most
 * `wasmMaxBytes` (default 1 GiB; wasm addresses are 32-bit, and the fallback mirror's wasm heap never shrinks). Mutable
 * for tuning and tests.
 */
export const gramSchmidtThresholds = { wasmMinLength: 256, wasmMaxBytes: 2 ** 30 };

/**
 * Storage for a K×n Krylov basis: with the wasm kernels (float64, n ≥ wasmMinLength, size ≤ wasmMaxBytes) a view over
 * a dedicated wasm memory (`WasmBasis`: the one copy of the basis, on which both the forward's Gram–Schmidt and the
 * adjoint's projections run, released with the view by the garbage collector); otherwise, or when that memory cannot be
 * had, a plain zeroed typed array.
 */
export function allocateBasis(dtype: DType, K: number, n: number): TypedArray {
  const t = gramSchmidtThresholds;
  if (dtype === 'float64' && n >= t.wasmMinLength && 8 * K * n <= t.wasmMaxBytes) {
    const b = WasmBasis.allocate(K, n);
    if (b) return b.Q;
  }
  return allocate(dtype, K * n);
}

/** Whether `Q` is a basis stored in wasm memory by `allocateBasis` (its products run there, without a mirror). */
export function basisOnWasm(Q: TypedArray): boolean {
  const b = WasmBasis.of(Q);
  return b !== null && b.Q.byteOffset === Q.byteOffset;
}

/**
 * The rows of a Krylov basis Q (row-major, rows of length n, filled one row at a time) prepared for repeated classical
 * Gram–Schmidt against its leading rows and for the adjoint's projections. Three paths, all giving the same results to
 * rounding (~1e-13 relative; the wasm kernels sum in a different order from the loops):
 * - Q from `allocateBasis` in wasm memory: the products h = Q w and w += Qᵀ c run on the gemv/gemvt SIMD kernels
 *   directly on Q (no copy of the basis);
 * - otherwise, with `mirror` (the default) and the wasm kernels (float64, n ≥ gramSchmidtThresholds.wasmMinLength):
 *   each row is mirrored into the shared wasm heap once when written (`rowWritten`), a second copy released by
 *   `dispose()`;
 * - otherwise (and with TRACETAPE_WASM=0, float32, small n) `projectRows`/`combineRows` on Q itself.
 * The caller owns Q, must not change a row after `rowWritten` (or must call it again), and must call `dispose()` (in a
 * finally).
 */
export class GramSchmidtRows {
  private readonly direct: WasmBasis | null;
  private readonly wasm: WasmRowBasis | null;
  private readonly scratch: Float64Array;

  /** Prepare the first `capacity` rows of Q (rows of length n); `mirror: false` never makes a second copy of Q. */
  constructor(readonly Q: TypedArray, readonly capacity: number, readonly n: number, mirror = true) {
    const t = gramSchmidtThresholds;
    this.direct = basisOnWasm(Q) ? WasmBasis.of(Q) : null;
    this.wasm = !this.direct && mirror && Q instanceof Float64Array && n >= t.wasmMinLength && 8 * capacity * n <= t.wasmMaxBytes
      ? WasmRowBasis.create(capacity, n) : null;
    this.scratch = new Float64Array(capacity);
  }

  /** Whether the products run on the wasm kernels (on Q itself or on a mirror). */
  get onWasm(): boolean {
    return this.direct !== null || this.wasm !== null;
  }

  /** Whether the products run on Q itself in wasm memory (no mirror). */
  get inPlace(): boolean {
    return this.direct !== null;
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
    if (w instanceof Float64Array) {
      if (this.direct) { this.direct.orthogonalize(rows, w, h, passes); return; }
      if (this.wasm) { this.wasm.orthogonalize(rows, w, h, passes); return; }
    }
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
    if (this.direct && w instanceof Float64Array) this.direct.project(0, rows, w, h);
    else if (this.wasm && w instanceof Float64Array) this.wasm.project(rows, w, h);
    else projectRows(this.Q, rows, this.n, w, h);
  }

  /** w += sign · Σ_{j < rows} coef[j] · Q[row0 + j], as `combineRows` on rows row0.. (rows already `rowWritten`). */
  combine(rows: number, coef: Float64Array, w: TypedArray, sign = 1, row0 = 0): void {
    if (this.direct && w instanceof Float64Array) this.direct.combine(row0, rows, coef, w, sign);
    else if (this.wasm && row0 === 0 && w instanceof Float64Array) this.wasm.combine(rows, coef, w, sign);
    else combineRows(row0 === 0 ? this.Q : this.Q.subarray(row0 * this.n), rows, this.n, coef, w, sign);
  }

  /** Release the wasm mirror (a no-op on the other paths: a wasm-resident Q is released with Q). Idempotent. */
  dispose(): void {
    this.wasm?.dispose();
  }
}

/** Index of the first non-finite entry of `a`, or −1. */
export function firstNonFinite(a: TypedArray): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}
