/**
 * Stochastic Lanczos quadrature: `slqIntegrand` (‖v‖² e₁ᵀ f(T) e₁ per probe) and `logdet` built on stochtrace.estimator,
 * optionally preconditioned by a differentiable low-rank-plus-shift P(θ): log det A = log det P + log det(P^{-1/2} A P^{-1/2}).
 */
import { Tensor, fromData } from '../tensor/index.js';
import { add, div, square } from '../ops/index.js';
import * as random from '../random/index.js';
import * as stochtrace from '../stochtrace/index.js';
import { TracetapeError, check, checkOptions, checkPositiveInt, describe } from '../util/index.js';
import { makePortable, registerPortable } from '../util/portable.js';
import { checkMatrixFunction, tridiagonalFunm, type MatrixFunction } from './dense-funm.js';
import { funmIterationOptions, lanczosInvariantBlock, renamed, type FunmOptions } from './funm.js';
import type { Matvec } from './matvec.js';
import { applyInverseSqrt, lowRankShiftParts, type InverseSqrtParts, type LowRankShift } from './low-rank-shift.js';
import { lowRankPreconditioner, type LowRankPreconditionerOptions } from './low-rank-preconditioner.js';

/**
 * The `preconditioner` option of `logdet`: pivoted-Cholesky options (pivots chosen at the current params; see
 * `lowRankPreconditioner`), or any differentiable factor function params ↦ {U: Tensor[n, k], shift} giving P = UUᵀ + shift·I.
 */
export type LogdetPreconditioner<P> = LowRankPreconditionerOptions<P> | ((params: P) => LowRankShift);

/** An SLQ integrand `(matvec, v, params) => vᵀ f(A) v` (estimated by Lanczos quadrature; a scalar Tensor). */
export type SlqIntegrand = <P>(matvec: Matvec<P>, v: Tensor, params: P) => Tensor;

/**
 * The stochastic Lanczos quadrature integrand for stochtrace.estimator: ‖v‖² e₁ᵀ f(T) e₁ with T from `depth` Lanczos
 * steps started at v, so that its mean over probes with E[vvᵀ] = I estimates tr f(A). Differentiable by the Lanczos adjoint.
 */
export function slqIntegrand(f: MatrixFunction, options: FunmOptions): SlqIntegrand {
  const fn = 'slqIntegrand';
  checkMatrixFunction(fn, f);
  const opts = funmIterationOptions(fn, options);
  const integrand: SlqIntegrand = <P>(matvec: Matvec<P>, v: Tensor, params: P): Tensor => renamed(fn, () => {
    const { alphas, betas, initNormInv } = lanczosInvariantBlock(matvec, v, params, opts);
    const { quadratic } = tridiagonalFunm(fn, f, alphas, betas);
    return div(quadratic, square(initNormInv));
  });
  // A named f can be rebuilt by worker threads (estimator option `workers`); a function f cannot be sent there.
  if (typeof f !== 'string') return integrand;
  return makePortable(integrand, { kind: 'krylov.slqIntegrand', f, depth: opts.depth, reortho: opts.reortho, gradient: opts.gradient, breakdownTol: opts.breakdownTol });
}

registerPortable('krylov.slqIntegrand', (d) => slqIntegrand(d.f as MatrixFunction, {
  depth: d.depth as number, reortho: d.reortho as FunmOptions['reortho'], gradient: d.gradient as FunmOptions['gradient'], breakdownTol: d.breakdownTol as number | undefined,
}));

/** Options of `logdet`. */
export interface LogdetOptions<P = unknown> {
  /** PRNG key of the probes (required). */
  key: random.PRNGKey;
  /** Number of probes (default 30; ignored when `sampler` is given, which fixes its own count). */
  probes?: number;
  /** Lanczos depth per probe (default 30, capped at n). */
  depth?: number;
  /** Probes per chunk (default: all at once); smaller chunks keep memory at O(n × chunk) in both passes. */
  chunkSize?: number;
  /** A probe sampler (default: tt.stochtrace.rademacher(n, {num: probes})). */
  sampler?: stochtrace.Sampler | ((key: random.PRNGKey) => Tensor);
  /** Dimension n of the operator (required unless a built-in `sampler` is given). */
  n?: number;
  /** Forward re-orthogonalisation of each Lanczos run (default 'full'). */
  reortho?: 'full' | 'none';
  /** Called after every chunk with the running estimate and its standard error. */
  onProgress?: (p: stochtrace.EstimatorProgress) => void;
  /** Worker threads for the probes (Node; needs a built-in operator such as tt.ops.kernelMatvec): see stochtrace.EstimatorOptions.workers. */
  workers?: number;
  /**
   * Precondition with P(θ) = UUᵀ + sI ≈ A (default: none). The estimate becomes log det P (exact) + SLQ of
   * log det(P^{-1/2} A P^{-1/2}); both terms are differentiable in params, so the variance of the value and of the
   * gradient drop when P tracks A. `{rank}` works for tt.ops.kernelMatvec as is; see LogdetPreconditioner.
   */
  preconditioner?: LogdetPreconditioner<P>;
}

