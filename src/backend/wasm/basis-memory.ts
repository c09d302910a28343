/**
 * A float64 row basis (K×n, row-major) whose ONLY storage is a dedicated WebAssembly.Memory sized exactly for it (plus
 * a small scratch region) that never grows, so its Float64Array view never detaches and can be a tensor's data. Its
 * own instance of the kernels (the variant importing a plain memory; the module is compiled once) runs the products
 * with leading rows — h = Q w (gemv_f64) and w += Qᵀ c (gemvt_f64) — directly on the rows, without any mirror: the
 * Krylov forward's Gram–Schmidt and the adjoint's projections share the one copy. The memory is released when the view,
 * the basis object and its instance are all unreachable (nothing global holds them: the registry is a WeakMap keyed by
 * the view's buffer).
 */
import { KERNELS_IMPORTED_WASM_BASE64 } from './kernels.generated.js';
import { decodeBase64, wasmKernels, type KernelExports } from './module.js';

/** Bytes below the basis: the kernels' 128-byte scratch tile lives at address 0 (the host convention reserves 1024). */
const RESERVED = 1024;
const PAGE = 65536;

let compiled: WebAssembly.Module | null = null;
let compiling: Promise<void> | null = null;
let failed = false;

/** The compiled imported-memory module, or null (no kernels, TRACETAPE_WASM=0, or asynchronous compilation pending/failed). */
function importedModule(): WebAssembly.Module | null {
  if (compiled) return compiled;
  if (failed || compiling || !wasmKernels()) return null;
  const bytes = decodeBase64(KERNELS_IMPORTED_WASM_BASE64);
  try {
    compiled = new WebAssembly.Module(bytes);
  } catch {
    compiling = WebAssembly.compile(bytes).then((m) => { compiled = m; }, () => { failed = true; });
    return null;
  }
  return compiled;
}

const registry = new WeakMap<ArrayBuffer, WasmBasis>();

/**
 * Products run on wasm-resident bases since process start (for tests that check which path ran), and the bytes of wasm
 * memory held by bases not yet collected (counted from allocation until the collector finalises the basis's buffer;
 * process.memoryUsage().arrayBuffers does not include wasm memory, so memory probes add this).
 */
export const wasmBasisStats = { products: 0, liveBytes: 0 };

const finalizer = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry<number>((bytes) => { wasmBasisStats.liveBytes -= bytes; }) : null;

/** A K×n float64 matrix stored in its own wasm memory, with staging buffers for one n-vector and 2K coefficients. */
export class WasmBasis {
  /** The K×n row-major basis (a view over the dedicated wasm memory; it never detaches). */
  readonly Q: Float64Array;
  private readonly wPtr: number;
  private readonly hPtr: number;
  private readonly cPtr: number;
  private readonly w: Float64Array;
  private readonly hv: Float64Array;
  private readonly cv: Float64Array;

  private constructor(private readonly k: KernelExports, memory: WebAssembly.Memory, readonly rows: number, readonly n: number) {
    const buf = memory.buffer;
    this.Q = new Float64Array(buf, RESERVED, rows * n);
    this.wPtr = RESERVED + 8 * rows * n;
    this.hPtr = this.wPtr + 8 * n;
    this.cPtr = this.hPtr + 8 * rows;
    this.w = new Float64Array(buf, this.wPtr, n);
    this.hv = new Float64Array(buf, this.hPtr, rows);
    this.cv = new Float64Array(buf, this.cPtr, rows);
  }

  /** Allocate a zeroed basis of `rows` rows of length n; null without the kernels or when the memory cannot be had. */
  static allocate(rows: number, n: number): WasmBasis | null {
    if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(n) || rows <= 0 || n <= 0) return null;
    const bytes = RESERVED + 8 * (rows * n + n + 2 * rows);
    // i32 addresses: stay below 2 GiB so that every pointer is a positive i32
    if (bytes > 2 ** 31) return null;
    const module = importedModule();
    if (!module) return null;
    try {
      const pages = Math.ceil(bytes / PAGE);
      const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
      const k = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
      const basis = new WasmBasis(k, memory, rows, n);
      registry.set(basis.Q.buffer as ArrayBuffer, basis);
      wasmBasisStats.liveBytes += pages * PAGE;
      finalizer?.register(basis.Q.buffer, pages * PAGE);
      return basis;
    } catch {
      return null; // out of memory or address space: the caller falls back to a plain array
    }
  }

  /** The wasm basis whose storage `a` is (a view of the whole basis or any part of it), or null. */
  static of(a: ArrayLike<number>): WasmBasis | null {
    return a instanceof Float64Array ? registry.get(a.buffer as ArrayBuffer) ?? null : null;
  }

  /** h[0 .. rows) = Q[row0 .. row0+rows) · w. */
  project(row0: number, rows: number, w: ArrayLike<number>, h: Float64Array): void {
    const src = WasmBasis.of(w) === this ? null : w;
    if (src) this.w.set(src as Float64Array);
    const wp = src ? this.wPtr : (w as Float64Array).byteOffset;
    this.k.gemv_f64(RESERVED + 8 * row0 * this.n, wp, this.hPtr, rows, this.n);
    for (let j = 0; j < rows; j++) h[j] = this.hv[j];
    wasmBasisStats.products++;
  }

  /** w += sign · Σ_{j < rows} coef[j] · Q[row0 + j]  (w: a plain Float64Array of length n). */
  combine(row0: number, rows: number, coef: ArrayLike<number>, w: Float64Array, sign = 1): void {
    const c = this.cv;
    for (let j = 0; j < rows; j++) c[j] = sign * coef[j];
    this.w.set(w);
    this.k.gemvt_f64(RESERVED + 8 * row0 * this.n, this.cPtr, this.wPtr, rows, this.n);
    w.set(this.w);
    wasmBasisStats.products++;
  }

  /**
   * `passes` rounds of classical Gram–Schmidt of w (length n) against rows [0, rows): s = Q w, w −= Qᵀ s; h[0 .. rows)
   * = Σ of the rounds' s. w is copied in and out once.
   */
  orthogonalize(rows: number, w: Float64Array, h: Float64Array, passes: number): void {
    const { k, n } = this;
    this.w.set(w);
    const s = this.hv, c = this.cv;
    for (let j = 0; j < rows; j++) h[j] = 0;
    for (let p = 0; p < passes; p++) {
      k.gemv_f64(RESERVED, this.wPtr, this.hPtr, rows, n);
      for (let j = 0; j < rows; j++) { h[j] += s[j]; c[j] = -s[j]; }
      k.gemvt_f64(RESERVED, this.cPtr, this.wPtr, rows, n);
    }
    w.set(this.w);
    wasmBasisStats.products += 2 * passes;
  }
}
