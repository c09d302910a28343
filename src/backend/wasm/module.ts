/** Loads the embedded WebAssembly SIMD kernels module once: feature check, synchronous instantiation, typed exports. */
import { KERNELS_WASM_BASE64 } from './kernels.generated.js';

/** The exports of kernels.wat (pointers are byte addresses in `memory`). */
export interface KernelExports {
  /** The module's linear memory (grown by the host allocator). */
  memory: WebAssembly.Memory;
  /** C (m×n) = A (m×k) · B (k×n), float64, using `work` for the packed panels. */
  gemm_f64(A: number, B: number, C: number, m: number, k: number, n: number, work: number): void;
  /** y (m) = A (m×k) · x (k), float64. */
  gemv_f64(A: number, x: number, y: number, m: number, k: number): void;
  /** C (m×n) = A (m×k) · B (k×n), float32 (f32 accumulation), using `work` for the packed panels. */
  gemm_f32(A: number, B: number, C: number, m: number, k: number, n: number, work: number): void;
  /** y (m) = A (m×k) · x (k), float32 (f32 accumulation). */
  gemv_f32(A: number, x: number, y: number, m: number, k: number): void;
  /** y (k) += Aᵀ x with A (m×k) row-major, x (m), float64 (the transpose-matvec; streams A once). */
  gemvt_f64(A: number, x: number, y: number, m: number, k: number): void;
  /** y (k) += Aᵀ x with A (m×k) row-major, x (m), float32 (f32 accumulation). */
  gemvt_f32(A: number, x: number, y: number, m: number, k: number): void;
  /** Move this instance's 128-byte scratch tile (threads sharing one memory each need their own). */
  set_tile(p: number): void;
  /** Σ of n float64 values at p. */
  sum_f64(p: number, n: number): number;
  /** o = a + b elementwise, n float64 values (wat/elementwise.wat). */
  add_f64(a: number, b: number, o: number, n: number): void;
  /** o = a − b elementwise, n float64 values. */
  sub_f64(a: number, b: number, o: number, n: number): void;
  /** o = a · b elementwise, n float64 values. */
  mul_f64(a: number, b: number, o: number, n: number): void;
  /** o = a / b elementwise, n float64 values. */
  div_f64(a: number, b: number, o: number, n: number): void;
  /** Σ a[i]·b[i] over n float64 values. */
  dot_f64(a: number, b: number, n: number): number;
  /** o = e^a elementwise (o may equal a); for odd n it also reads a[n] and writes o[n]. */
  exp_f64(a: number, o: number, n: number): void;
  /** Philox4x32-10 words of blocks b0 .. b0+4·nq-1 (b0 = bhi·2^32 + blo; counter words 2, 3 = c2, tag) as SoA quads at dst (wat/philox.wat). */
  philox_words(k0: number, k1: number, blo: number, bhi: number, c2: number, tag: number, nq: number, dst: number): void;
  /** Float64 uniforms (53-bit recipe) of stream blocks b0 .. b0+nb-1 at dst, whole quads; scratch: 4 KiB. */
  philox_uniform_f64(k0: number, k1: number, blo: number, bhi: number, nb: number, dst: number, scratch: number): void;
  /** Float32 uniforms (24-bit recipe) of stream blocks b0 .. b0+nb-1 at dst, whole quads; scratch: 4 KiB. */
  philox_uniform_f32(k0: number, k1: number, blo: number, bhi: number, nb: number, dst: number, scratch: number): void;
  /** Float64 Rademacher signs of stream blocks b0 .. b0+nb-1 at dst (4 per block), whole quads; scratch: 4 KiB. */
  philox_rademacher_f64(k0: number, k1: number, blo: number, bhi: number, nb: number, dst: number, scratch: number): void;
  /** Float32 Rademacher signs of stream blocks b0 .. b0+nb-1 at dst (4 per block), whole quads; scratch: 4 KiB. */
  philox_rademacher_f32(k0: number, k1: number, blo: number, bhi: number, nb: number, dst: number, scratch: number): void;
  /** Σ_{i<n} data[floor(u_i·n)] over the float64 uniform stream of key (k0, k1), fused (no uniform array); scratch: 4 KiB. */
  bootstrap_sum_f64(data: number, n: number, k0: number, k1: number, scratch: number): number;
  /** The same sum through n zeroed byte counters at `counts` (left zeroed): random accesses touch n bytes, not 8n. */
  bootstrap_sum_counts_f64(data: number, n: number, k0: number, k1: number, scratch: number, counts: number): number;
  /** out[j] = the bootstrap sum under foldIn(key, r0 + j), divided by n, for j < count (r0 = rhi·2^32 + rlo); counts = 0 selects the gather kernel. */
  bootstrap_means_f64(data: number, n: number, k0: number, k1: number, rlo: number, rhi: number, count: number, out: number, scratch: number, counts: number): void;
  /** Blocking parameters of the float64 gemm (rows of the packed A block, depth, columns of the packed B block). */
  F64_MC: WebAssembly.Global; F64_KC: WebAssembly.Global; F64_NC: WebAssembly.Global;
  /** Blocking parameters of the float32 gemm. */
  F32_MC: WebAssembly.Global; F32_KC: WebAssembly.Global; F32_NC: WebAssembly.Global;
  /**
   * Rows [i0, i1) of out (·×c) = W(x1, x2) · v (m×c), W_ij = profile(‖x1_i − x2_j‖²) never stored (wat/kernel.wat):
   * mode 0 RBF c0·e^{−r²/2}; mode 1 Matérn (c0 + c1·s + c2·s²)·e^{−s}, s = a·r (deg 0: c0·e^{−s}); `work` holds
   * d·1024 + 4096 + 16c bytes. Float64.
   */
  kprod_f64(mode: number, a: number, c0: number, c1: number, c2: number, deg: number, x1: number, x2: number, v: number, out: number, m: number, d: number, c: number, work: number, i0: number, i1: number): void;
  /** out (n×c) = W(x, x) · v for the square case, each unordered pair evaluated once; same profiles as kprod_f64; `work` holds d·1024 + 4096 + 16c bytes. */
  kprod_sym_f64(mode: number, a: number, c0: number, c1: number, c2: number, deg: number, x: number, v: number, out: number, n: number, d: number, c: number, work: number): void;
  /** out[i] = e^{t[i]} for n float64 values t ≤ 0, with the vectorised exp of kprod_f64 (for accuracy tests). */
  kp_exp_f64(t: number, out: number, n: number): void;
}

