/**
 * A float64 row basis resident in wasm memory: a K×n row-major matrix whose rows are copied in once, as they are
 * written, so that repeated products with its leading rows — h = Q w (gemv_f64) and w −= Qᵀ h (gemvt_f64) in the
 * Gram–Schmidt steps of Lanczos and Arnoldi — run on the WebAssembly SIMD kernels without copying K·n values per step.
 * Krylov bases are normally stored in their own wasm memory (basis-memory.ts: no copy at all); this mirror is the
 * fallback for a basis that is not (over that memory's size limit, or a caller's own array).
 */
import { wasmRuntime } from './matmul.js';
import type { KernelExports } from './module.js';
import type { WasmHeap } from './heap.js';

/** A K×n float64 matrix mirrored in wasm memory, plus staging buffers for one vector and K coefficients. */
export class WasmRowBasis {
  private constructor(
    private readonly k: KernelExports,
    private readonly heap: WasmHeap,
    /** Rows the mirror holds. */
    readonly capacity: number,
    /** Row length. */
    readonly n: number,
    private block: number,
  ) {}

  /** Reserve a mirror of `rows` rows of length `n` (plus buffers); null without the kernels or when wasm memory cannot grow that far. */
  static create(rows: number, n: number): WasmRowBasis | null {
    const rt = wasmRuntime();
    if (!rt || rows <= 0 || n <= 0) return null;
    const bytes = 8 * (rows * n + n + 2 * rows);
    if (!Number.isSafeInteger(bytes) || bytes > 0xffff0000) return null;
    const block = rt.heap.alloc(bytes);
    if (block < 0) return null;
    return new WasmRowBasis(rt.k, rt.heap, rows, n, block);
  }

  private get wPtr(): number { return this.block + 8 * this.capacity * this.n; }
  private get hPtr(): number { return this.wPtr + 8 * this.n; }
  private get cPtr(): number { return this.hPtr + 8 * this.capacity; }

  private view(ptr: number, len: number): Float64Array {
    if (this.block < 0) throw new Error('WasmRowBasis used after dispose()');
    return new Float64Array(this.k.memory.buffer, ptr, len);
  }

  /** Copy src[off .. off+n) into row j of the mirror. */
  setRow(j: number, src: Float64Array, off = 0): void {
    this.view(this.block + 8 * j * this.n, this.n).set(src.subarray(off, off + this.n));
  }

  /** h[0 .. rows) = Q[0 .. rows) · w. */
  project(rows: number, w: Float64Array, h: Float64Array): void {
    this.view(this.wPtr, this.n).set(w.subarray(0, this.n));
    this.k.gemv_f64(this.block, this.wPtr, this.hPtr, rows, this.n);
    h.set(this.view(this.hPtr, rows));
  }

  /** w += sign · Σ_{j < rows} coef[j] · Q[j]  (w += sign · Qᵀ coef; a zero coefficient still multiplies its row). */
  combine(rows: number, coef: Float64Array, w: Float64Array, sign = 1): void {
    const c = this.view(this.cPtr, rows);
    for (let j = 0; j < rows; j++) c[j] = sign * coef[j];
    this.view(this.wPtr, this.n).set(w.subarray(0, this.n));
    this.k.gemvt_f64(this.block, this.cPtr, this.wPtr, rows, this.n);
    w.set(this.view(this.wPtr, this.n));
  }

  /**
   * `passes` rounds of classical Gram–Schmidt of w against rows [0, rows): s = Q w, w −= Qᵀ s; h[0 .. rows) = Σ of
   * the rounds' s. w is copied in and out once; the rows stay where they are.
   */
  orthogonalize(rows: number, w: Float64Array, h: Float64Array, passes: number): void {
    const { k, n } = this;
    this.view(this.wPtr, n).set(w.subarray(0, n));
    for (let j = 0; j < rows; j++) h[j] = 0;
    for (let p = 0; p < passes; p++) {
      k.gemv_f64(this.block, this.wPtr, this.hPtr, rows, n);
      const s = this.view(this.hPtr, rows), c = this.view(this.cPtr, rows);
      for (let j = 0; j < rows; j++) { h[j] += s[j]; c[j] = -s[j]; }
      k.gemvt_f64(this.block, this.cPtr, this.wPtr, rows, n);
    }
    w.set(this.view(this.wPtr, n));
  }

  /** Free the mirror (the wasm memory keeps its size; it is reused by later allocations). Idempotent. */
  dispose(): void {
    if (this.block >= 0) this.heap.free(this.block);
    this.block = -1;
  }
}