/**
 * log det A(params) of a symmetric positive definite operator by stochastic Lanczos quadrature:
 * mean over probes of ‖v‖² e₁ᵀ log(T_v) e₁. Differentiable in params through the Lanczos adjoint; with chunkSize the
 * probes stream chunk by chunk and are recomputed in the backward pass (stochtrace.estimator's checkpointing).
 * With `preconditioner` (P = UUᵀ + sI ≈ A, differentiable in params) it returns log det P + the SLQ estimate of
 * log det(P^{-1/2} A P^{-1/2}): the same expectation, with much lower variance of value and gradient when P tracks A
 * (e.g. a pivoted Cholesky of a kernel matrix whose rank captures the kernel above the noise level); each matvec then
 * costs two extra O(nk) products.
 */
export function logdet<P>(matvec: Matvec<P>, params: P, options: LogdetOptions<P>): Tensor {
  const fn = 'logdet';
  check(typeof matvec === 'function', fn, () => `matvec must be a function (v, params) => Tensor, received ${describe(matvec)}`);
  check(options !== undefined && options !== null && typeof options === 'object', fn, () => `options {key, n | sampler} are required, received ${describe(options)}`);
  checkOptions(fn, options, ['key', 'probes', 'depth', 'chunkSize', 'sampler', 'n', 'reortho', 'onProgress', 'workers', 'preconditioner']);
  check(options.key instanceof random.PRNGKey, fn, () => `key must be a PRNGKey (tt.random.key(seed)), received ${describe(options.key)}`);
  if (options.probes !== undefined) checkPositiveInt(fn, 'probes', options.probes);
  if (options.depth !== undefined) checkPositiveInt(fn, 'depth', options.depth);
  let sampler = options.sampler;
  let n = options.n;
  if (n !== undefined) checkPositiveInt(fn, 'n', n);
  if (sampler === undefined) {
    if (n === undefined) throw new TracetapeError(fn, 'n (the dimension of the operator) is required when no sampler is given');
    sampler = stochtrace.rademacher(n, { num: options.probes ?? 30 });
  } else {
    check(typeof sampler === 'function', fn, () => `sampler must be a probe sampler (key) => Tensor[num, n], received ${describe(sampler)}`);
    if (stochtrace.isSampler(sampler)) {
      const sm: stochtrace.Sampler = sampler;
      check(sm.shape.length === 1, fn, () => `sampler must draw 1-D probes, its probe shape is [${sm.shape.join(',')}]`);
      check(n === undefined || sm.shape[0] === n, fn, () => `n = ${n} does not match the sampler's probe length ${sm.shape[0]}`);
      check(options.probes === undefined || options.probes === sm.num, fn, () => `probes = ${options.probes} does not match the sampler's num = ${sm.num}`);
      n = sm.shape[0];
    }
  }
  const depth = options.depth ?? (n !== undefined ? Math.min(30, n) : 30);
  const integrand = slqIntegrand('log', { depth, reortho: options.reortho });
  const pre = options.preconditioner;
  if (pre === undefined) {
    const est = stochtrace.estimator<P, Tensor>(integrand, sampler, { chunkSize: options.chunkSize, onProgress: options.onProgress, workers: options.workers });
    return renamed(fn, () => est(matvec, options.key, params));
  }
  check(options.workers === undefined || options.workers === 0, fn,
    () => 'workers cannot be combined with preconditioner: the preconditioned operator P^{-1/2} A P^{-1/2} is a closure, which worker threads cannot rebuild');
  check(typeof pre === 'function' || (pre !== null && typeof pre === 'object'), fn,
    () => `preconditioner must be {rank, ...} or a function (params) => {U, shift}, received ${describe(pre)}`);
  const factor = typeof pre === 'function' ? pre : renamed(fn, () => lowRankPreconditioner(matvec, params, pre));
  return renamed(fn, () => {
    const parts = lowRankShiftParts(fn, factor(params), n);
    // Progress reports the whole estimate: the running SLQ mean of log det(P^{-1/2}AP^{-1/2}) plus the exact log det P.
    const user = options.onProgress, logdetP = parts.logdet.item();
    const onProgress = user === undefined ? undefined : (pr: stochtrace.EstimatorProgress): void => user({ ...pr, estimate: fromData(Float64Array.of((pr.estimate as Tensor).item() + logdetP), []) });
    const est = stochtrace.estimator<Preconditioned<P>, Tensor>(integrand, sampler, { chunkSize: options.chunkSize, onProgress });
    const inner: Matvec<Preconditioned<P>> = (v, q) => applyInverseSqrt(matvec(applyInverseSqrt(v, q.pre), q.op), q.pre);
    return add(parts.logdet, est(inner, options.key, { op: params, pre: parts.inverseSqrt }));
  });
}

/** Parameters of the preconditioned operator P^{-1/2} A(op) P^{-1/2}: the operator's own and P^{-1/2}'s pieces. */
interface Preconditioned<P> { op: P; pre: InverseSqrtParts }
