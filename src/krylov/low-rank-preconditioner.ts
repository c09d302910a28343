/**
 * lowRankPreconditioner: a differentiable pivoted-Cholesky factor P(θ) = U(θ)U(θ)ᵀ + s(θ)·I of an operator B(θ) + s(θ)·I
 * (Gardner et al. 2018's preconditioner made a function of the parameters). The pivots I are chosen once, greedily, from the
 * operator's entries at the given parameters (no gradient through that choice); then U(θ) = B(θ)[:, I] · chol(B(θ)[I, I])⁻ᵀ
 * is built from tape ops, so log det P(θ) and P(θ)^{-1/2} carry θ-dependence into the gradient. For tt.ops.kernelMatvec the
 * columns (cross-covariances to the pivot points) and the shift (params.noise) are built in; other operators supply them.
 */
import { Tensor, eye } from '../tensor/index.js';
import { take, transpose } from '../ops/index.js';
import * as linalg from '../ops/linalg/index.js';
import { kernelMatvec, type KernelParams, type MatrixAccess } from '../ops/linops/index.js';
import { TracetapeError, check, checkOptions, checkPositiveInt, describe, fmtShape } from '../util/index.js';
import { greedyPivotedCholesky } from './preconditioner.js';
import type { LowRankShift } from './low-rank-shift.js';
import type { Matvec } from './matvec.js';

/** Options of `lowRankPreconditioner` (and the object form of `logdet`'s `preconditioner` option). */
export interface LowRankPreconditionerOptions<P> {
  /** Largest rank k (number of pivots). */
  rank: number;
  /**
   * Stop pivoting early once the trace of the residual B − UUᵀ is ≤ tol · s (default 1e-3): the preconditioned operator's
   * eigenvalues then lie in [1, 1 + tol], so further pivots cannot help.
   */
  tol?: number;
  /**
   * Entry access to B at fixed parameters, used only to choose the pivots (default: `matvec.access(params)`, which the
   * built-in operators have). B is the operator minus its shift.
   */
  access?: (params: P) => MatrixAccess;
  /**
   * The columns B(params)[:, indices] as a differentiable Tensor [n, k] (default for tt.ops.kernelMatvec: the
   * cross-covariance s·K(X, X[indices]); required for other operators).
   */
  columns?: (params: P, indices: number[]) => Tensor;
  /** The shift s(params) > 0, differentiable (default for tt.ops.kernelMatvec: params.noise; required for other operators). */
  shift?: (params: P) => Tensor | number;
}

/** A differentiable low-rank-plus-shift factor function with fixed pivots, and its diagnostics. */
export interface LowRankPreconditioner<P> {
  /** U(params) = B(params)[:, pivots] · chol(B(params)[pivots, pivots])⁻ᵀ and s(params). */
  (params: P): LowRankShift;
  /** The rank k reached (≤ options.rank). */
  readonly rank: number;
  /** The pivots (column indices), in the order chosen. */
  readonly pivots: readonly number[];
  /** Trace of B − UUᵀ at the parameters the pivots were chosen at. */
  readonly residualTrace: number;
}

function kernelColumns(params: KernelParams, indices: number[]): Tensor {
  const { X, lengthscale, variance, kernel } = params;
  return kernelMatvec(eye(indices.length, indices.length, { dtype: X.dtype }), { X, Y: take(X, indices, 0), lengthscale, variance, kernel });
}

function kernelShift(params: KernelParams): Tensor | number {
  if (params.noise === undefined) throw new TracetapeError('lowRankPreconditioner', 'tt.ops.kernelMatvec needs params.noise > 0 (the shift of the preconditioner P = UUᵀ + σ²I)');
  return params.noise;
}

/**
 * Choose `rank` pivots greedily (largest remaining diagonal) from the entries of B = A − s·I at `params`, and return the
 * differentiable factor function params ↦ {U, shift} with those pivots fixed. For `logdet(..., {preconditioner})`.
 */
