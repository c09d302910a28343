/**
 * Diagonal entries of the MLP's Hessian by Hessian-vector products with unit vectors, in batched sweeps of V_batch
 * unit vectors: H e_i read at coordinate i. Used to check the closed-form diagonal (a chosen subset of coordinates) or
 * to compute the exact trace from scratch (every coordinate).
 */
import * as tt from '../../src/index.js';
import type { Curvature, MlpParams } from './mlp.js';

/** Options of unitVectorDiagonal. */
export interface UnitDiagonalOptions {
  /** Every coordinate (the exact trace by HVPs) instead of all of W2 plus `w1Samples` coordinates of W1. */
  all: boolean;
  /** W1 coordinates drawn at random (without replacement) when `all` is false. */
  w1Samples: number;
  /** Key that picks the W1 coordinates. */
  key: tt.random.PRNGKey;
  /** Unit vectors per sweep. */
  vBatch: number;
}

/** Result: entries compared, the largest |HVP − closed form|, the largest |diagonal entry|, and the trace when `all`. */
export interface UnitDiagonalCheck { entries: number; maxAbsDiff: number; maxAbsDiag: number; byHvpTrace: number | null }

/** Flat parameter coordinates (W1 first, then W2) that unitVectorDiagonal visits. */
export function unitCoordinates(params: MlpParams, o: Pick<UnitDiagonalOptions, 'all' | 'w1Samples' | 'key'>): Int32Array {
  const n1 = params.W1.size, n2 = params.W2.size;
  if (o.all) return Int32Array.from({ length: n1 + n2 }, (_, i) => i);
  const m = Math.min(o.w1Samples, n1);
  // Partial Fisher-Yates shuffle driven by tt.random uniforms.
  const u = tt.random.uniform(o.key, [m]).data();
  const perm = Int32Array.from({ length: n1 }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(u[i] * (n1 - i));
    const t = perm[i]; perm[i] = perm[j]; perm[j] = t;
  }
  const out = new Int32Array(m + n2);
  out.set(perm.subarray(0, m).sort());
  for (let i = 0; i < n2; i++) out[m + i] = n1 + i;
  return out;
}

/** Compare `diag` (shaped like the parameters) with unit-vector HVPs at the coordinates of unitCoordinates. */
export function unitVectorDiagonal(curv: Curvature, params: MlpParams, diag: MlpParams, o: UnitDiagonalOptions,
  onProgress?: (done: number) => void): UnitDiagonalCheck {
  const coords = unitCoordinates(params, o);
  const n1 = params.W1.size, n2 = params.W2.size;
  const d1 = diag.W1.data(), d2 = diag.W2.data();
  let maxAbsDiff = 0, maxAbsDiag = 0, trace = 0;
  for (let s = 0; s < coords.length; s += o.vBatch) {
    const V = Math.min(o.vBatch, coords.length - s);
    const v1 = new Float64Array(V * n1), v2 = new Float64Array(V * n2);
    for (let k = 0; k < V; k++) {
      const i = coords[s + k];
      if (i < n1) v1[k * n1 + i] = 1; else v2[k * n2 + i - n1] = 1;
    }
    const h = curv.hvp({ V1: tt.tensor(v1, { shape: [V, ...params.W1.shape] }), V2: tt.tensor(v2, { shape: [V, ...params.W2.shape] }) });
    const h1 = h.V1.data(), h2 = h.V2.data();
    for (let k = 0; k < V; k++) {
      const i = coords[s + k];
      const byHvp = i < n1 ? h1[k * n1 + i] : h2[k * n2 + i - n1];
      const closed = i < n1 ? d1[i] : d2[i - n1];
      trace += byHvp;
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(byHvp - closed));
      maxAbsDiag = Math.max(maxAbsDiag, Math.abs(closed));
    }
    onProgress?.(s + V);
  }
  return { entries: coords.length, maxAbsDiff, maxAbsDiag, byHvpTrace: o.all ? trace : null };
}
