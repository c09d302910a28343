/**
 * The Gaussian-process hyperparameter fit that the browser demo runs, shared with the browser test (which re-runs it
 * in Node as the reference): a deterministic 1-D data set, the exact negative log marginal likelihood through a dense
 * Cholesky of the kernel matrix (built by tt.ops.kernelMatvec, i.e. by gpu.js kernels on the gpujs backend), an Adam
 * loop, then a Hutchinson estimate of tr K (tt.stochtrace.estimator, streamed chunk by chunk) and an SLQ log-determinant.
 *
 * The library is passed in as `tt` so that the page can hand over the browser bundle and Node the sources.
 */
import type * as Tracetape from '../../src/index.js';

/** The tracetape namespace (the browser bundle or the sources: same API). */
export type TT = typeof Tracetape;

/** Sizes and seeds of the demo fit. */
export interface FitConfig {
  /** Number of data points (n·n ≥ 4096 so that the kernel products run as gpu.js kernels, not the small-size cpu path). */
  n: number;
  /** Adam steps. */
  steps: number;
  /** Adam learning rate (on log-hyperparameters). */
  lr: number;
  /** Seed of the data set (a float64 generator in plain JS, so every backend sees the same data). */
  dataSeed: number;
  /** Seed of the Hutchinson / SLQ probes (tt.random.key). */
  probeSeed: number;
  /** Hutchinson probes in total, and per streamed chunk. */
  probes: number;
  chunkSize: number;
  /** SLQ probes and Lanczos depth for the log-determinant check. */
  slqProbes: number;
  slqDepth: number;
}

/** The configuration the page runs (the browser test passes the same one to the Node reference). */
export const DEFAULT_CONFIG: FitConfig = { n: 64, steps: 60, lr: 0.08, dataSeed: 20261123, probeSeed: 7, probes: 128, chunkSize: 8, slqProbes: 16, slqDepth: 24 };

/** Hyperparameters as plain numbers (not logs). */
export interface Hyper { lengthscale: number; variance: number; noise: number }

/** The differentiable parameters: log-hyperparameters as scalar tensors. */
export interface LogParams { logLengthscale: Tracetape.Tensor; logVariance: Tracetape.Tensor; logNoise: Tracetape.Tensor }

/** The data set: inputs x (n), targets y (n). */
export interface GpData { x: Float64Array; y: Float64Array }

/** One Hutchinson progress point: probes so far, running mean, its standard error. */
export interface TracePoint { done: number; estimate: number; sem: number }

/** Everything the fit produces (the page stores it as `window.__tracetapeResult`). */
export interface FitResult {
  /** tt.backendInfo() at the end of the run. */
  backend: { name: string; mode: string; precision: string; detail?: string };
  config: FitConfig;
  /** Initial hyperparameters. */
  initial: Hyper;
  /** NLL per data point before each Adam update (losses[0] at the initial hyperparameters). */
  losses: number[];
  /** Hyperparameters after the last update, and the NLL per point there. */
  final: Hyper;
  finalLoss: number;
  /** Running Hutchinson estimates of tr K at the final hyperparameters, and the exact value n·(s + σ²). */
  trace: TracePoint[];
  traceExact: number;
  /** SLQ estimate of log det K at the final hyperparameters, and the exact value from the Cholesky factor. */
  slqLogdet: number;
  exactLogdet: number;
  /** Wall time of the fit loop and of the estimates, in milliseconds. */
  fitMs: number;
  estimateMs: number;
}

/** Callbacks for live display; a returned promise is awaited (the page yields to the browser there to repaint). */
export interface FitHooks {
  onStep?: (step: number, loss: number, hyper: Hyper) => void | Promise<void>;
  onTrace?: (point: TracePoint) => void | Promise<void>;
}

