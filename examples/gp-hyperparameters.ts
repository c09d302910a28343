/**
 * Example (the flagship; `npm start`): Gaussian-process hyperparameters by gradient descent on the negative log
 * marginal likelihood, NLL = ½ yᵀK⁻¹y + ½ log det K + (n/2) log 2π with K = s·k(‖(xᵢ − xⱼ)/ℓ‖) + σ²I, on the Boston
 * house-prices data (standardised, fixed shuffled train/test split). Two fits from the same start with the same Adam
 * settings, both differentiated by tracetape:
 *  - exact: dense K in tracetape ops, tt.linalg.cholesky + solveTriangular (O(n²) memory, O(n³) time);
 *  - matrix-free: ½ yᵀα with α = tt.krylov.cg over tt.ops.kernelMatvec (implicit VJP) plus ½ tt.krylov.logdet by
 *    stochastic Lanczos quadrature (Lanczos adjoint), K never formed (O(n·(d + depth)) memory).
 * It compares the final hyperparameters, the exact NLL at both optima, the test RMSE and the time, and plots both
 * loss curves. `--n 20000` switches to synthetic data where the dense K alone would take 3.2 GB: it then runs the
 * matrix-free NLL and gradient only (`--large-steps` Adam steps) and reports time and memory; each kernel matvec is
 * O(n²·d) work (about 8 s at n = 20000 on a 2-core CPU), so that mode takes tens of minutes.
 */
import * as tt from '../src/index.js';
import { createContext, fmtBytes, fmtSeconds, PeakMemory, plot, resolveRunOptions, type FlagSpec, type RunOptions } from './lib/index.js';
import { bostonData, syntheticData, type RegressionData } from './gp-hyperparameters/data.js';
import { hyperValues, initHyper, nllCholesky, predictCholesky, predictMatrixFree, rmse, type Hyper, type HyperValues, type KernelName } from './gp-hyperparameters/model.js';
import { exactNll, fitAdam, nllSlq, type SlqDiagnostics, type SlqSettings } from './gp-hyperparameters/fit.js';

/** One line for the example list. */
export const description = 'GP hyperparameters on Boston house prices: SLQ logdet + CG (matrix-free) vs dense Cholesky, fitted with Adam';

const BOSTON_ROWS = 506;

/** Command-line flags. */
export const flags = {
  n: { type: 'number', default: 200, integer: true, min: 10, help: `training points (Boston: ≤ ${BOSTON_ROWS - 50}, the rest is the test set; more switches to synthetic data)` },
  data: { type: 'string', default: 'auto', choices: ['auto', 'boston', 'synthetic'], help: 'data set (auto: Boston when n fits, else synthetic)' },
  kernel: { type: 'string', default: 'rbf', choices: ['rbf', 'matern', 'matern32', 'matern52'], help: 'kernel family (matern = Matérn-5/2)' },
  ard: { type: 'boolean', default: false, help: 'one lengthscale per feature (ARD) instead of a single one' },
  steps: { type: 'number', default: 30, integer: true, min: 1, help: 'Adam steps of each fit' },
  lr: { type: 'number', default: 0.15, min: 0, help: 'initial Adam learning rate on the log-hyperparameters (decays linearly to a tenth)' },
  probes: { type: 'number', default: 8, integer: true, min: 1, help: 'SLQ probes (Rademacher; the same probes every step)' },
  depth: { type: 'number', default: 15, integer: true, min: 2, help: 'Lanczos depth per probe' },
  cgTol: { type: 'number', default: 1e-6, min: 0, help: 'CG relative residual tolerance' },
  preconditioner: { type: 'number', default: 20, integer: true, min: 0, help: 'rank of the pivoted-Cholesky CG preconditioner (0: none)' },
  choleskyMax: { type: 'number', default: 3000, integer: true, min: 10, help: 'largest n for the dense Cholesky reference' },
  largeSteps: { type: 'number', default: 1, integer: true, min: 1, help: 'Adam steps in the large matrix-free-only mode (n > cholesky-max)' },
  seed: { type: 'number', default: 0, integer: true, min: 0, help: 'seed of the split, synthetic data and probes' },
} as const satisfies FlagSpec;

/** One fit's summary. */
export interface FitSummary {
  method: string;
  hyper: HyperValues;
  /** The fit's own objective at its final hyperparameters (SLQ estimate for the matrix-free fit). */
  objective: number;
  /** Exact NLL (dense Cholesky) at the final hyperparameters, or null when n is too large for it. */
  exactNll: number | null;
  testRmse: number;
  seconds: number;
  losses: number[];
}