export function lowRankPreconditioner<P>(matvec: Matvec<P>, params: P, options: LowRankPreconditionerOptions<P>): LowRankPreconditioner<P> {
  const fn = 'lowRankPreconditioner';
  check(typeof matvec === 'function', fn, () => `matvec must be a function (v, params) => Tensor, received ${describe(matvec)}`);
  check(options !== null && typeof options === 'object', fn, () => `options {rank, tol?, access?, columns?, shift?} are required, received ${describe(options)}`);
  checkOptions(fn, options, ['rank', 'tol', 'access', 'columns', 'shift']);
  checkPositiveInt(fn, 'rank', options.rank);
  const tol = options.tol ?? 1e-3;
  check(typeof tol === 'number' && tol >= 0 && Number.isFinite(tol), fn, () => `tol must be a finite number ≥ 0, received ${describe(tol)}`);
  const isKernel = (matvec as unknown) === kernelMatvec;
  const opAccess = (matvec as Partial<{ access: (p: P) => MatrixAccess }>).access;
  const access = options.access ?? (typeof opAccess === 'function' ? (p: P) => opAccess(p) : undefined);
  if (typeof access !== 'function') throw new TracetapeError(fn, `options.access (p) => {size, shift, diag(), column(i)} is required: the operator has no access() method, received ${describe(options.access)}`);
  const columns = options.columns ?? (isKernel ? kernelColumns as unknown as (p: P, idx: number[]) => Tensor : undefined);
  const shiftOf = options.shift ?? (isKernel ? kernelShift as unknown as (p: P) => Tensor | number : undefined);
  if (typeof columns !== 'function') throw new TracetapeError(fn, `options.columns (params, indices) => Tensor[n, k] is required for operators other than tt.ops.kernelMatvec, received ${describe(options.columns)}`);
  if (typeof shiftOf !== 'function') throw new TracetapeError(fn, `options.shift (params) => s > 0 is required for operators other than tt.ops.kernelMatvec, received ${describe(options.shift)}`);
  const acc = access(params);
  check(acc !== null && typeof acc === 'object' && typeof acc.diag === 'function' && typeof acc.column === 'function', fn,
    () => `access(params) must return {size, shift, diag(), column(i)}, received ${describe(acc)}`);
  const s0 = shiftValue(fn, shiftOf(params));
  const diag = acc.diag();
  let trace0 = 0;
  for (let i = 0; i < diag.length; i++) trace0 += Math.max(diag[i], 0);
  // greedyPivotedCholesky's tol is relative to the initial trace; ours is relative to the shift.
  const rel = trace0 > 0 ? tol * s0 / trace0 : 0;
  const { pivots, rank, residualTrace, n } = greedyPivotedCholesky(fn, diag, (i) => acc.column(i), options.rank, rel);
  const fixed = pivots.slice();
  const factor = (p: P): LowRankShift => {
    const shift = shiftOf(p);
    shiftValue(fn, shift);
    if (rank === 0) return { U: new Tensor(new Float64Array(0), [n, 0]), shift };
    const C = columns(p, fixed);
    check(C instanceof Tensor && C.shape.length === 2 && C.shape[0] === n && C.shape[1] === rank, fn,
      () => `columns(params, indices) must return a Tensor of shape [${n}, ${rank}], received ${C instanceof Tensor ? `shape ${fmtShape(C.shape)}` : describe(C)}`);
    const L = linalg.cholesky(take(C, fixed, 0));
    return { U: transpose(linalg.solveTriangular(L, transpose(C), { lower: true })), shift };
  };
  return Object.assign(factor, { rank, pivots: fixed, residualTrace });
}

function shiftValue(fn: string, shift: unknown): number {
  const v = shift instanceof Tensor && shift.size === 1 ? shift._data[0] : shift;
  check(typeof v === 'number' && v > 0 && Number.isFinite(v), fn, () => `the shift must be a finite number > 0 (or a scalar Tensor), received ${describe(shift)}`);
  return v as number;
}