/** A module using one v128 instruction: validates only where WebAssembly SIMD is supported. */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 17, 11]);

let state: { exports: KernelExports | null; reason: string } | null = null;
let pending: Promise<void> | null = null;

/** Whether this engine has WebAssembly with the fixed-width SIMD proposal (checked by validating a tiny module). */
export function simdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/** Bytes of a base64 string (atob exists in browsers and Node ≥ 16). */
export function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const bytes = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

function instantiateFrom(module: WebAssembly.Module): KernelExports {
  const exports = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
  state = { exports, reason: 'WebAssembly SIMD kernels loaded' };
  return exports;
}

/**
 * The kernels' exports, or null where WebAssembly SIMD is unavailable (or disabled by TRACETAPE_WASM=0). Compiles
 * synchronously on first use; where the engine refuses synchronous compilation (browser main threads limit it to small
 * modules), compilation continues asynchronously and callers use their TypeScript fallback until it is ready.
 */
export function wasmKernels(): KernelExports | null {
  if (state) return state.exports;
  const env = typeof process === 'object' && process !== null && typeof process.env === 'object' ? process.env.TRACETAPE_WASM : undefined;
  if (env === '0' || env === 'false') {
    state = { exports: null, reason: 'disabled by TRACETAPE_WASM=0' };
    return null;
  }
  if (!simdSupported()) {
    state = { exports: null, reason: 'WebAssembly SIMD unavailable in this engine' };
    return null;
  }
  if (pending) return null;
  const bytes = decodeBase64(KERNELS_WASM_BASE64);
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(bytes);
  } catch {
    pending = WebAssembly.compile(bytes).then((m) => { instantiateFrom(m); }, (e: unknown) => {
      state = { exports: null, reason: `WebAssembly compilation failed: ${String(e)}` };
    });
    return null;
  }
  return instantiateFrom(module);
}

/** Why the kernels are or are not in use (for backendInfo-style reporting). */
export function wasmStatus(): string {
  wasmKernels();
  return state ? state.reason : 'WebAssembly SIMD kernels compiling asynchronously';
}
