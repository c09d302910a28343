/** The Arnoldi iteration on raw typed arrays (the untaped forward pass behind `arnoldi`), with breakdown detection. */
import { Tensor, allocate, type DType, type TypedArray } from '../tensor/index.js';
import { applyRaw, type Matvec } from './matvec.js';
import { GramSchmidtRows, allocateBasis, normRaw } from './vectors.js';

/** Everything the Arnoldi forward pass produces (and the adjoint pass needs). */
export interface ArnoldiState {
  n: number;
  depth: number;
  /** Effective depth m ≤ K (m < K, or a zero residual, after a breakdown). */
  m: number;
  dtype: DType;
  /** K×n row-major; rows ≥ m are zero. */
  Q: TypedArray;
  /** K×K row-major upper Hessenberg (float64 work copy). */
  H: Float64Array;
  residual: TypedArray;
  c: number;
  /** True when the iteration stopped at a breakdown (the residual is then exactly zero). */
  broke: boolean;
}

/**
 * Run K Arnoldi steps: A Qᵀ = Qᵀ H + r e_Kᵀ. Each new vector is orthogonalised by classical Gram–Schmidt against all
 * previous ones, and once more ('full') with the correction added to H. Breakdown as in Lanczos: ‖w‖ ≤ tol·‖A q_k‖.
 */
export function arnoldiForwardRaw<P>(fn: string, matvec: Matvec<P>, v0: Tensor, params: P, K: number, reortho: 'full' | 'none', tol: number): ArnoldiState {
  const n = v0.shape[0];
  const dtype = v0.dtype;
  // Q lives in wasm memory where possible (allocateBasis): the Gram–Schmidt products and the adjoint's run on it there
  const Q = allocateBasis(dtype, K, n);
  const H = new Float64Array(K * K);
  // The work vector is the residual's buffer: after the last step it holds r (no copy, one n-vector less).
  const residual = allocate(dtype, n);
  const w = residual;
  const h = new Float64Array(K);
  const v = v0._data;
  const c = 1 / normRaw(v, 0, n);
  for (let i = 0; i < n; i++) Q[i] = v[i] * c;
  let m = K;
  let broke = false;
  // (without a wasm-resident Q, e.g. above the size limit, the rows are mirrored into the wasm heap during the forward)
  const gs = new GramSchmidtRows(Q, K, n);
  try {
    gs.rowWritten(0);
    for (let k = 0; k < K; k++) {
      const off = k * n;
      applyRaw(fn, matvec, Q.subarray(off, off + n), params, n, w, `iteration ${k}`);
      const scale = normRaw(w, 0, n);
      // one classical Gram–Schmidt pass, and a second ('full') whose coefficients are added to the first's
      gs.orthogonalize(k + 1, w, h, reortho === 'full' ? 2 : 1);
      for (let j = 0; j <= k; j++) H[j * K + k] = h[j];
      const b = normRaw(w, 0, n);
      if (!(b > tol * scale)) { m = k + 1; broke = true; residual.fill(0); break; }
      if (k < K - 1) {
        H[(k + 1) * K + k] = b;
        const inv = 1 / b;
        const next = off + n;
        for (let i = 0; i < n; i++) Q[next + i] = w[i] * inv;
        gs.rowWritten(k + 1);
      }
    }
  } finally {
    gs.dispose();
  }
  return { n, depth: K, m, dtype, Q, H, residual, c, broke };
}
