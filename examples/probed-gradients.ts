/**
 * Seed 05 (randomized trace estimation for inversion): gradients estimated by probing.
 *  (a) XConv: a conv2d whose weight gradient is a probed trace estimate (forward keeps Zᵀx and a key, not x):
 *      gradient error vs the number of probes r, the memory it saves, and a short MNIST training run against
 *      exact gradients.
 *  (b) A 1-D acoustic FWI toy whose adjoint-state gradient is time-probed (r × N floats kept instead of n_t × N):
 *      the adjoint checked against tt.grad, error vs r, and a short inversion with exact vs probed gradients.
 *  (c) Randomized SVD (tt.krylov.randomizedSvd) of the FWI wavefield matrix u[t, x], accessed only through
 *      re-simulation (each block of products is one wave solve), against its exact singular values.
 */
import * as tt from '../src/index.js';
import { type FlagSpec, type RunOptions, createContext, fmtBytes, plot, resolveRunOptions, type Series } from './lib/index.js';
import { mnistBatch } from './lib/mnist.js';
import { type CnnParams, type ConvMode, accuracy, cnnLoss, convMemory, initCnn } from './probed-gradients/cnn.js';
import { dataRangeProbes, defaultSetup, misfitAndGradient, misfitTape, relErr, simulate, timeProbes, velocityModel } from './probed-gradients/wave1d.js';
import { runRandomizedSvd, type RsvdResults } from './probed-gradients/rsvd.js';
import { heldForBackward } from './probed-gradients/memory.js';

/** One line for the example list. */
export const description = 'Probed gradients: XConv weight gradients, time-probed FWI gradients, randomized SVD (seed 05)';

/** Command-line flags. */
export const flags = {
  seed: { type: 'number', default: 0, integer: true, min: 0, help: 'seed of weights, probes and data order' },
  maxProbes: { type: 'number', default: 128, integer: true, min: 2, help: 'largest r in the error-vs-r studies (powers of two from 2)' },
  reps: { type: 'number', default: 4, integer: true, min: 2, help: 'independent probe draws per r' },
  errorBatch: { type: 'number', default: 32, integer: true, min: 1, help: 'MNIST images in the gradient-error study' },
  trainSteps: { type: 'number', default: 60, integer: true, min: 0, help: 'Adam steps of each MNIST training run (0 skips training)' },
  trainBatch: { type: 'number', default: 50, integer: true, min: 1, help: 'mini-batch size of the training runs' },
  trainProbes: { type: 'number', default: 16, integer: true, min: 1, help: 'r of the probed training run' },
  testSize: { type: 'number', default: 1000, integer: true, min: 10, help: 'held-out MNIST images for the accuracy' },
  grid: { type: 'number', default: 151, integer: true, min: 21, help: 'FWI grid points N' },
  steps: { type: 'number', default: 500, integer: true, min: 50, help: 'FWI time steps n_t' },
  fwiIters: { type: 'number', default: 30, integer: true, min: 0, help: 'Adam iterations of each FWI inversion (0 skips it)' },
  fwiProbes: { type: 'number', default: 16, integer: true, min: 1, help: 'r of the probed FWI inversion' },
  memChannels: { type: 'number', default: 16, integer: true, min: 1, help: 'channels of the 4-layer conv stack whose memory is measured' },
  memSize: { type: 'number', default: 32, integer: true, min: 4, help: 'image size of the measured conv stack (batch 8)' },
  svdRank: { type: 'number', default: 10, integer: true, min: 1, help: 'target rank of the randomized SVD of the wavefield matrix' },
} satisfies FlagSpec;

/** Error of a probed gradient at one r. */
export interface ErrorRow { r: number; meanRelErr: number; relErrs: number[] }

/** What `run` returns (and writes as JSON). */
export interface ProbedGradientResults {
  xconv: {
    errors: { conv1: ErrorRow[]; conv2: ErrorRow[] };
    slopes: { conv1: number; conv2: number };
    memory: { layer: string; exact: number; probed: number }[];
    /** Measured bytes held between forward and backward by a 4-layer conv stack (null without --expose-gc). */
    measuredMemory: { exactBytes: number | null; probedBytes: number | null; probes: number; shape: number[] };
    training: { mode: string; finalLoss: number; testAccuracy: number; seconds: number; losses: number[] }[];
  };
  fwi: {
    n: number; nt: number;
    adjointVsTape: number;
    errors: ErrorRow[];
    dataRangeErrors: ErrorRow[];
    slope: number;
    memory: { exact: number; probed: number; r: number };
    inversion: { mode: string; misfits: number[]; modelErr: number[] }[];
  };
  rsvd: RsvdResults;
}

