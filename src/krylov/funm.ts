/** funmLanczos and funmArnoldi: matrix-function-vector products f(A)v ≈ ‖v‖ Qᵀ f(T) e₁ from a Krylov factorisation. */
import { Tensor } from '../tensor/index.js';
import { div, matmul, slice } from '../ops/index.js';
import { checkOptions, check, describe, TracetapeError } from '../util/index.js';
import { lanczos } from './lanczos.js';
import { arnoldi } from './arnoldi.js';
import { checkMatrixFunction, denseFunmColumn, tridiagonalFunm, type MatrixFunction } from './dense-funm.js';
import type { Matvec } from './matvec.js';

/** Options of funmLanczos / funmArnoldi / slqIntegrand (depth, plus the underlying iteration's options). */
export interface FunmOptions {
  /** Krylov depth K (1 ≤ K ≤ n). */
  depth: number;
  /** Forward re-orthogonalisation (default 'full'). */
  reortho?: 'full' | 'none';
  /** 'adjoint' (default) or 'backprop' (see lanczos). */
  gradient?: 'adjoint' | 'backprop';
  /** Breakdown tolerance of the iteration. */
  breakdownTol?: number;
}

/** A matrix-function-vector product `(matvec, v, params) => f(A(params)) v`. */
export type FunmVector = <P>(matvec: Matvec<P>, v: Tensor, params: P) => Tensor;

/** @internal Validate FunmOptions and return them as iteration options. */
export function funmIterationOptions(fn: string, options: FunmOptions): FunmOptions {
  check(options !== undefined && options !== null && typeof options === 'object', fn, () => `options {depth} is required, received ${describe(options)}`);
  checkOptions(fn, options, ['depth', 'reortho', 'gradient', 'breakdownTol']);
  return { depth: options.depth, reortho: options.reortho, gradient: options.gradient, breakdownTol: options.breakdownTol };
}

/** @internal Number of Lanczos steps before a breakdown (the first exactly-zero β), or K. */
export function effectiveDepth(betas: Tensor, K: number): number {
  const b = betas._data;
  for (let k = 0; k < b.length; k++) if (b[k] === 0) return k + 1;
  return K;
}

/** @internal Rethrow errors of the iteration under the public function's name. */
export function renamed<T>(fn: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof TracetapeError && e.fn !== fn) throw new TracetapeError(fn, e.message);
    throw e;
  }
}

/**
 * @internal Run Lanczos and keep its invariant block: after a breakdown at step m < K, the first m coefficients and
 * vectors (T is then m×m with m − 1 off-diagonal entries). Shared by funmLanczos and slqIntegrand.
 */
export function lanczosInvariantBlock<P>(matvec: Matvec<P>, v: Tensor, params: P, opts: FunmOptions): { alphas: Tensor; betas: Tensor; Q: Tensor; initNormInv: Tensor } {
  const res = lanczos(matvec, v, params, opts as FunmOptions & { depth: number });
  const K = opts.depth as number;
  const m = effectiveDepth(res.betas, K);
  if (m === K) return { alphas: res.alphas, betas: res.betas, Q: res.Q, initNormInv: res.initNormInv };
  return { alphas: slice(res.alphas, [0], [m]), betas: slice(res.betas, [0], [m - 1]), Q: slice(res.Q, [0, 0], [m, -1]), initNormInv: res.initNormInv };
}

/**
 * f(A)v for a symmetric operator by Lanczos: ‖v‖ Qᵀ f(T) e₁ with T the K×K tridiagonal matrix (exact at K = n).
 * `f` is 'exp' | 'log' | 'sqrt' | 'inv' (applied to the eigenvalues of T) or a differentiable function of the dense T.
 * Gradients reach v and params through the Lanczos adjoint. After a breakdown only the invariant block is used.
 */
export function funmLanczos(f: MatrixFunction, options: FunmOptions): FunmVector {
  const fn = 'funmLanczos';
  checkMatrixFunction(fn, f);
  const opts = funmIterationOptions(fn, options);
  return <P>(matvec: Matvec<P>, v: Tensor, params: P): Tensor => renamed(fn, () => {
    const { alphas, betas, Q, initNormInv } = lanczosInvariantBlock(matvec, v, params, opts);
    const { column } = tridiagonalFunm(fn, f, alphas, betas);
    return div(matmul(column, Q), initNormInv);
  });
}

/** @internal Number of Arnoldi steps before a breakdown (the first zero sub-diagonal entry of H), or K. */
export function effectiveDepthHessenberg(H: Tensor, K: number): number {
  for (let k = 0; k < K - 1; k++) if (H._data[(k + 1) * K + k] === 0) return k + 1;
  return K;
}

/**
 * f(A)v for a general square operator by Arnoldi: ‖v‖ Qᵀ f(H) e₁. 'exp' uses expm, 'inv' a dense solve, 'sqrt' the
 * Denman–Beavers iteration and 'log' inverse scaling and squaring (principal branches); a function receives the dense H.
 */
export function funmArnoldi(f: MatrixFunction, options: FunmOptions): FunmVector {
  const fn = 'funmArnoldi';
  checkMatrixFunction(fn, f);
  const opts = funmIterationOptions(fn, options);
  return <P>(matvec: Matvec<P>, v: Tensor, params: P): Tensor => renamed(fn, () => {
    const res = arnoldi(matvec, v, params, opts as FunmOptions & { depth: number });
    const K = opts.depth;
    const m = effectiveDepthHessenberg(res.H, K);
    const H = m < K ? slice(res.H, [0, 0], [m, m]) : res.H;
    const Q = m < K ? slice(res.Q, [0, 0], [m, -1]) : res.Q;
    return div(matmul(denseFunmColumn(fn, f, H), Q), res.initNormInv);
  });
}
