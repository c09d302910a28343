/** The compute-kernel interface every backend implements; ops call these and nothing else for heavy loops. */
import type { TypedArray } from '../tensor/dtype.js';

/** Binary elementwise kernels. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'greater' | 'greaterEqual' | 'less' | 'equal';
/** Unary elementwise kernels. */
export type UnaryOp = 'neg' | 'exp' | 'log' | 'sqrt' | 'square' | 'abs' | 'tanh' | 'sigmoid' | 'relu' | 'softplus' | 'sin' | 'cos' | 'sign' | 'step' | 'log1p' | 'expm1' | 'reciprocal';

/**
 * Stationary kernel families k(r), r = ‖x − y‖ on points already divided by the lengthscale(s):
 * 'rbf' e^{−r²/2}; 'matern32' (1 + √3 r) e^{−√3 r}; 'matern52' (1 + √5 r + 5r²/3) e^{−√5 r}.
 */
export type StationaryFamily = 'rbf' | 'matern32' | 'matern52';

/** Probe distributions generated inside kernels from the Philox counter layout of src/random (streams.ts). */
export type ProbeKind = 'rademacher' | 'normal' | 'uniform';

/** What a backend reports about itself. */
export interface BackendInfo {
  /** Backend name. */
  name: 'cpu' | 'gpujs';
  /** The engine that actually runs kernels (e.g. 'typescript', or the gpu.js mode: 'webgpu', 'webgl2', 'headlessgl', 'webasm', 'cpu'). */
  mode: string;
  /** Precision of the kernels' arithmetic. */
  precision: 'float64' | 'float32';
  /** Free-form notes: why a mode was chosen, which modes were probed, size thresholds below which cpu loops run. */
  detail?: string;
}

/** Compute kernels over flat row-major typed arrays. `out` is always a fresh (zero-filled) array the kernel fills. */
export interface Backend {
  /** Which backend this is and what runs it. */
  info(): BackendInfo;
  /**
   * Batched matrix product: for each batch index t, out[t] (m×n) = a[t] (m×k) · b[t] (k×n).
   * `aOffsets[t]` / `bOffsets[t]` give the start of each batch's matrix (broadcast batches repeat offsets).
   */
  matmul(a: TypedArray, b: TypedArray, out: TypedArray, m: number, k: number, n: number, aOffsets: Int32Array, bOffsets: Int32Array): void;
  /** out[i] = op(a[ia ? ia[i] : i], b[ib ? ib[i] : i]); a length-1 `a` or `b` with a null index map is a broadcast scalar. */
  binary(op: BinaryOp, a: TypedArray, b: TypedArray, out: TypedArray, ia: Int32Array | null, ib: Int32Array | null): void;
  /** out[i] = op(a[i]). */
  unary(op: UnaryOp, a: TypedArray, out: TypedArray): void;
  /** Sum over the middle axis of a (outer × len × inner) array: out[o·inner + i] = Σ_l a[(o·len + l)·inner + i]. */
  sumAxis(a: TypedArray, out: TypedArray, outer: number, len: number, inner: number): void;
  /**
   * Kernel-matrix product evaluated on the fly (never storing the n×m matrix):
   * out[i·c + q] = Σ_j φ_order(‖x1_i − x2_j‖) · v[j·c + q], with x1 (n×d), x2 (m×d), v (m×c), out (n×c).
   * φ_0 = k, and φ_{p+1}(r) = φ_p'(r) / r (the profile that appears in the derivative w.r.t. the points).
   */
  kernelProduct(family: StationaryFamily, order: number, x1: TypedArray, x2: TypedArray, v: TypedArray, out: TypedArray, n: number, m: number, d: number, c: number): void;
  /** CSR product out (rows×c) = A x, with A given by indptr (rows+1), indices and values (nnz), x (cols×c). */
  csrProduct(indptr: Int32Array, indices: Int32Array, values: TypedArray, x: TypedArray, out: TypedArray, rows: number, c: number): void;
  /**
   * Five-point diffusion stencil on an ny×nx grid (cell p = y·nx + x, c columns interleaved: v[p·c + q]):
   * out = A(k) v with (A(k) v)_p = Σ_faces w_f (v_p − v_nb), w_f = a·(k_p + k_nb)/2 (a = ax or ay); on boundary faces
   * `dirichlet` adds a·k_p·v_p (zero ghost value) and Neumann adds nothing.
   */
  stencil2d(kField: TypedArray, v: TypedArray, out: TypedArray, nx: number, ny: number, c: number, ax: number, ay: number, dirichlet: boolean): void;
  /** ∂/∂k_p of Σ_q u_qᵀ A(k) v_q for the stencil above (out has nx·ny entries; the result does not depend on k). */
  stencil2dFlux(u: TypedArray, v: TypedArray, out: TypedArray, nx: number, ny: number, c: number, ax: number, ay: number, dirichlet: boolean): void;
  /**
   * Fill `out` with stream elements start … start+out.length−1 of `kind` for Philox key (k0, k1), following the counter
   * layout and recipes of src/random/streams.ts (float32 arrays get the 24-bit recipe): the same draws as
   * tt.random.fill* on every backend (gpujs: generated inside a kernel, equal up to float32 rounding).
   */
  probes(kind: ProbeKind, k0: number, k1: number, start: number, out: TypedArray): void;
}