/** Least-squares slope of log(y) against log(x). */
export function logSlope(xs: readonly number[], ys: readonly number[]): number {
  const lx = xs.map(Math.log), ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length, my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let num = 0, den = 0;
  for (let i = 0; i < lx.length; i++) { num += (lx[i] - mx) * (ly[i] - my); den += (lx[i] - mx) ** 2; }
  return num / den;
}

function powersOfTwo(max: number): number[] {
  const out: number[] = [];
  for (let r = 2; r <= max; r *= 2) out.push(r);
  return out;
}

/** Run the example. */
export async function run(options: RunOptions<typeof flags> = {}): Promise<ProbedGradientResults> {
  const o = resolveRunOptions(flags, options);
  const ctx = createContext('probed-gradients', o);
  const [kInit, kErr, kTrain, kFwi, kSvd] = tt.random.split(tt.random.key(o.seed), 5);
  const rs = powersOfTwo(o.maxProbes);

  // (a1) XConv gradient error vs r on one batch, both convolutions probed at once.
  const eb = mnistBatch(o.errorBatch, 0);
  const params0 = initCnn(kInit);
  const gradOf = (mode: ConvMode): CnnParams => tt.grad((p: CnnParams) => cnnLoss(p, eb.images, eb.labels, mode))(params0) as CnnParams;
  const exact = gradOf({ kind: 'exact' });
  const e1 = exact.w1.data(), e2 = exact.w2.data();
  const conv1: ErrorRow[] = [], conv2: ErrorRow[] = [];
  const errBar = ctx.progress('XConv gradient error vs r', rs.length * o.reps, 'gradients');
  for (const r of rs) {
    const a: number[] = [], b: number[] = [];
    for (let k = 0; k < o.reps; k++) {
      const g = gradOf({ kind: 'probed', probes: r, key: tt.random.foldIn(kErr, r * 1000 + k) });
      a.push(relErr(g.w1.data(), e1));
      b.push(relErr(g.w2.data(), e2));
      errBar.tick();
    }
    conv1.push({ r, meanRelErr: mean(a), relErrs: a });
    conv2.push({ r, meanRelErr: mean(b), relErrs: b });
  }
  errBar.done();
  const slopes = { conv1: logSlope(rs, conv1.map((e) => e.meanRelErr)), conv2: logSlope(rs, conv2.map((e) => e.meanRelErr)) };
  const memory = convMemory(o.trainBatch, o.trainProbes);
  ctx.table(`XConv: relative error of the probed weight gradient (mean of ${o.reps} draws; batch ${o.errorBatch})`,
    ['r', 'conv1 (28×28 input)', 'conv2 (14×14 input)', 'conv1 kept floats', 'conv2 kept floats'],
    rs.map((r, i) => [r, Number(conv1[i].meanRelErr.toFixed(4)), Number(conv2[i].meanRelErr.toFixed(4)),
      `${o.errorBatch * r} vs ${o.errorBatch * 784}`, `${o.errorBatch * 8 * r} vs ${o.errorBatch * 8 * 196}`]));
  ctx.log(`log-log slope of error vs r: conv1 ${slopes.conv1.toFixed(3)}, conv2 ${slopes.conv2.toFixed(3)} (1/√r predicts −0.5)`);

  // Measured memory held for backward by a 4-layer conv stack, exact vs probed (r = trainProbes).
  const stack = { batch: 8, channels: o.memChannels, size: o.memSize, probes: o.trainProbes };
  const probedMem = heldForBackward('probed', stack);
  const exactMem = heldForBackward('exact', stack);
  const measuredMemory = { exactBytes: exactMem.bytes, probedBytes: probedMem.bytes, probes: o.trainProbes, shape: [8, o.memChannels, o.memSize, o.memSize] };
  if (exactMem.bytes !== null && probedMem.bytes !== null) {
    ctx.log(`memory held between forward and backward by 4 conv layers on [8, ${o.memChannels}, ${o.memSize}, ${o.memSize}]: `
      + `exact conv2d ${fmtBytes(exactMem.bytes)} (inputs and their im2col columns), XConv r=${o.trainProbes} ${fmtBytes(probedMem.bytes)} `
      + `(${(exactMem.bytes / Math.max(1, probedMem.bytes)).toFixed(1)}× less; what remains is mostly the layer outputs the tape keeps)`);
  } else {
    ctx.log('memory measurement skipped: run node with --expose-gc');
  }

  // (a2) Short MNIST training: exact vs probed gradients, same data order and initialisation.
  const training: ProbedGradientResults['xconv']['training'] = [];
  if (o.trainSteps > 0) {
    const nTrain = Math.min(o.trainSteps * o.trainBatch, 4000);
    const train = mnistBatch(nTrain, 0);
    const test = mnistBatch(o.testSize, 500);
    const trainX = train.images.data();
    for (const mode of ['exact', `probed r=${o.trainProbes}`]) {
      let p = params0;
      const opt = tt.optim.adam({ lr: 0.01 });
      let state = opt.init(p);
      const losses: number[] = [];
      const bar = ctx.progress(`MNIST training, ${mode}`, o.trainSteps, 'steps');
      const t0 = performance.now();
      for (let step = 0; step < o.trainSteps; step++) {
        const i0 = (step * o.trainBatch) % nTrain;
        const nb = Math.min(o.trainBatch, nTrain - i0);
        const xb = tt.tensor(trainX.slice(i0 * 784, (i0 + nb) * 784), { shape: [nb, 784] });
        const lb = train.labels.slice(i0, i0 + nb);
        const cm: ConvMode = mode === 'exact' ? { kind: 'exact' } : { kind: 'probed', probes: o.trainProbes, key: tt.random.foldIn(kTrain, step) };
        const [loss, g] = tt.valueAndGrad((pp: CnnParams) => cnnLoss(pp, xb, lb, cm))(p);
        [p, state] = opt.update(g, state, p) as [CnnParams, typeof state];
        losses.push(loss.item());
        bar.tick(1, `loss ${loss.item().toFixed(3)}`);
      }
      const seconds = (performance.now() - t0) / 1000;
      bar.done();
      const tail = losses.slice(-10);
      training.push({ mode, finalLoss: mean(tail), testAccuracy: accuracy(p, test.images, test.labels), seconds, losses });
    }
    const mem = memory.map((m) => `${m.layer}: ${fmtBytes(8 * m.probed)} vs ${fmtBytes(8 * m.exact)} (${(m.exact / m.probed).toFixed(1)}× less)`);
    ctx.table(`MNIST CNN, ${o.trainSteps} Adam steps of ${o.trainBatch} images; accuracy on ${o.testSize} held-out digits`,
      ['gradients', 'train loss (last 10)', 'test accuracy', 'time [s]'],
      training.map((t) => [t.mode, Number(t.finalLoss.toFixed(4)), Number(t.testAccuracy.toFixed(4)), Number(t.seconds.toFixed(1))]));
    ctx.log(`memory kept for the weight gradients per step (float64): ${mem.join('; ')}`);
  }

  // (b) FWI toy: adjoint checked against the tape, then time-probing error vs r and a short inversion.
  const setup = defaultSetup(o.grid, o.steps);
  const sTrue = velocityModel(setup, 1.5, [[0.55, 0.06, 0.9], [0.75, 0.05, -0.6]]);
  const sInit = velocityModel(setup, 1.5, []);
  const observed = simulate(setup, sTrue);
  const exactFwi = misfitAndGradient(setup, sInit, observed);
  const tapeGrad = tt.grad((s: tt.Tensor) => misfitTape(setup, s, observed))(tt.tensor(sInit)) as tt.Tensor;
  const adjointVsTape = relErr(exactFwi.grad, tapeGrad.data());
  ctx.log(`FWI toy: N = ${setup.n}, n_t = ${setup.nt}, ${setup.receivers.length} receivers; adjoint-state gradient vs tt.grad through the time loop: relative difference ${adjointVsTape.toExponential(2)}`);
  const fwiErrors: ErrorRow[] = [], fwiDataErrors: ErrorRow[] = [];
  const nrec = setup.receivers.length;
  const fwiBar = ctx.progress('FWI time-probing error vs r', rs.length * o.reps, 'gradients');
  for (const r of rs) {
    const errs: number[] = [], dataErrs: number[] = [];
    for (let k = 0; k < o.reps; k++) {
      const kr = tt.random.foldIn(kFwi, r * 1000 + k);
      errs.push(relErr(misfitAndGradient(setup, sInit, observed, timeProbes(kr, r, setup.nt), r).grad, exactFwi.grad));
      dataErrs.push(relErr(misfitAndGradient(setup, sInit, observed, dataRangeProbes(kr, observed, setup.nt, nrec, r), r).grad, exactFwi.grad));
      fwiBar.tick();
    }
    fwiErrors.push({ r, meanRelErr: mean(errs), relErrs: errs });
    fwiDataErrors.push({ r, meanRelErr: mean(dataErrs), relErrs: dataErrs });
  }
  fwiBar.done();
  const fwiSlope = logSlope(rs, fwiErrors.map((e) => e.meanRelErr));
  ctx.table(`FWI: relative error of the time-probed gradient (mean of ${o.reps} draws)`,
    ['r', 'Rademacher probes', 'data-range probes (QR of D Dᵀ Z)', 'kept floats (probed)', 'kept floats (exact)'],
    fwiErrors.map((e, i) => [e.r, Number(e.meanRelErr.toFixed(4)), Number(fwiDataErrors[i].meanRelErr.toFixed(4)), 2 * e.r * setup.n, setup.nt * setup.n]));
  ctx.log(`log-log slope of the Rademacher error vs r: ${fwiSlope.toFixed(3)} (1/√r predicts −0.5); data-range probes (${nrec} receivers) project onto the data's time range instead (biased, far smaller error)`);

  const inversion: ProbedGradientResults['fwi']['inversion'] = [];
  if (o.fwiIters > 0) {
    const modes = ['exact', `Rademacher probes r=${o.fwiProbes}`, `data-range probes r=${o.fwiProbes}`];
    for (const [mi, mode] of modes.entries()) {
      let s = tt.tensor(sInit);
      const opt = tt.optim.adam({ lr: 0.02 });
      let state = opt.init(s);
      const misfits: number[] = [], modelErr: number[] = [];
      const bar = ctx.progress(`FWI inversion, ${mode}`, o.fwiIters, 'iterations');
      for (let it = 0; it < o.fwiIters; it++) {
        const sData = s.data() as Float64Array;
        const kIt = tt.random.foldIn(kFwi, 10_000_000 + it);
        const Q = mi === 0 ? null : mi === 1 ? timeProbes(kIt, o.fwiProbes, setup.nt) : dataRangeProbes(kIt, observed, setup.nt, nrec, o.fwiProbes);
        const res = misfitAndGradient(setup, sData, observed, Q, mi === 0 ? 0 : o.fwiProbes);
        misfits.push(res.misfit);
        modelErr.push(relErr(sData, sTrue));
        [s, state] = opt.update(tt.tensor(res.grad), state, s) as [tt.Tensor, typeof state];
        bar.tick(1, `misfit ${res.misfit.toExponential(2)}`);
      }
      bar.done();
      inversion.push({ mode, misfits, modelErr });
    }
    ctx.table(`FWI inversion, ${o.fwiIters} Adam iterations`, ['gradient', 'misfit start', 'misfit end', 'model error start', 'model error end'],
      inversion.map((v) => [v.mode, v.misfits[0], v.misfits[v.misfits.length - 1], Number(v.modelErr[0].toFixed(4)), Number(v.modelErr[v.modelErr.length - 1].toFixed(4))]));
  }

  // (c) Randomized SVD of a matrix-free operator.
  const rsvd = runRandomizedSvd(ctx, kSvd, setup, sTrue, o.svdRank);

  // Figures.
  const refLine = (scale: number): Series => ({ label: '∝ 1/√r', x: rs, y: rs.map((r) => scale / Math.sqrt(r)), dashed: true, color: '#000000', width: 1 });
  ctx.writeSvg('error-vs-probes', plot({
    title: 'Probed gradients: relative error vs number of probes r', xLabel: 'probes r', yLabel: 'relative gradient error', xLog: true, yLog: true, legend: 'bottom-left',
    series: [
      { label: 'XConv conv1', x: rs, y: conv1.map((e) => e.meanRelErr), kind: 'both' },
      { label: 'XConv conv2', x: rs, y: conv2.map((e) => e.meanRelErr), kind: 'both' },
      { label: 'FWI time probing (Rademacher)', x: rs, y: fwiErrors.map((e) => e.meanRelErr), kind: 'both' },
      { label: 'FWI time probing (data range)', x: rs, y: fwiDataErrors.map((e) => e.meanRelErr), kind: 'both' },
      refLine(fwiErrors[0].meanRelErr * Math.sqrt(rs[0])),
    ],
  }));
  if (training.length > 0) {
    ctx.writeSvg('training', plot({
      title: 'MNIST CNN training loss: exact vs probed weight gradients', xLabel: 'Adam step', yLabel: 'mini-batch loss',
      series: training.map((t) => ({ label: `${t.mode} (test acc ${(100 * t.testAccuracy).toFixed(1)}%)`, x: t.losses.map((_, i) => i + 1), y: t.losses })),
    }));
  }
  if (inversion.length > 0) {
    ctx.writeSvg('fwi-misfit', plot({
      title: 'FWI toy: data misfit during inversion', xLabel: 'iteration', yLabel: 'misfit', yLog: true,
      series: inversion.map((v) => ({ label: v.mode, x: v.misfits.map((_, i) => i), y: v.misfits })),
    }));
  }

  const results: ProbedGradientResults = {
    xconv: { errors: { conv1, conv2 }, slopes, memory, measuredMemory, training },
    fwi: {
      n: setup.n, nt: setup.nt, adjointVsTape, errors: fwiErrors, dataRangeErrors: fwiDataErrors, slope: fwiSlope,
      memory: { exact: setup.nt * setup.n, probed: 2 * o.fwiProbes * setup.n, r: o.fwiProbes }, inversion,
    },
    rsvd,
  };
  ctx.writeJson(results);
  return results;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
