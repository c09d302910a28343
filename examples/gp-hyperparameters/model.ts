/**
 * The GP regression model of the flagship example: log-parameterised hyperparameters, the exact negative log
 * marginal likelihood by dense Cholesky, the matrix-free one by SLQ (`tt.krylov.logdet`) + CG (`tt.krylov.cg`) over
 * `tt.ops.kernelMatvec`, and posterior-mean predictions both ways. Everything is written in tracetape ops, so
 * `tt.valueAndGrad` differentiates either NLL with respect to the hyperparameters.
 *
 *   NLL(θ) = ½ yᵀK⁻¹y + ½ log det K + (n/2) log 2π,   K = s·k(‖(xᵢ − xⱼ)/ℓ‖) + σ²I
 */
import * as tt from '../../src/index.js';

/** Kernel families (those of tt.ops.kernelMatvec). */
export type KernelName = 'rbf' | 'matern32' | 'matern52';

/** Unconstrained hyperparameters: logs of the lengthscale(s) (scalar or one per feature), signal variance and noise variance. */
export interface Hyper {
  logLengthscale: tt.Tensor;
  logVariance: tt.Tensor;
  logNoise: tt.Tensor;
}

/** Positive hyperparameters as plain numbers (for tables and JSON). */
export interface HyperValues {
  lengthscale: number[];
  variance: number;
  noise: number;
}

/** Initial hyperparameters: ℓ = `lengthscale` (per feature when `ard`), s = 1, σ² = `noise`. */
export function initHyper(d: number, ard: boolean, lengthscale: number, noise: number): Hyper {
  return {
    logLengthscale: ard ? tt.full([d], Math.log(lengthscale)) : tt.tensor(Math.log(lengthscale)),
    logVariance: tt.tensor(0),
    logNoise: tt.tensor(Math.log(noise)),
  };
}

/** The positive hyperparameters as numbers. */
export function hyperValues(h: Hyper): HyperValues {
  return {
    lengthscale: Array.from(tt.exp(h.logLengthscale).data()),
    variance: Math.exp(h.logVariance.item()),
    noise: Math.exp(h.logNoise.item()),
  };
}

/** Parameters of tt.ops.kernelMatvec for the training covariance K = s·k + σ²I (differentiable in h). */
export function kernelParams(h: Hyper, X: tt.Tensor, kernel: KernelName): tt.ops.KernelParams {
  return { X, lengthscale: tt.exp(h.logLengthscale), variance: tt.exp(h.logVariance), noise: tt.exp(h.logNoise), kernel };
}

/** k(r) of the family from r² (the diagonal mask keeps √r² differentiable where r = 0 on the diagonal). */
function profile(kernel: KernelName, r2: tt.Tensor, diagonalMask: tt.Tensor | null): tt.Tensor {
  if (kernel === 'rbf') return tt.exp(tt.mul(r2, -0.5));
  const r = diagonalMask === null ? tt.sqrt(r2) : tt.sub(tt.sqrt(tt.add(r2, diagonalMask)), diagonalMask);
  if (kernel === 'matern32') {
    const a = tt.mul(r, Math.sqrt(3));
    return tt.mul(tt.add(a, 1), tt.exp(tt.neg(a)));
  }
  const a = tt.mul(r, Math.sqrt(5));
  return tt.mul(tt.add(tt.add(a, 1), tt.mul(tt.square(a), 1 / 3)), tt.exp(tt.neg(a)));
}

