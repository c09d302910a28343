/** `cg`: (preconditioned) conjugate gradients for symmetric positive definite operators, with an implicit-differentiation VJP. */
import { Tensor, fromData, allocate } from '../tensor/index.js';
import { adjointPrimitive } from './primitive.js';
import { TracetapeError, check, checkOptions, checkPositiveInt, describe, fmtShape } from '../util/index.js';
import { refuseSecondOrder } from './lanczos.js';
import { MatvecVjp, applyRaw, checkMatvec, type Matvec } from './matvec.js';
import { checkNonNegative } from './validate.js';
import { axpyRaw, dotRaw, firstNonFinite, normRaw } from './vectors.js';

/** A preconditioner: applies M⁻¹ (M ≈ A, symmetric positive definite) to a residual vector. */
export type Preconditioner = (r: Tensor) => Tensor;

/** Progress of a CG solve, reported after every iteration. */
export interface CgProgress {
  /** 'forward' for the solve A x = b, 'backward' for the adjoint solve A z = x̄. */
  phase: 'forward' | 'backward';
  iteration: number;
  /** ‖b − A x‖ / ‖b‖. */
  relativeResidual: number;
}

/** Options of `cg`. */
export interface CgOptions {
  /** Stop when ‖b − A x‖ ≤ tol·‖b‖ (default 1e-10 in float64, 1e-5 in float32). */
  tol?: number;
  /** Most iterations (default 10·n). */
  maxIter?: number;
  /** Applies M⁻¹ (e.g. `pivotedCholeskyPreconditioner`); default none. */
  preconditioner?: Preconditioner;
  /** Return the last iterate instead of throwing when maxIter is reached without convergence (default false). */
  allowNonConverged?: boolean;
  /** Called after every iteration of the forward and the backward solve. */
  onIteration?: (p: CgProgress) => void;
}

interface SolveConfig<P> {
  fn: string; matvec: Matvec<P>; params: P; n: number; tol: number; maxIter: number;
  pre: Preconditioner | undefined; allow: boolean; onIteration: ((p: CgProgress) => void) | undefined;
}

function applyPreconditioner(fn: string, pre: Preconditioner, r: Float64Array, out: Float64Array, n: number, it: number): void {
  const res = pre(fromData(Float64Array.from(r), [n]));
  if (!(res instanceof Tensor)) throw new TracetapeError(fn, `preconditioner must return a Tensor, received ${describe(res)}`);
  check(res.shape.length === 1 && res.shape[0] === n, fn, () => `preconditioner must return a vector of shape [${n}], received ${fmtShape(res.shape)}`);
  const bad = firstNonFinite(res._data);
  if (bad >= 0) throw new TracetapeError(fn, `preconditioner returned a non-finite value (${res._data[bad]} at index ${bad}) (iteration ${it})`);
  out.set(res._data);
}

