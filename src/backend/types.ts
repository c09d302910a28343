/** The compute-kernel interface every backend implements; ops call these and nothing else for heavy loops. */
import type { TypedArray } from '../tensor/dtype.js';

/** Binary elementwise kernels. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'greater' | 'greaterEqual' | 'less' | 'equal';
/** Unary elementwise kernels. */
export type UnaryOp = 'neg' | 'exp' | 'log' | 'sqrt' | 'square' | 'abs' | 'tanh' | 'sigmoid' | 'relu' | 'softplus' | 'sin' | 'cos' | 'sign' | 'step' | 'log1p' | 'expm1' | 'reciprocal';

/** What a backend reports about itself. */
export interface BackendInfo {
  /** Backend name. */
  name: 'cpu' | 'gpujs';
  /** The engine that actually runs kernels (e.g. 'typescript', or the gpu.js mode: 'webgpu', 'webgl2', 'headlessgl', 'webasm', 'cpu'). */
  mode: string;
  /** Precision of the kernels' arithmetic. */
  precision: 'float64' | 'float32';
}

/** Compute kernels over flat row-major typed arrays. `out` is always a fresh array the kernel fills. */
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
}
