/** The Lanczos iteration on raw typed arrays (the untaped forward pass behind `lanczos`), with breakdown detection. */
import { Tensor, allocate, type DType, type TypedArray } from '../tensor/index.js';
import { applyRaw, type Matvec } from './matvec.js';
import { GramSchmidtRows, allocateBasis, axpyRaw, dotRaw, normRaw } from './vectors.js';

/** Everything the Lanczos forward pass produces (and the adjoint pass needs). */
export interface LanczosState {
  n: number;
  /** Requested depth K. */
  depth: number;
  /** Effective depth m ≤ K: the number of Lanczos vectors computed before a breakdown (m = K without one). */
  m: number;
  dtype: DType;
  /** K×n row-major; rows ≥ m are zero. */
  Q: TypedArray;
  /** Length K; entries ≥ m are zero. */
  alphas: Float64Array;
  /** Length K: betas[k] couples q_k and q_{k+1}; betas[K−1] is the residual norm; zero at and after a breakdown. */
  betas: Float64Array;
  /** The unnormalised residual r = β_{K−1} q_K (zero after a breakdown). */
  residual: TypedArray;
  /** 1/‖v0‖. */
  c: number;
}

/**
 * Run K Lanczos steps on A(params) from v0: A Qᵀ = Qᵀ T + r e_Kᵀ with orthonormal rows Q and tridiagonal T.
 * reortho 'full' orthogonalises every new vector twice against all previous ones (classical Gram–Schmidt, two passes);
 * 'none' uses the three-term recurrence only. A step whose new direction has norm ≤ tol·‖A q_k‖ is a breakdown:
 * the iteration stops and the remaining coefficients, vectors and the residual are zero.
 */
export function lanczosForwardRaw<P>(fn: string, matvec: Matvec<P>, v0: Tensor, params: P, K: number, reortho: 'full' | 'none', tol: number): LanczosState {
  const n = v0.shape[0];
  const dtype = v0.dtype;
  // full reortho: Q lives in wasm memory where possible (allocateBasis), and the Gram–Schmidt products and the adjoint's
  // projections run on it there
  const Q = reortho === 'full' ? allocateBasis(dtype, K, n) : allocate(dtype, K * n);
  const alphas = new Float64Array(K);
  const betas = new Float64Array(K);
  // The work vector is the residual's buffer: after the last step it holds r (no copy, one n-vector less).
  const residual = allocate(dtype, n);
  const w = residual;
  const h = new Float64Array(K);
  const v = v0._data;
  const c = 1 / normRaw(v, 0, n);
  for (let i = 0; i < n; i++) Q[i] = v[i] * c;
  let m = K;
  // (without a wasm-resident Q, e.g. above the size limit, the rows are mirrored into the wasm heap during the forward)
  const gs = reortho === 'full' ? new GramSchmidtRows(Q, K, n) : null;
  try {
    gs?.rowWritten(0);
    for (let k = 0; k < K; k++) {
      const off = k * n;
      applyRaw(fn, matvec, Q.subarray(off, off + n), params, n, w, `iteration ${k}`);
      const scale = normRaw(w, 0, n);
      const a = dotRaw(Q, off, w, 0, n);
      axpyRaw(-a, Q, off, w, 0, n);
      if (k > 0) axpyRaw(-betas[k - 1], Q, off - n, w, 0, n);
      if (gs) gs.orthogonalize(k + 1, w, h, 2);
      alphas[k] = a;
      const b = normRaw(w, 0, n);
      if (!(b > tol * scale)) { m = k + 1; residual.fill(0); break; }
      betas[k] = b;
      if (k < K - 1) {
        const inv = 1 / b;
        const next = off + n;
        for (let i = 0; i < n; i++) Q[next + i] = w[i] * inv;
        gs?.rowWritten(k + 1);
      }
    }
  } finally {
    gs?.dispose();
  }
  return { n, depth: K, m, dtype, Q, alphas, betas, residual, c };
}