/** Dense s·k(X, Y) (n × m) in tracetape ops; with `square` (Y = X) the diagonal distances are exactly zero. */
export function denseKernel(h: Hyper, X: tt.Tensor, Y: tt.Tensor, kernel: KernelName, square: boolean): tt.Tensor {
  const ls = tt.exp(h.logLengthscale);
  const Xs = tt.div(X, ls), Ys = square ? Xs : tt.div(Y, ls);
  const sx = tt.sum(tt.square(Xs), 1, true), sy = tt.sum(tt.square(Ys), 1, true);
  let r2 = tt.sub(tt.add(sx, tt.transpose(sy)), tt.mul(tt.matmul(Xs, tt.transpose(Ys)), 2));
  let mask: tt.Tensor | null = null;
  if (square) {
    mask = tt.eye(X.shape[0]);
    r2 = tt.mul(r2, tt.sub(1, mask));
  }
  r2 = tt.relu(r2); // rounding can leave tiny negative squared distances
  return tt.mul(profile(kernel, r2, mask), tt.exp(h.logVariance));
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Exact NLL by dense Cholesky: ½‖L⁻¹y‖² + Σ log Lᵢᵢ + (n/2) log 2π with K = LLᵀ. */
export function nllCholesky(h: Hyper, X: tt.Tensor, y: tt.Tensor, kernel: KernelName): tt.Tensor {
  const n = X.shape[0];
  const K = tt.add(denseKernel(h, X, X, kernel, true), tt.mul(tt.eye(n), tt.exp(h.logNoise)));
  const L = tt.linalg.cholesky(K);
  const a = tt.linalg.solveTriangular(L, y, { lower: true });
  return tt.add(tt.add(tt.mul(tt.sum(tt.square(a)), 0.5), tt.sum(tt.log(tt.diagonal(L)))), n * HALF_LOG_2PI);
}

/** Posterior mean at `Xtest` by dense Cholesky: K(X*, X) K⁻¹ y. */
export function predictCholesky(h: Hyper, X: tt.Tensor, y: tt.Tensor, Xtest: tt.Tensor, kernel: KernelName): Float64Array {
  return tt.noGrad(() => {
    const n = X.shape[0];
    const K = tt.add(denseKernel(h, X, X, kernel, true), tt.mul(tt.eye(n), tt.exp(h.logNoise)));
    const L = tt.linalg.cholesky(K);
    const alpha = tt.linalg.solveTriangular(L, tt.linalg.solveTriangular(L, y, { lower: true }), { lower: true, transpose: true });
    return tt.matmul(denseKernel(h, Xtest, X, kernel, false), alpha).data() as Float64Array;
  });
}

/** Root-mean-square error between predictions and targets. */
export function rmse(pred: ArrayLike<number>, target: tt.Tensor): number {
  const t = target._data;
  let s = 0;
  for (let i = 0; i < t.length; i++) s += (pred[i] - t[i]) ** 2;
  return Math.sqrt(s / t.length);
}

/**
 * Posterior mean at `Xtest`, matrix-free: K(X*, X) α with α = CG(K + σ²I, y), both through tt.ops.kernelMatvec
 * (CG preconditioned by a rank-`preconditionerRank` pivoted Cholesky factor when that is > 0).
 */
export function predictMatrixFree(h: Hyper, X: tt.Tensor, y: tt.Tensor, Xtest: tt.Tensor, kernel: KernelName, cgTol: number, preconditionerRank = 0): Float64Array {
  return tt.noGrad(() => {
    const params = kernelParams(h, X, kernel);
    let preconditioner: tt.krylov.Preconditioner | undefined;
    if (preconditionerRank > 0) {
      const acc = tt.ops.kernelMatvec.access(params);
      preconditioner = tt.krylov.pivotedCholeskyPreconditioner({
        diagonal: () => acc.diag(), column: (i) => acc.column(i), shift: acc.shift, rank: Math.min(preconditionerRank, X.shape[0]),
      });
    }
    const alpha = tt.krylov.cg(tt.ops.kernelMatvec, y, params, { tol: cgTol, maxIter: 10 * X.shape[0], preconditioner });
    const cross: tt.ops.KernelParams = { X: Xtest, Y: X, lengthscale: params.lengthscale, variance: params.variance, kernel };
    return tt.ops.kernelMatvec(alpha, cross).data() as Float64Array;
  });
}
