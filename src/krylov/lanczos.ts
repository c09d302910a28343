/** `lanczos`: tridiagonalisation of a symmetric operator, differentiable by the Lanczos adjoint (or by backprop). */
import { Tensor, fromData, allocate, type TypedArray } from '../tensor/index.js';
import { tapeState } from '../tape/index.js';
import { adjointPrimitive, type Cotangents } from './primitive.js';
import { TracetapeError, checkOptions } from '../util/index.js';
import { lanczosForwardRaw, type LanczosState } from './lanczos-forward.js';
import { lanczosAdjointThreeTerm, lanczosAdjointProjected } from './adjoint.js';
import { lanczosBackprop } from './backprop.js';
import { MatvecVjp, checkMatvec, type Matvec } from './matvec.js';
import { checkChoice, checkDepth, checkNonNegative, checkStartVector, defaultBreakdownTol } from './validate.js';

/** Options of `lanczos`. */
export interface LanczosOptions {
  /** Number of Lanczos vectors K (1 ≤ K ≤ n). */
  depth: number;
  /** 'full' (default): re-orthogonalise each new vector against all previous ones, twice; 'none': three-term recurrence only. */
  reortho?: 'full' | 'none';
  /**
   * 'adjoint' (default): custom VJP by the adjoint system (one matvec VJP per step, nothing taped; first-order only);
   * 'backprop': tape every operation of the iteration (supports higher-order derivatives; memory grows with K).
   */
  gradient?: 'adjoint' | 'backprop';
  /** Breakdown tolerance: stop when ‖new direction‖ ≤ tol·‖A q_k‖ (default 1e-13 in float64, 1e-6 in float32). */
  breakdownTol?: number;
}

/**
 * Result of `lanczos`: A Qᵀ ≈ Qᵀ T + residual·e_Kᵀ with T = tridiag(betas, alphas, betas).
 * After a breakdown at step m < K (an invariant subspace was found) rows m.. of Q, alphas[m..], betas[m−1..] and the
 * residual are exactly zero, and gradients flow only through the first m steps.
 */
export interface LanczosResult {
  /** [K, n], orthonormal rows (the Lanczos vectors). */
  Q: Tensor;
  /** [K], the diagonal of T. */
  alphas: Tensor;
  /** [K−1], the off-diagonal of T. */
  betas: Tensor;
  /** [n], the unnormalised residual β_K q_{K+1}. */
  residual: Tensor;
  /** Scalar 1/‖v0‖ (so that v0 = Qᵀ e_1 / initNormInv). */
  initNormInv: Tensor;
}

function toTyped(src: Float64Array, like: TypedArray, len: number): TypedArray {
  const out = allocate(like instanceof Float32Array ? 'float32' : 'float64', len);
  for (let i = 0; i < len; i++) out[i] = src[i];
  return out;
}

function stateToResult(st: LanczosState): LanczosResult {
  const { n, depth: K, Q } = st;
  const c = allocate(st.dtype, 1);
  c[0] = st.c;
  return {
    Q: fromData(Q, [K, n]),
    alphas: fromData(toTyped(st.alphas, Q, K), [K]),
    betas: fromData(toTyped(st.betas, Q, K - 1), [K - 1]),
    residual: fromData(st.residual, [n]),
    initNormInv: fromData(c, []),
  };
}

/** Throw when an adjoint backward pass is asked to build a graph (grad of grad): it runs on raw arrays. */
export function refuseSecondOrder(fn: string): void {
  if (tapeState.recording) {
    throw new TracetapeError(fn, "higher-order differentiation through gradient: 'adjoint' is not supported (its backward pass is not taped); use gradient: 'backprop'");
  }
}

/**
 * Lanczos tridiagonalisation of the symmetric operator v ↦ matvec(v, params), started at v0. Differentiable with respect
 * to v0 and every tensor in `params` (a pytree); see LanczosOptions for the gradient modes and LanczosResult for the
 * breakdown convention.
 */
export function lanczos<P>(matvec: Matvec<P>, v0: Tensor, params: P, options: LanczosOptions): LanczosResult {
  const fn = 'lanczos';
  checkMatvec(fn, 'matvec', matvec);
  const n = checkStartVector(fn, 'v0', v0);
  if (options === undefined || options === null || typeof options !== 'object') throw new TracetapeError(fn, 'options must be an object with at least { depth }');
  checkOptions(fn, options, ['depth', 'reortho', 'gradient', 'breakdownTol']);
  const K = checkDepth(fn, options.depth, n);
  const reortho = checkChoice(fn, 'reortho', options.reortho, ['full', 'none'] as const, 'full');
  const gradient = checkChoice(fn, 'gradient', options.gradient, ['adjoint', 'backprop'] as const, 'adjoint');
  const tol = checkNonNegative(fn, 'breakdownTol', options.breakdownTol, defaultBreakdownTol(v0.dtype));
  if (gradient === 'backprop') return lanczosBackprop(fn, matvec, v0, params, K, reortho, tol);
  const run = (v: Tensor, p: P): LanczosState => lanczosForwardRaw(fn, matvec, v, p, K, reortho, tol);
  const prim = adjointPrimitive(
    fn,
    (v: Tensor, p: P): [LanczosResult, { st: LanczosState; p: P }] => {
      const st = run(v, p);
      return [stateToResult(st), { st, p }];
    },
    ({ st, p }, ct: Cotangents<LanczosResult>): unknown[] => {
      refuseSecondOrder(fn);
      const mv = new MatvecVjp(fn, matvec, p, n, st.dtype);
      const broke = st.betas[st.m - 1] === 0;
      // Absent cotangents stay null (no zero vectors of length n are materialised).
      const dr = broke || !ct.residual ? null : ct.residual._data;
      const dAlphas = ct.alphas ? ct.alphas._data : new Float64Array(K);
      const dBetas = ct.betas ? ct.betas._data : new Float64Array(K);
      const dQ = ct.Q ? ct.Q._data : null;
      const dc = ct.initNormInv ? ct.initNormInv._data[0] : 0;
      const dv = reortho === 'none'
        ? lanczosAdjointThreeTerm(st.Q, st.alphas, st.betas, st.residual, st.c, n, st.m, K, dQ, dAlphas, dBetas, dr, dc, mv)
        : lanczosAdjointProjected({ n, m: st.m, Q: st.Q, alphas: st.alphas, betas: st.betas, r: st.residual, c: st.c, dQ, dAlphas, dBetas, dr, dc }, mv);
      return [fromData(st.dtype === 'float64' ? dv : toTyped(dv, st.Q, n), [n]), mv.result()];
    },
  );
  return prim(v0, params);
}