/** Solve A x = b by (preconditioned) CG on raw arrays. */
function cgSolveRaw<P>(cfg: SolveConfig<P>, b: ArrayLike<number>, phase: 'forward' | 'backward'): Float64Array {
  const { fn, matvec, params, n, tol, maxIter, pre, allow, onIteration } = cfg;
  const x = new Float64Array(n);
  const r = Float64Array.from(b);
  const bnorm = normRaw(r, 0, n);
  if (bnorm === 0) return x;
  const z = new Float64Array(n);
  if (pre) applyPreconditioner(fn, pre, r, z, n, 0); else z.set(r);
  const p = Float64Array.from(z);
  const Ap = new Float64Array(n);
  let rz = dotRaw(r, 0, z, 0, n);
  let rel = 1;
  for (let it = 1; it <= maxIter; it++) {
    applyRaw(fn, matvec, p, params, n, Ap, `${phase} iteration ${it}`);
    const pAp = dotRaw(p, 0, Ap, 0, n);
    if (!(pAp > 0)) throw new TracetapeError(fn, `the operator is not positive definite: pᵀAp = ${pAp} at ${phase} iteration ${it}`);
    const alpha = rz / pAp;
    axpyRaw(alpha, p, 0, x, 0, n);
    axpyRaw(-alpha, Ap, 0, r, 0, n);
    rel = normRaw(r, 0, n) / bnorm;
    onIteration?.({ phase, iteration: it, relativeResidual: rel });
    if (rel <= tol) return x;
    if (pre) applyPreconditioner(fn, pre, r, z, n, it); else z.set(r);
    const rzNew = dotRaw(r, 0, z, 0, n);
    if (pre && !(rzNew > 0)) throw new TracetapeError(fn, `the preconditioner is not positive definite: rᵀM⁻¹r = ${rzNew} at ${phase} iteration ${it}`);
    const beta = rzNew / rz;
    rz = rzNew;
    for (let i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
  }
  if (!allow) {
    throw new TracetapeError(fn, `did not converge within maxIter = ${maxIter} iterations in the ${phase} solve (relative residual ${rel.toExponential(3)} > tol ${tol}); raise maxIter, add a preconditioner, or pass {allowNonConverged: true} to accept the last iterate`);
  }
  return x;
}

/**
 * Solve A(params) x = b for a symmetric positive definite operator by conjugate gradients. Differentiable in b and params
 * by implicit differentiation (one extra CG solve in the backward pass: z = A⁻¹x̄, b̄ = z, θ̄ = −∂θ⟨z, A(θ)x⟩), never by
 * taping the iterations. Throws when maxIter is reached without convergence unless `allowNonConverged`.
 */
export function cg<P>(matvec: Matvec<P>, b: Tensor, params: P, options: CgOptions = {}): Tensor {
  const fn = 'cg';
  checkMatvec(fn, 'matvec', matvec);
  if (!(b instanceof Tensor)) throw new TracetapeError(fn, `b must be a 1-D Tensor, received ${describe(b)}`);
  check(b.shape.length === 1 && b.shape[0] >= 1, fn, () => `b must be a non-empty 1-D Tensor, received shape ${fmtShape(b.shape)}`);
  const badB = firstNonFinite(b._data);
  check(badB < 0, fn, () => `b must be finite, received ${b._data[badB]} at index ${badB}`);
  checkOptions(fn, options, ['tol', 'maxIter', 'preconditioner', 'allowNonConverged', 'onIteration']);
  const n = b.shape[0];
  const tol = checkNonNegative(fn, 'tol', options.tol, b.dtype === 'float32' ? 1e-5 : 1e-10);
  if (options.maxIter !== undefined) checkPositiveInt(fn, 'maxIter', options.maxIter);
  check(options.preconditioner === undefined || typeof options.preconditioner === 'function', fn,
    () => `preconditioner must be a function (r: Tensor) => Tensor applying M⁻¹, received ${describe(options.preconditioner)}`);
  check(options.allowNonConverged === undefined || typeof options.allowNonConverged === 'boolean', fn,
    () => `allowNonConverged must be a boolean, received ${describe(options.allowNonConverged)}`);
  check(options.onIteration === undefined || typeof options.onIteration === 'function', fn, () => `onIteration must be a function, received ${describe(options.onIteration)}`);
  const base = { fn, matvec, n, tol, maxIter: options.maxIter ?? 10 * n, pre: options.preconditioner, allow: options.allowNonConverged ?? false, onIteration: options.onIteration };
  const wrap = (x: Float64Array): Tensor => { const out = allocate(b.dtype, n); out.set(x); return fromData(out, [n]); };
  const prim = adjointPrimitive(
    fn,
    (bb: Tensor, p: P): [Tensor, { x: Tensor; p: P }] => {
      const x = wrap(cgSolveRaw({ ...base, params: p }, bb._data, 'forward'));
      return [x, { x, p }];
    },
    ({ x, p }, xbar: Tensor | null): unknown[] => {
      refuseSecondOrder(fn);
      if (xbar === null) return [null, null];
      const z = cgSolveRaw({ ...base, params: p }, xbar._data, 'backward');
      const mv = new MatvecVjp(fn, matvec, p, n, b.dtype);
      if (mv.needsParams) mv.applyAndAccumulate(x._data, z, new Float64Array(n), 'the parameter gradient');
      return [wrap(z), mv.result(-1)];
    },
  );
  return prim(b, params);
}
