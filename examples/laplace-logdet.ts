/**
 * Example: Laplace marginal-likelihood tuning of a Bayesian neural network's prior precision (seed 04). After MAP
 * training of a small MLP, the Laplace approximation of the log evidence as a function of the prior precision δ is
 *   log Z(δ) ≈ log p(y | θ*) − ½δ‖θ*‖² + (P/2) log δ − ½ log det(G + δI),
 * with G = Jᵀ J/σ² the generalised Gauss-Newton (GGN) matrix. The log-determinant is estimated by stochastic Lanczos
 * quadrature (`tt.krylov.logdet`) from GGN-vector products only, and δ is tuned by Adam on log δ with the gradient
 * flowing through SLQ's Lanczos adjoint. It is compared with the diagonal approximation (log det ≈ Σ log(Gᵢᵢ + δ))
 * and with the exact dense reference: log det(G + δI_P) = (P − N) log δ + log det(J Jᵀ/σ² + δI_N) (Sylvester's identity)
 * by `tt.linalg.cholesky`, checked against a dense Cholesky log-determinant of the P × P matrix.
 */
import * as tt from '../src/index.js';
import { createContext, fmtSeconds, plot, resolveRunOptions, type FlagSpec, type RunOptions } from './lib/index.js';
import { architecture, forward, ggnFromJacobian, ggnMatrixFree, initTheta, jacobian, negLogJoint, toyData } from './laplace-logdet/net.js';

/** One line for the example list. */
export const description = 'Laplace evidence of a small BNN: logdet(GGN + δI) by SLQ with gradients w.r.t. δ, vs diagonal and exact';

/** Command-line flags. */
export const flags = {
  hidden: { type: 'number', default: 16, integer: true, min: 1, help: 'hidden width of the 1 → H → H → 1 tanh MLP' },
  n: { type: 'number', default: 80, integer: true, min: 4, help: 'training points' },
  noise: { type: 'number', default: 0.1, min: 0, help: 'observation noise σ (known)' },
  trainSteps: { type: 'number', default: 600, integer: true, min: 1, help: 'Adam steps of MAP training' },
  trainDelta: { type: 'number', default: 1, min: 0, help: 'prior precision used for MAP training (and the start of tuning)' },
  probes: { type: 'number', default: 10, integer: true, min: 1, help: 'SLQ probes' },
  depth: { type: 'number', default: 30, integer: true, min: 2, help: 'Lanczos depth per probe' },
  steps: { type: 'number', default: 40, integer: true, min: 1, help: 'Adam steps on log δ' },
  lr: { type: 'number', default: 0.25, min: 0, help: 'Adam learning rate on log δ' },
  ggn: { type: 'string', default: 'jacobian', choices: ['jacobian', 'jvp'], help: "GGN products from the stored N × P Jacobian, or by a JVP + VJP through the network" },
  seed: { type: 'number', default: 0, integer: true, min: 0, help: 'PRNG seed' },
} as const satisfies FlagSpec;

/** One method's tuning result. */
export interface TuneResult {
  method: string;
  delta: number;
  /** Exact log Z at this method's δ. */
  exactLogZ: number;
  seconds: number;
  trajectory: number[];
}

/** What `run` returns (and writes as JSON). */
export interface LaplaceResults {
  parameters: number;
  trainRmse: number;
  /** At δ = trainDelta: log det(G + δI) and its derivative w.r.t. log δ, by each method. */
  atTrainDelta: { exact: number; slq: number; diagonal: number; gradExact: number; gradSlq: number; gradDiagonal: number };
  tuned: TuneResult[];
  curve: { logDelta: number[]; exact: number[]; diagonal: number[]; slq: number[] };
}

