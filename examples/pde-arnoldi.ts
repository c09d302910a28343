/**
 * Seed 04 (gradients of functions of large matrices), the PDE case: recover the diffusion coefficient k(x, y) of the
 * 2-D heat equation u_t = ∇·(k∇u) on an n × n grid (zero Dirichlet boundary) from observed final states. The
 * solution operator is a matrix exponential, u(T) = expm(−T·A(k)) u0 with A(k) = −∇·(k∇·) = tt.ops.laplacian2d,
 * applied matrix-free by tt.krylov.funmArnoldi('exp', {depth}); gradients reach k through the Arnoldi adjoint
 * (one matvec VJP per Krylov step). log k is fitted on a coarse control grid (bilinear interpolation) with
 * tt.optim.adam. Reported: forward accuracy vs depth, adjoint vs backprop gradient, matvecs per gradient, time per
 * epoch, and the true vs recovered field (SVG heatmaps).
 */
import * as tt from '../src/index.js';
import { type FlagSpec, type RunOptions, createContext, heatmaps, plot, resolveRunOptions } from './lib/index.js';
import { bilinearMatrix, initialStates, trueCoefficient } from './pde-arnoldi/fields.js';

/** One line for the example list. */
export const description = 'Recover a 2-D heat-equation diffusion field through expm(T·A(k))u0 by funmArnoldi and its adjoint (seed 04)';

/** Command-line flags. */
export const flags = {
  grid: { type: 'number', default: 32, integer: true, min: 4, help: 'grid n (n × n cells); for the large run try --grid 128 --time 0.002 --epochs 40 (cost per epoch grows like n⁴)' },
  control: { type: 'number', default: 8, integer: true, min: 2, help: 'control grid c (c × c values of log k, bilinearly interpolated)' },
  observations: { type: 'number', default: 4, integer: true, min: 1, help: 'initial states with observed final states' },
  time: { type: 'number', default: 0.01, min: 1e-6, help: 'final time T' },
  depth: { type: 'number', default: 0, integer: true, min: 0, help: 'Arnoldi depth of the fit (0: automatic, 30 at n = 32 and T = 0.01, ∝ n·√T like the spectrum of T·A)' },
  epochs: { type: 'number', default: 100, integer: true, min: 1, help: 'Adam steps (one full-batch gradient each)' },
  lr: { type: 'number', default: 0.08, min: 0, help: 'Adam learning rate' },
  noise: { type: 'number', default: 0, min: 0, help: 'relative Gaussian noise added to the observations' },
  seed: { type: 'number', default: 0, integer: true, min: 0, help: 'seed of the initial states and noise' },
  backpropCheck: { type: 'boolean', default: true, help: 'compare the adjoint gradient with backprop through the iteration (skipped above 4096 cells: the tape would hold every step)' },
} satisfies FlagSpec;

/** What `run` returns (and writes as JSON). */
export interface PdeArnoldiResults {
  grid: number; unknowns: number; depth: number; referenceDepth: number;
  /** Forward relative error of funmArnoldi at several depths against the reference depth. */
  forwardError: { depth: number; relErr: number }[];
  /** Adjoint vs backprop gradient at the initial guess: relative difference and seconds each. */
  gradientCheck: { relDiff: number; adjointSeconds: number; backpropSeconds: number } | null;
  losses: number[];
  fieldErrors: number[];
  matvecsPerGradient: number;
  secondsPerEpoch: number;
  kTrue: number[]; kInitial: number[]; kRecovered: number[];
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < b.length; i++) { num += (a[i] - b[i]) ** 2; den += b[i] * b[i]; }
  return Math.sqrt(num / den);
}

