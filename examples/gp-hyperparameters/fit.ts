/**
 * Fitting loops of the GP example: Adam on the log-hyperparameters through tracetape gradients, for the exact
 * (Cholesky) and the matrix-free (SLQ logdet + CG over kernelMatvec) negative log marginal likelihood.
 */
import * as tt from '../../src/index.js';
import { type Hyper, type KernelName, kernelParams, nllCholesky } from './model.js';

/** Settings of the matrix-free NLL. */
export interface SlqSettings {
  key: tt.random.PRNGKey;
  probes: number;
  depth: number;
  cgTol: number;
  /** Rank of the pivoted-Cholesky preconditioner for CG (0: none). */
  preconditionerRank: number;
  /** Called after every CG iteration and SLQ probe (for progress in the large mode). */
  onWork?: (what: 'cg' | 'probe') => void;
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Diagnostics of the last matrix-free evaluation. */
export interface SlqDiagnostics {
  cgIterations: number;
  logdet: number;
  dataFit: number;
}

/**
 * Matrix-free NLL: ½ yᵀα + ½ logdet_SLQ(K) + (n/2) log 2π with α = CG(K, y); K is applied only through
 * tt.ops.kernelMatvec (memory O(n·(d + depth)), never n²). Differentiable in h through CG's implicit VJP and the
 * Lanczos adjoint of SLQ.
 */
export function nllSlq(h: Hyper, X: tt.Tensor, y: tt.Tensor, kernel: KernelName, s: SlqSettings, diag?: SlqDiagnostics): tt.Tensor {
  const n = X.shape[0];
  const params = kernelParams(h, X, kernel);
  let preconditioner: tt.krylov.Preconditioner | undefined;
  if (s.preconditionerRank > 0) {
    const acc = tt.ops.kernelMatvec.access(tt.stopGradient(params));
    preconditioner = tt.krylov.pivotedCholeskyPreconditioner({
      diagonal: () => acc.diag(), column: (i) => acc.column(i), shift: acc.shift, rank: Math.min(s.preconditionerRank, n),
    });
  }
  let iterations = 0;
  const alpha = tt.krylov.cg(tt.ops.kernelMatvec, y, params, {
    tol: s.cgTol, maxIter: 10 * n, preconditioner,
    onIteration: (p) => { if (p.phase === 'forward') iterations = p.iteration; s.onWork?.('cg'); },
  });
  const dataFit = tt.mul(tt.dot(y, alpha), 0.5);
  const logdet = tt.krylov.logdet(tt.ops.kernelMatvec, params, {
    key: s.key, probes: s.probes, depth: Math.min(s.depth, n), n, chunkSize: 1, onProgress: () => s.onWork?.('probe'),
  });
  if (diag) { diag.cgIterations = iterations; diag.logdet = logdet.item(); diag.dataFit = dataFit.item(); }
  return tt.add(tt.add(dataFit, tt.mul(logdet, 0.5)), n * HALF_LOG_2PI);
}

/** The record of one fit. */
export interface FitTrace {
  losses: number[];
  /** Wall time of the fit, excluding the time spent in onStep. */
  seconds: number;
  final: Hyper;
}

/**
 * Adam on `loss` for `steps` steps from `init`, the learning rate decaying linearly from `lr` to lr/10 (a steadier
 * final iterate); `onStep` sees each step's loss and the parameters it was evaluated at.
 */
export function fitAdam(loss: (h: Hyper) => tt.Tensor, init: Hyper, steps: number, lr: number, onStep: (step: number, loss: number, h: Hyper) => void): FitTrace {
  const t0 = performance.now();
  let extra = 0;
  const res = tt.optim.minimize(loss, init, {
    steps, optimizer: tt.optim.adam({ lr: (count) => lr * (1 - (0.9 * count) / Math.max(1, steps - 1)) }),
    onStep: (info) => { const s = performance.now(); onStep(info.step, info.loss, info.params); extra += performance.now() - s; },
  });
  return { losses: res.losses, seconds: (performance.now() - t0 - extra) / 1000, final: res.params };
}

/** The exact NLL at `h` (no gradient), for scoring a fit. */
export function exactNll(h: Hyper, X: tt.Tensor, y: tt.Tensor, kernel: KernelName): number {
  return tt.noGrad(() => nllCholesky(h, X, y, kernel)).item();
}