/** What `run` returns (and writes as JSON). */
export interface GpResults {
  data: string;
  nTrain: number;
  nTest: number;
  kernel: KernelName;
  cholesky: FitSummary | null;
  slq: FitSummary;
  /** Exact NLL at every iterate of the SLQ fit (null without the Cholesky reference). */
  slqExactAlong: number[] | null;
  /** |exact NLL at the SLQ optimum − exact NLL at the Cholesky optimum| / |exact NLL at the Cholesky optimum|. */
  nllRelativeGap: number | null;
  /** Bytes a dense n × n float64 kernel matrix would take. */
  denseBytes: number;
  /** Peak JS heap + ArrayBuffer growth of the matrix-free fit. */
  slqPeakBytes: number;
  lastCgIterations: number;
}

function kernelName(k: string): KernelName {
  return k === 'matern' ? 'matern52' : (k as KernelName);
}

/** Run the example. */
export async function run(options: RunOptions<typeof flags> = {}): Promise<GpResults> {
  const o = resolveRunOptions(flags, options);
  const ctx = createContext('gp-hyperparameters', o);
  const kernel = kernelName(o.kernel);
  const useBoston = o.data === 'boston' || (o.data === 'auto' && o.n <= BOSTON_ROWS - 50);
  if (o.data === 'boston' && o.n > BOSTON_ROWS - 50) throw new Error(`--n ${o.n}: Boston has ${BOSTON_ROWS} rows; use n ≤ ${BOSTON_ROWS - 50} (or --data synthetic)`);
  const data: RegressionData = useBoston ? bostonData(o.n, o.seed) : syntheticData(o.n, Math.min(1000, Math.max(100, o.n >> 2)), 2, o.seed);
  const X = data.Xtrain, y = data.ytrain;
  const n = X.shape[0], d = X.shape[1];
  const denseBytes = 8 * n * n;
  const withCholesky = n <= o.choleskyMax;
  const steps = withCholesky ? o.steps : o.largeSteps;
  ctx.log(`data: ${data.name}, ${n} training / ${data.ytest.size} test points, ${d} features; kernel ${kernel}${o.ard ? ' (ARD)' : ''}`,
    `dense K would take ${fmtBytes(denseBytes)}; the matrix-free path keeps O(n·(d + depth)) = ${fmtBytes(8 * n * (d + o.depth + 8))}-ish`);
  const init = initHyper(d, o.ard, Math.sqrt(d), 0.1);
  const rows: (string | number | null)[][] = [];

  // Exact fit.
  let cholesky: FitSummary | null = null;
  if (withCholesky) {
    const bar = ctx.progress('Cholesky fit', steps, 'steps');
    const fit = fitAdam((h) => nllCholesky(h, X, y, kernel), init, steps, o.lr, (_s, loss) => bar.tick(1, `NLL ${loss.toFixed(3)}`));
    const objective = exactNll(fit.final, X, y, kernel);
    bar.done(`NLL ${objective.toFixed(3)}`);
    cholesky = {
      method: 'dense Cholesky', hyper: hyperValues(fit.final), objective, exactNll: objective,
      testRmse: rmse(predictCholesky(fit.final, X, y, data.Xtest, kernel), data.ytest) * data.yScale, seconds: fit.seconds, losses: fit.losses,
    };
  } else {
    ctx.log(`n = ${n} > --cholesky-max ${o.choleskyMax}: skipping the dense Cholesky reference (it would need ${fmtBytes(denseBytes)} for K alone)`,
      `each kernel matvec costs O(n²·d) (≈ 8 s at n = 20000 on a 2-core machine) and one Adam step needs ~${2 * o.probes * o.depth * 3 + 60} of them: try --probes 2 --depth 8`);
  }

  // Matrix-free fit.
  const [probeKey] = tt.random.split(tt.random.key(o.seed + 1), 1);
  const workBar = withCholesky ? null : ctx.progress('matrix-free work', steps * (2 * o.probes), 'probe passes');
  const settings: SlqSettings = {
    key: probeKey, probes: o.probes, depth: o.depth, cgTol: o.cgTol, preconditionerRank: o.preconditioner,
    onWork: workBar ? (w) => { if (w === 'probe') workBar.tick(1); } : undefined,
  };
  const diag: SlqDiagnostics = { cgIterations: 0, logdet: 0, dataFit: 0 };
  const memory = new PeakMemory();
  memory.start();
  const bar = withCholesky ? ctx.progress('SLQ + CG fit', steps, 'steps') : null;
  // Along the way, the exact NLL at each iterate (a cheap dense Cholesky forward pass at this n; not timed).
  const exactAlong: number[] = [];
  const fit = fitAdam((h) => nllSlq(h, X, y, kernel, settings, diag), init, steps, o.lr, (_s, loss, h) => {
    memory.tick();
    if (withCholesky) exactAlong.push(exactNll(h, X, y, kernel));
    bar?.tick(1, `NLL≈${loss.toFixed(3)} cg ${diag.cgIterations}`);
  });
  const slqPeakBytes = memory.peakBytes();
  const objective = tt.noGrad(() => nllSlq(fit.final, X, y, kernel, { ...settings, onWork: undefined })).item();
  bar?.done(`NLL≈${objective.toFixed(3)}`);
  workBar?.done();
  const slq: FitSummary = {
    method: 'SLQ + CG (matrix-free)', hyper: hyperValues(fit.final), objective,
    exactNll: withCholesky ? exactNll(fit.final, X, y, kernel) : null,
    testRmse: rmse(predictMatrixFree(fit.final, X, y, data.Xtest, kernel, o.cgTol, o.preconditioner), data.ytest) * data.yScale,
    seconds: fit.seconds, losses: fit.losses,
  };
  const nllRelativeGap = cholesky && slq.exactNll !== null ? Math.abs(slq.exactNll - cholesky.objective) / Math.abs(cholesky.objective) : null;

  const fmtLs = (h: HyperValues): string => (h.lengthscale.length > 4
    ? `${Math.min(...h.lengthscale).toFixed(2)}…${Math.max(...h.lengthscale).toFixed(2)} (${h.lengthscale.length})`
    : h.lengthscale.map((v) => v.toFixed(3)).join(', '));
  for (const f of [cholesky, slq]) {
    if (!f) continue;
    rows.push([f.method, fmtLs(f.hyper), f.hyper.variance.toFixed(4), f.hyper.noise.toFixed(5), f.objective.toFixed(3),
      f.exactNll === null ? null : f.exactNll.toFixed(3), f.testRmse.toFixed(3), fmtSeconds(f.seconds), fmtSeconds(f.seconds / f.losses.length)]);
  }
  ctx.table(`GP fit after ${steps} Adam steps (lr ${o.lr} → ${o.lr / 10}), n = ${n}, ${o.probes} probes × depth ${o.depth}`,
    ['method', 'lengthscale', 'signal var', 'noise var', 'objective', 'exact NLL', `test RMSE${useBoston ? ' ($1000s)' : ''}`, 'time', 'per step'], rows);
  if (nllRelativeGap !== null) ctx.log(`exact NLL at the SLQ optimum is within ${(100 * nllRelativeGap).toFixed(3)}% of the Cholesky optimum`);
  ctx.log(`matrix-free fit: ${diag.cgIterations} CG iterations at the last step${withCholesky ? '' : `; peak JS heap + ArrayBuffer growth ${fmtBytes(slqPeakBytes)} (incl. uncollected garbage) vs ${fmtBytes(denseBytes)} for a dense K`}`);

  const stepsAxis = (len: number): number[] => Array.from({ length: len }, (_, i) => i);
  ctx.writeSvg('loss', plot({
    title: `GP negative log marginal likelihood, ${data.name} (n = ${n}, ${kernel})`, xLabel: 'Adam step', yLabel: 'NLL',
    series: [
      ...(cholesky ? [{ label: 'dense Cholesky (exact)', x: stepsAxis(cholesky.losses.length), y: cholesky.losses }] : []),
      { label: `SLQ + CG (${o.probes} probes, depth ${o.depth}): its estimate`, x: stepsAxis(slq.losses.length), y: slq.losses, dashed: true },
      ...(withCholesky ? [{ label: 'SLQ + CG fit: exact NLL at its iterates', x: stepsAxis(exactAlong.length), y: exactAlong, color: '#009E73' }] : []),
    ],
  }));
  const results: GpResults = {
    data: data.name, nTrain: n, nTest: data.ytest.size, kernel, cholesky, slq, slqExactAlong: withCholesky ? exactAlong : null, nllRelativeGap, denseBytes, slqPeakBytes, lastCgIterations: diag.cgIterations,
  };
  ctx.writeJson({ options: { ...o, quiet: undefined, outDir: undefined }, ...results });
  return results;
}

/** Hyperparameters as a plain pytree type (re-exported for tests). */
export type { Hyper };