/** Run the example. */
export async function run(options: RunOptions<typeof flags> = {}): Promise<PdeArnoldiResults> {
  const o = resolveRunOptions(flags, options);
  const ctx = createContext('pde-arnoldi', o);
  const n = o.grid, N = n * n;
  const depth = Math.min(N, o.depth > 0 ? o.depth : Math.max(10, Math.round(30 * Math.max(1, n / 32) * Math.sqrt(o.time / 0.01))));
  const refDepth = Math.min(N, 2 * depth);
  const [kStates, kNoise] = tt.random.split(tt.random.key(o.seed), 2);

  // The operator −T·A(k) as a matvec with explicit parameters k (counted, to report matvecs per gradient).
  const laplacian = tt.ops.laplacian2d(n, n);
  let matvecs = 0;
  const matvec = (v: tt.Tensor, k: tt.Tensor): tt.Tensor => { matvecs++; return tt.mul(laplacian(v, k), -o.time); };
  const expAt = (K: number) => tt.krylov.funmArnoldi('exp', { depth: K });
  const solveFit = expAt(depth);

  // Observations from the true field (reference depth), optionally with noise.
  const kTrue = tt.tensor(trueCoefficient(n));
  const u0s = initialStates(kStates, n, o.observations);
  const obsBar = ctx.progress(`observations (depth ${refDepth})`, o.observations, 'solves');
  const exact = u0s.map((u0) => { const d = expAt(refDepth)(matvec, u0, kTrue); obsBar.tick(); return d; });
  obsBar.done();
  const observed = exact.map((d, i) => {
    if (o.noise === 0) return d;
    const scale = o.noise * Math.sqrt(tt.mean(tt.square(d)).item());
    return tt.add(d, tt.mul(tt.random.normal(tt.random.foldIn(kNoise, i), [N]), scale));
  });
  const obsNorm2 = observed.map((d) => tt.sum(tt.square(d)).item());

  // Forward accuracy of the Krylov approximation versus depth.
  const forwardError = [...new Set([Math.max(2, Math.round(depth / 2)), depth, Math.round(1.5 * depth)])].filter((K) => K < refDepth)
    .map((K) => ({ depth: K, relErr: relErr(expAt(K)(matvec, u0s[0], kTrue).data(), exact[0].data()) }));
  ctx.table(`Forward accuracy of funmArnoldi('exp') on the ${n}×${n} grid (T = ${o.time}; reference depth ${refDepth})`,
    ['depth K', 'matvecs', 'relative error of u(T)'], forwardError.map((f) => [f.depth, f.depth, f.relErr]));

  // Parameterisation: log k = P θ (bilinear from a c × c control grid); start from k = 1.
  const P = bilinearMatrix(n, o.control);
  const fieldOf = (theta: tt.Tensor): tt.Tensor => tt.exp(tt.matmul(P, theta));
  const loss = (theta: tt.Tensor, solve = solveFit): tt.Tensor => {
    const k = fieldOf(theta);
    let total: tt.Tensor = tt.tensor(0);
    u0s.forEach((u0, i) => {
      const r = tt.sub(solve(matvec, u0, k), observed[i]);
      total = tt.add(total, tt.div(tt.sum(tt.square(r)), obsNorm2[i]));
    });
    return tt.div(total, u0s.length);
  };
  let theta = tt.zeros([o.control * o.control]);

  // Adjoint gradient versus the backprop baseline (every Arnoldi operation taped) at the initial guess.
  let t0 = performance.now();
  const gAdj = tt.grad((th: tt.Tensor) => loss(th))(theta) as tt.Tensor;
  const adjointSeconds = (performance.now() - t0) / 1000;
  let gradientCheck: PdeArnoldiResults['gradientCheck'] = null;
  if (o.backpropCheck && N <= 4096) {
    const backprop = tt.krylov.funmArnoldi('exp', { depth, gradient: 'backprop' });
    t0 = performance.now();
    const gBp = tt.grad((th: tt.Tensor) => loss(th, backprop))(theta) as tt.Tensor;
    const backpropSeconds = (performance.now() - t0) / 1000;
    gradientCheck = { relDiff: relErr(gAdj.data(), gBp.data()), adjointSeconds, backpropSeconds };
    ctx.log(`gradient at k = 1: Arnoldi adjoint vs backprop through the iteration: relative difference ${gradientCheck.relDiff.toExponential(2)}; `
      + `${adjointSeconds.toFixed(2)} s vs ${backpropSeconds.toFixed(2)} s`);
  } else {
    ctx.log(`gradient at k = 1 by the Arnoldi adjoint: ${adjointSeconds.toFixed(2)} s (backprop comparison skipped)`);
  }

  // Fit with Adam: one full-batch gradient per epoch.
  const opt = tt.optim.adam({ lr: o.lr });
  let state = opt.init(theta);
  const losses: number[] = [], fieldErrors: number[] = [];
  const kTrueData = kTrue.data();
  const kInitial = Array.from(fieldOf(theta).data());
  const bar = ctx.progress(`fitting k (${o.control}×${o.control} control values)`, o.epochs, 'epochs');
  matvecs = 0;
  t0 = performance.now();
  for (let e = 0; e < o.epochs; e++) {
    const [l, g] = tt.valueAndGrad((th: tt.Tensor) => loss(th))(theta);
    fieldErrors.push(relErr(fieldOf(theta).data(), kTrueData));
    losses.push(l.item());
    [theta, state] = opt.update(g, state, theta) as [tt.Tensor, typeof state];
    bar.tick(1, `loss ${l.item().toExponential(2)}`);
  }
  const secondsPerEpoch = (performance.now() - t0) / 1000 / o.epochs;
  const matvecsPerGradient = matvecs / o.epochs;
  bar.done();
  const kRecovered = Array.from(fieldOf(theta).data());
  const finalField = relErr(kRecovered, kTrueData);
  const finalLoss = tt.noGrad(() => loss(theta)).item();

  ctx.table(`Fit of k on the ${n}×${n} grid (${N} unknowns of u, ${o.control * o.control} parameters, ${o.observations} observations, depth ${depth})`,
    ['quantity', 'start', 'end'], [
      ['relative data misfit', losses[0], finalLoss],
      ['relative error of k', fieldErrors[0], finalField],
    ]);
  ctx.table('Cost', ['matvecs per gradient', 'of which forward', 'time per epoch [s]'],
    [[matvecsPerGradient, o.observations * depth, Number(secondsPerEpoch.toFixed(3))]]);

  ctx.writeSvg('fields', heatmaps([
    { title: 'true k', values: kTrueData },
    { title: 'initial guess', values: kInitial },
    { title: `recovered (${o.epochs} epochs)`, values: kRecovered },
  ], { rows: n, cols: n, title: `Diffusion coefficient on the ${n}×${n} grid` }));
  ctx.writeSvg('loss', plot({
    title: 'Fit of the diffusion coefficient', xLabel: 'epoch', yLabel: 'value', yLog: true,
    series: [{ label: 'relative data misfit', x: losses.map((_, i) => i), y: losses }, { label: 'relative error of k', x: fieldErrors.map((_, i) => i), y: fieldErrors }],
  }));

  const results: PdeArnoldiResults = {
    grid: n, unknowns: N, depth, referenceDepth: refDepth, forwardError, gradientCheck, losses, fieldErrors,
    matvecsPerGradient, secondsPerEpoch, kTrue: Array.from(kTrueData), kInitial, kRecovered,
  };
  ctx.writeJson(results);
  return results;
}
