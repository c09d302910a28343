/** `arnoldi`: Hessenberg factorisation of a general square operator, differentiable by the Arnoldi adjoint (or by backprop). */
import { Tensor, fromData, allocate, type TypedArray } from '../tensor/index.js';
import { adjointPrimitive, type Cotangents } from './primitive.js';
import { TracetapeError, checkOptions } from '../util/index.js';
import { arnoldiForwardRaw, type ArnoldiState } from './arnoldi-forward.js';
import { hessenbergAdjoint } from './adjoint.js';
import { arnoldiBackprop } from './backprop.js';
import { refuseSecondOrder } from './lanczos.js';
import { MatvecVjp, checkMatvec, type Matvec } from './matvec.js';
import { checkChoice, checkDepth, checkNonNegative, checkStartVector, defaultBreakdownTol } from './validate.js';

/** Options of `arnoldi`. */
export interface ArnoldiOptions {
  /** Number of Arnoldi vectors K (1 ≤ K ≤ n). */
  depth: number;
  /** Forward re-orthogonalisation: 'full' (default) runs a second Gram–Schmidt pass per step; 'none' a single pass. */
  reortho?: 'full' | 'none';
  /**
   * Adjoint projection (backward pass only): 'full' re-imposes the adjoint's orthogonality conditions at every step
   * (Krämer et al. 2024; stable, costs O(nK²)), 'none' skips it. Default: the same as `reortho`.
   */
  adjointProjection?: 'full' | 'none';
  /** 'adjoint' (default): custom VJP by the adjoint system, first-order only; 'backprop': tape every operation. */
  gradient?: 'adjoint' | 'backprop';
  /** Breakdown tolerance: stop when ‖new direction‖ ≤ tol·‖A q_k‖ (default 1e-13 in float64, 1e-6 in float32). */
  breakdownTol?: number;
}

/**
 * Result of `arnoldi`: A Qᵀ ≈ Qᵀ H + residual·e_Kᵀ. After a breakdown at step m the rows m.. of Q, the columns m.. of
 * H, H[m, m−1] and the residual are zero, and gradients flow only through the first m steps.
 */
export interface ArnoldiResult {
  /** [K, n], orthonormal rows. */
  Q: Tensor;
  /** [K, K], upper Hessenberg. */
  H: Tensor;
  /** [n], the unnormalised residual. */
  residual: Tensor;
  /** Scalar 1/‖v0‖. */
  initNormInv: Tensor;
}

function stateToResult(st: ArnoldiState): ArnoldiResult {
  const { n, depth: K, Q } = st;
  const H = allocate(st.dtype, K * K);
  H.set(st.H);
  const c = allocate(st.dtype, 1);
  c[0] = st.c;
  return { Q: fromData(Q, [K, n]), H: fromData(H, [K, K]), residual: fromData(st.residual, [n]), initNormInv: fromData(c, []) };
}

function block(src: TypedArray, K: number, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) out[i * m + j] = src[i * K + j];
  return out;
}

/**
 * Arnoldi factorisation of the operator v ↦ matvec(v, params) started at v0; differentiable with respect to v0 and every
 * tensor in `params` (a pytree). See ArnoldiOptions for the gradient modes and ArnoldiResult for breakdowns.
 */
export function arnoldi<P>(matvec: Matvec<P>, v0: Tensor, params: P, options: ArnoldiOptions): ArnoldiResult {
  const fn = 'arnoldi';
  checkMatvec(fn, 'matvec', matvec);
  const n = checkStartVector(fn, 'v0', v0);
  if (options === undefined || options === null || typeof options !== 'object') throw new TracetapeError(fn, 'options must be an object with at least { depth }');
  checkOptions(fn, options, ['depth', 'reortho', 'adjointProjection', 'gradient', 'breakdownTol']);
  const K = checkDepth(fn, options.depth, n);
  const reortho = checkChoice(fn, 'reortho', options.reortho, ['full', 'none'] as const, 'full');
  const projection = checkChoice(fn, 'adjointProjection', options.adjointProjection, ['full', 'none'] as const, reortho);
  const gradient = checkChoice(fn, 'gradient', options.gradient, ['adjoint', 'backprop'] as const, 'adjoint');
  const tol = checkNonNegative(fn, 'breakdownTol', options.breakdownTol, defaultBreakdownTol(v0.dtype));
  if (gradient === 'backprop') return arnoldiBackprop(fn, matvec, v0, params, K, reortho, tol);
  const run = (v: Tensor, p: P): ArnoldiState => arnoldiForwardRaw(fn, matvec, v, p, K, reortho, tol);
  const prim = adjointPrimitive(
    fn,
    (v: Tensor, p: P): [ArnoldiResult, { st: ArnoldiState; p: P }] => {
      const st = run(v, p);
      return [stateToResult(st), { st, p }];
    },
    ({ st, p }, ct: Cotangents<ArnoldiResult>): unknown[] => {
      refuseSecondOrder(fn);
      const mv = new MatvecVjp(fn, matvec, p, n, st.dtype);
      const m = st.m;
      const dr = st.broke || !ct.residual ? new Float64Array(n) : ct.residual._data;
      const dv = hessenbergAdjoint({
        n, m, Q: st.Q, H: block(st.H, K, m), r: st.residual, c: st.c, dQ: ct.Q ? ct.Q._data : null,
        dH: ct.H ? block(ct.H._data, K, m) : new Float64Array(m * m), dr,
        dc: ct.initNormInv ? ct.initNormInv._data[0] : 0, projection: projection === 'full', symmetric: false,
      }, mv);
      const out = allocate(st.dtype, n);
      out.set(dv);
      return [fromData(out, [n]), mv.result()];
    },
  );
  return prim(v0, params);
}