/** A float64 uniform generator in plain JS (mulberry32 → [0, 1)), so the data do not depend on the backend. */
function uniform01(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The demo data: n sorted inputs in [−3, 3] with jitter, y = sin(2x) + 0.3·cos(5x) + 0.15·ε (Box–Muller normals). */
export function makeData(n: number, seed: number): GpData {
  const u = uniform01(seed);
  const x = new Float64Array(n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = -3 + (6 * (i + 0.8 * u())) / n;
  for (let i = 0; i < n; i++) {
    const eps = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
    y[i] = Math.sin(2 * x[i]) + 0.3 * Math.cos(5 * x[i]) + 0.15 * eps;
  }
  return { x, y };
}

/** Kernel parameters of tt.ops.kernelMatvec from log-hyperparameters (RBF, noise on the diagonal). */
export function kernelParams(tt: TT, X: Tracetape.Tensor, p: LogParams): Tracetape.ops.KernelParams {
  return { X, lengthscale: tt.exp(p.logLengthscale), variance: tt.exp(p.logVariance), noise: tt.exp(p.logNoise), kernel: 'rbf' };
}

/** Log-hyperparameters as scalar float64 tensors. */
export function logParams(tt: TT, h: Hyper): LogParams {
  return { logLengthscale: tt.tensor(Math.log(h.lengthscale)), logVariance: tt.tensor(Math.log(h.variance)), logNoise: tt.tensor(Math.log(h.noise)) };
}

/** Plain hyperparameters from log-parameter tensors. */
export function hyperOf(p: LogParams): Hyper {
  return { lengthscale: Math.exp(p.logLengthscale.item()), variance: Math.exp(p.logVariance.item()), noise: Math.exp(p.logNoise.item()) };
}

/**
 * The NLL per point and log det K: K = kernelMatvec(I, params) (the n columns in one kernel product), L = chol(K),
 * NLL/n = (½‖L⁻¹y‖² + Σ log L_ii + ½ n log 2π) / n. Differentiable in the log-hyperparameters.
 */
export function negLogLik(tt: TT, X: Tracetape.Tensor, y: Tracetape.Tensor, p: LogParams): { nll: Tracetape.Tensor; logdet: Tracetape.Tensor } {
  const n = y.shape[0];
  const I = tt.eye(n);
  const K = tt.ops.kernelMatvec(I, kernelParams(tt, X, p));
  const L = tt.linalg.cholesky(K);
  const alpha = tt.linalg.solveTriangular(L, y, { lower: true });
  const logdet = tt.mul(tt.sum(tt.log(tt.sum(tt.mul(L, I), 1))), 2);
  const nll = tt.div(tt.add(tt.add(tt.mul(tt.sum(tt.square(alpha)), 0.5), tt.mul(logdet, 0.5)), 0.5 * n * Math.log(2 * Math.PI)), n);
  return { nll, logdet };
}

/** The starting point of the fit (deliberately off: lengthscale too long, noise too large). */
export const INITIAL: Hyper = { lengthscale: 1.5, variance: 0.5, noise: 0.4 };

/** Hutchinson estimate of tr K at `hyper` with running progress, and the SLQ log-determinant there. */
export async function estimates(tt: TT, data: GpData, hyper: Hyper, config: FitConfig, hooks: FitHooks = {}): Promise<{ trace: TracePoint[]; slqLogdet: number }> {
  const X = tt.tensor(data.x, { shape: [config.n, 1] });
  const params = kernelParams(tt, X, logParams(tt, hyper));
  const points: TracePoint[] = [];
  const hutchinson = tt.stochtrace.estimator<Tracetape.ops.KernelParams, Tracetape.Tensor>(tt.stochtrace.trace<Tracetape.ops.KernelParams>(), tt.stochtrace.rademacher(config.n, { num: config.probes }), {
    chunkSize: config.chunkSize,
    onProgress: (p) => {
      if (p.phase === 'forward') points.push({ done: p.done, estimate: (p.estimate as Tracetape.Tensor).item(), sem: (p.sem as Tracetape.Tensor).item() });
    },
  });
  hutchinson(tt.ops.kernelMatvec, tt.random.key(config.probeSeed), params);
  for (const point of points) await hooks.onTrace?.(point);
  const slq = tt.krylov.logdet(tt.ops.kernelMatvec, params, { key: tt.random.key(config.probeSeed + 1), n: config.n, probes: config.slqProbes, depth: config.slqDepth });
  return { trace: points, slqLogdet: slq.item() };
}

/** Posterior mean of the GP at `grid` points: K(grid, X) (K + σ²I)⁻¹ y, with the solve by Cholesky (float64 on the host). */
export function posteriorMean(tt: TT, data: GpData, hyper: Hyper, grid: Float64Array): Float64Array {
  const n = data.x.length;
  const X = tt.tensor(data.x, { shape: [n, 1] });
  const p = kernelParams(tt, X, logParams(tt, hyper));
  const L = tt.linalg.cholesky(tt.ops.kernelMatvec(tt.eye(n), p));
  const alpha = tt.linalg.solveTriangular(L, tt.linalg.solveTriangular(L, tt.tensor(data.y), { lower: true }), { lower: true, transpose: true });
  const { noise: _noise, ...cross } = p;
  return Float64Array.from(tt.ops.kernelMatvec(alpha, { ...cross, X: tt.tensor(grid, { shape: [grid.length, 1] }), Y: X }).data());
}

/** Run the whole demo computation on the current backend: Adam on the NLL, then the estimates at the fitted point. */
export async function runFit(tt: TT, config: FitConfig = DEFAULT_CONFIG, hooks: FitHooks = {}, clock: () => number = () => Date.now()): Promise<FitResult> {
  const data = makeData(config.n, config.dataSeed);
  const X = tt.tensor(data.x, { shape: [config.n, 1] });
  const y = tt.tensor(data.y);
  const loss = (p: LogParams): Tracetape.Tensor => negLogLik(tt, X, y, p).nll;
  const valueAndGrad = tt.valueAndGrad(loss);
  const optimizer = tt.optim.adam({ lr: config.lr });
  let params = logParams(tt, INITIAL);
  let state = optimizer.init(params);
  const losses: number[] = [];
  const t0 = clock();
  for (let step = 0; step < config.steps; step++) {
    const [value, grads] = valueAndGrad(params);
    losses.push(value.item());
    await hooks.onStep?.(step, value.item(), hyperOf(params));
    const [next, nextState] = optimizer.update(grads, state, params);
    params = next as LogParams;
    state = nextState;
  }
  const final = hyperOf(params);
  const { nll, logdet } = negLogLik(tt, X, y, params);
  const finalLoss = nll.item();
  await hooks.onStep?.(config.steps, finalLoss, final);
  const fitMs = clock() - t0;
  const t1 = clock();
  const { trace, slqLogdet } = await estimates(tt, data, final, config, hooks);
  const estimateMs = clock() - t1;
  const info = tt.backendInfo();
  return {
    backend: { name: info.name, mode: info.mode, precision: info.precision, detail: info.detail },
    config, initial: INITIAL, losses, final, finalLoss,
    trace, traceExact: config.n * (final.variance + final.noise),
    slqLogdet, exactLogdet: logdet.item(), fitMs, estimateMs,
  };
}