/** Run the example. */
export async function run(options: RunOptions<typeof flags> = {}): Promise<LaplaceResults> {
  const o = resolveRunOptions(flags, options);
  const ctx = createContext('laplace-logdet', o);
  const [kData, kInit, kProbe] = tt.random.split(tt.random.key(o.seed), 3);
  const arch = architecture(o.hidden);
  const P = arch.size;
  const { X, y } = toyData(o.n, o.noise, kData);
  ctx.log(`MLP 1 → ${o.hidden} → ${o.hidden} → 1 (tanh), P = ${P} parameters; ${o.n} points, σ = ${o.noise}`);

  // 1) MAP training.
  const bar = ctx.progress('MAP training', o.trainSteps, 'steps');
  const trained = tt.optim.minimize((t: tt.Tensor) => negLogJoint(arch, t, X, y, o.noise, o.trainDelta), initTheta(arch, kInit), {
    steps: o.trainSteps, optimizer: tt.optim.adam({ lr: 0.01 }), onStep: (s) => bar.tick(1, `loss ${s.loss.toFixed(2)}`),
  });
  bar.done();
  const theta = trained.params;
  const resid = tt.sub(forward(arch, theta, X), y).data();
  let sse = 0;
  for (const r of resid) sse += r * r;
  const trainRmse = Math.sqrt(sse / o.n);
  const thetaSq = tt.sum(tt.square(theta)).item();
  const logLik = -0.5 * sse / (o.noise * o.noise) - 0.5 * o.n * Math.log(2 * Math.PI * o.noise * o.noise);

  // 2) The GGN: Jacobian rows by VJPs; the dense P × P matrix only for the exact reference.
  const J = jacobian(arch, theta, X);
  const ggn = o.ggn === 'jacobian' ? ggnFromJacobian(J, o.noise) : ggnMatrixFree(arch, theta, X, o.noise);
  const t0 = performance.now();
  // G = JᵀJ/σ² has rank ≤ N; by Sylvester's determinant identity
  //   log det(G + δI_P) = (P − N) log δ + log det(S + δI_N),  S = J Jᵀ/σ² (N × N),
  // so the exact reference is a small dense Cholesky, differentiable in δ through tt.linalg.cholesky.
  const scale = 1 / (o.noise * o.noise);
  const S = tt.mul(tt.matmul(J, tt.transpose(J)), scale);
  const eyeN = tt.eye(o.n);
  const exactSeconds = (performance.now() - t0) / 1000;
  const diagG = tt.mul(tt.sum(tt.square(J), 0), scale).data();
  // Independent check of the Sylvester route: dense Cholesky log det of the P × P matrix G + δI at the training δ.
  const G = tt.mul(tt.matmul(tt.transpose(J), J), scale);
  const choleskyLogdet = 2 * tt.sum(tt.log(tt.diagonal(tt.linalg.cholesky(tt.add(G, tt.mul(tt.eye(P), o.trainDelta)))))).item();

  type Params = { logDelta: tt.Tensor };
  const matvec = (v: tt.Tensor, p: Params): tt.Tensor => tt.add(tt.noGrad(() => ggn(v)), tt.mul(v, tt.exp(p.logDelta)));
  const slqLogdet = (p: Params): tt.Tensor => tt.krylov.logdet(matvec, p, { key: kProbe, probes: o.probes, depth: Math.min(o.depth, P), n: P });
  const exactLogdet = (p: Params): tt.Tensor => {
    const L = tt.linalg.cholesky(tt.add(S, tt.mul(eyeN, tt.exp(p.logDelta))));
    return tt.add(tt.mul(tt.sum(tt.log(tt.diagonal(L))), 2), tt.mul(p.logDelta, P - o.n));
  };
  const diagLogdet = (p: Params): tt.Tensor => tt.sum(tt.log(tt.add(tt.tensor(diagG), tt.exp(p.logDelta))));
  // −log Z(δ) up to constants shared by all methods, given a log-determinant.
  const negLogZ = (logdet: (p: Params) => tt.Tensor) => (p: Params): tt.Tensor => {
    const delta = tt.exp(p.logDelta);
    return tt.neg(tt.add(tt.sub(tt.sub(tt.mul(p.logDelta, P / 2), tt.mul(delta, 0.5 * thetaSq)), tt.mul(logdet(p), 0.5)), logLik));
  };
  const exactLogZAt = (logDelta: number): number => -negLogZ(exactLogdet)({ logDelta: tt.tensor(logDelta) }).item();

  // 3) log det and its δ-derivative at the training δ, by each method.
  const at = { logDelta: tt.tensor(Math.log(o.trainDelta)) };
  const [ldExact, gExact] = tt.valueAndGrad(exactLogdet)(at);
  const tSlq = performance.now();
  const [ldSlq, gSlq] = tt.valueAndGrad(slqLogdet)(at);
  const slqSeconds = (performance.now() - tSlq) / 1000;
  const [ldDiag, gDiag] = tt.valueAndGrad(diagLogdet)(at);
  if (Math.abs(ldExact.item() - choleskyLogdet) > 1e-8 * Math.abs(choleskyLogdet)) {
    throw new Error(`exact log det via the N × N matrix (${ldExact.item()}) and via the P × P Cholesky (${choleskyLogdet}) disagree`);
  }
  const atTrainDelta = {
    exact: ldExact.item(), slq: ldSlq.item(), diagonal: ldDiag.item(),
    gradExact: gExact.logDelta.item(), gradSlq: gSlq.logDelta.item(), gradDiagonal: gDiag.logDelta.item(),
  };
  ctx.table(`log det(G + δI) at δ = ${o.trainDelta} (P = ${P}) and its derivative w.r.t. log δ`, ['method', 'log det', 'rel. error', 'd/d log δ', 'rel. error', 'time'], [
    ['exact (N×N Cholesky, checked P×P)', atTrainDelta.exact.toFixed(3), '—', atTrainDelta.gradExact.toFixed(3), '—', fmtSeconds(exactSeconds)],
    [`SLQ (${o.probes} probes, depth ${o.depth})`, atTrainDelta.slq.toFixed(3), rel(atTrainDelta.slq, atTrainDelta.exact), atTrainDelta.gradSlq.toFixed(3), rel(atTrainDelta.gradSlq, atTrainDelta.gradExact), fmtSeconds(slqSeconds)],
    ['diagonal approximation', atTrainDelta.diagonal.toFixed(3), rel(atTrainDelta.diagonal, atTrainDelta.exact), atTrainDelta.gradDiagonal.toFixed(3), rel(atTrainDelta.gradDiagonal, atTrainDelta.gradExact), '—'],
  ]);

  // 4) Tune δ by Adam on log δ with each method's gradient.
  const methods: [string, (p: Params) => tt.Tensor][] = [['exact', exactLogdet], ['SLQ', slqLogdet], ['diagonal', diagLogdet]];
  const tbar = ctx.progress('tuning δ', methods.length * o.steps, 'steps');
  const tuned: TuneResult[] = methods.map(([name, ld]) => {
    const ts = performance.now();
    const res = tt.optim.minimize(negLogZ(ld), { logDelta: tt.tensor(Math.log(o.trainDelta)) }, {
      steps: o.steps, optimizer: tt.optim.adam({ lr: o.lr }), onStep: () => tbar.tick(1),
    });
    const logDelta = res.params.logDelta.item();
    return { method: name, delta: Math.exp(logDelta), exactLogZ: exactLogZAt(logDelta), seconds: (performance.now() - ts) / 1000, trajectory: res.losses.map((l) => -l) };
  });
  tbar.done();
  const best = maximiseExact(exactLogZAt, Math.log(o.trainDelta));
  ctx.table(`Prior precision tuned by Adam (${o.steps} steps, lr ${o.lr}) on the Laplace log evidence`, ['method', 'δ*', 'exact log Z(δ*)', 'time'], [
    ...tuned.map((t) => [t.method, t.delta.toPrecision(4), t.exactLogZ.toFixed(3), fmtSeconds(t.seconds)]),
    ['exact argmax (golden section)', Math.exp(best).toPrecision(4), exactLogZAt(best).toFixed(3), '—'],
  ]);

  // 5) The evidence curve over δ for the figure (SLQ with the same probes at every δ).
  const grid = Array.from({ length: 25 }, (_, i) => Math.log(1e-2) + (i * (Math.log(1e2) - Math.log(1e-2))) / 24);
  const curve = { logDelta: grid, exact: [] as number[], diagonal: [] as number[], slq: [] as number[] };
  tt.noGrad(() => {
    for (const g of grid) {
      const p = { logDelta: tt.tensor(g) };
      curve.exact.push(-negLogZ(exactLogdet)(p).item());
      curve.diagonal.push(-negLogZ(diagLogdet)(p).item());
      curve.slq.push(-negLogZ(slqLogdet)(p).item());
    }
  });
  const deltas = grid.map(Math.exp);
  ctx.writeSvg('evidence', plot({
    title: `Laplace log evidence vs prior precision (P = ${P})`, xLabel: 'prior precision δ', yLabel: 'log Z(δ)', xLog: true,
    series: [
      { label: 'exact (dense)', x: deltas, y: curve.exact },
      { label: `SLQ (${o.probes} probes, depth ${o.depth})`, x: deltas, y: curve.slq, kind: 'both', dashed: true },
      { label: 'diagonal approximation', x: deltas, y: curve.diagonal },
    ],
    refLines: tuned.map((t, k) => ({ axis: 'x' as const, value: t.delta, label: k === 1 ? undefined : `${k === 0 ? 'exact, SLQ' : t.method} δ*`, color: ['#0072B2', '#D55E00', '#009E73'][k] })),
    yRange: [Math.max(...curve.exact) - 120, Math.max(...curve.exact) + 15],
    legend: 'bottom-right',
  }));
  const results: LaplaceResults = { parameters: P, trainRmse, atTrainDelta, tuned, curve };
  ctx.writeJson({ options: { ...o, quiet: undefined, outDir: undefined }, ...results });
  return results;
}

/** Relative error as a percentage string. */
function rel(a: number, b: number): string {
  return `${(100 * Math.abs(a - b) / Math.abs(b)).toFixed(2)}%`;
}

/** Maximise a unimodal f(log δ) by golden-section search on [start − 12, start + 12]. */
function maximiseExact(f: (x: number) => number, start: number): number {
  let a = start - 12, b = start + 12;
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a), d = a + g * (b - a);
  let fc = f(c), fd = f(d);
  for (let i = 0; i < 80; i++) {
    if (fc > fd) { b = d; d = c; fd = fc; c = b - g * (b - a); fc = f(c); } else { a = c; c = d; fc = fd; d = a + g * (b - a); fd = f(d); }
  }
  return (a + b) / 2;
}
