/**
 * Seed 02 (BackPACK, Hutchinson trace estimation): the Hessian trace of a bias-free 784→20→10 sigmoid MLP with
 * cross-entropy on one batch of 256 real MNIST digits. Exact trace from the exact Hessian diagonal (closed form,
 * spot-checked — or, with --exact-by-hvp, computed entirely — by HVPs with unit vectors), Hutchinson estimates from
 * sequential tape HVPs, per-layer block HVPs and batched HVP sweeps (V_batch = 5, 10, 20), the convergence of 15
 * independent runs versus the number of samples, a runtime table, and GGN-vector products with the GGN trace.
 */
import * as tt from '../src/index.js';
import { type FlagSpec, type RunOptions, createContext, plot, resolveRunOptions, type Series } from './lib/index.js';
import { mnistBatch } from './lib/mnist.js';
import { type MlpData, type MlpParams, ggnDiagonal, hessianDiagonal, linearize, mlpLoss, numParams, sumParams } from './hessian-trace/mlp.js';
import {
  formsBatchedGgn, formsBatchedHvp, formsBatchedQuad, mean, runningMeans, stdDev,
  traceBlockHvp, traceSequentialGgn, traceSequentialHvp,
} from './hessian-trace/hutchinson.js';
import { unitCoordinates, unitVectorDiagonal } from './hessian-trace/unit-diagonal.js';

/** One line for the example list. */
export const description = 'Hutchinson Hessian trace of an MNIST MLP: exact vs sequential, block and batched HVPs; GGN trace (seed 02)';

/** Command-line flags. */
export const flags = {
  batch: { type: 'number', default: 256, integer: true, min: 10, help: 'MNIST images in the batch' },
  hidden: { type: 'number', default: 20, integer: true, min: 1, help: 'hidden units' },
  seed: { type: 'number', default: 0, integer: true, min: 0, help: 'seed of the weights and probes' },
  probes: { type: 'number', default: 200, integer: true, min: 1, help: 'probes per estimator in the runtime table (BackPACK uses 1000)' },
  curves: { type: 'number', default: 15, integer: true, min: 1, help: 'independent Hutchinson runs in the convergence plot' },
  maxSamples: { type: 'number', default: 300, integer: true, min: 10, help: 'largest sample count in the convergence plot' },
  plotBatch: { type: 'number', default: 20, integer: true, min: 1, help: 'V_batch of the sweeps behind the convergence plot' },
  ggnProbes: { type: 'number', default: 100, integer: true, min: 1, help: 'probes of the GGN trace estimators' },
  unitChecks: { type: 'number', default: 100, integer: true, min: 0, help: 'W1 coordinates whose diagonal entry is checked by a unit-vector HVP (all of W2 is checked too)' },
  exactByHvp: { type: 'boolean', default: false, help: 'compute the whole diagonal by unit-vector HVPs (all 15,880; a few minutes)' },
} satisfies FlagSpec;

/** One row of the runtime table. */
export interface RuntimeRow { method: string; vBatch: number | null; probes: number; estimate: number; seconds: number; speedup: number }

/** What `run` returns (and writes as JSON). */
export interface HessianTraceResults {
  numParams: number;
  loss: number;
  exactTrace: number;
  exactGgnTrace: number;
  /** How the diagonal behind exactTrace was checked: entries compared with unit-vector HVPs, and the largest |difference|. */
  diagonalCheck: { entries: number; maxAbsDiff: number; maxAbsDiag: number; byHvpTrace: number | null };
  runtime: RuntimeRow[];
  convergence: { sampleCounts: number[]; curves: number[][]; finalMean: number; finalStd: number; perProbeStd: number };
  ggn: { exact: number; sequential: number; batched: number; sequentialSeconds: number; batchedSeconds: number; probes: number; perProbeStd: number };
}

/** The model of seed 02 with PyTorch's default Linear initialisation (uniform ±1/√fan_in), drawn from `key`. */
export function initParams(key: tt.random.PRNGKey, inputs: number, hidden: number, classes: number): MlpParams {
  const [k1, k2] = tt.random.split(key, 2);
  const b1 = 1 / Math.sqrt(inputs), b2 = 1 / Math.sqrt(hidden);
  return {
    W1: tt.random.uniform(k1, [inputs, hidden], { minval: -b1, maxval: b1 }),
    W2: tt.random.uniform(k2, [hidden, classes], { minval: -b2, maxval: b2 }),
  };
}

/** Sample counts from 10 to `max`, about 30 of them, evenly spaced in log scale. */
export function logCounts(max: number, steps = 30): number[] {
  const out = new Set<number>();
  for (let i = 0; i < steps; i++) out.add(Math.round(10 ** (1 + (Math.log10(max) - 1) * i / (steps - 1))));
  return [...out].filter((n) => n >= 1 && n <= max).sort((a, b) => a - b);
}

/** Run the example. */
export async function run(options: RunOptions<typeof flags> = {}): Promise<HessianTraceResults> {
  const o = resolveRunOptions(flags, options);
  const ctx = createContext('hessian-trace', o);
  const [kModel, kProbes, kCurves, kChecks] = tt.random.split(tt.random.key(o.seed), 4);
  const batch = mnistBatch(o.batch);
  const data: MlpData = { X: batch.images, Y: batch.onehot };
  const params = initParams(kModel, 784, o.hidden, 10);
  const P = numParams(params);
  const loss = mlpLoss(params.W1, params.W2, data).item();
  ctx.log(`MLP 784→${o.hidden}→10 (sigmoid, no biases), ${P} parameters; cross-entropy on ${o.batch} MNIST digits: loss ${loss.toFixed(4)}`);

  // Exact traces from the closed-form diagonals, checked against unit-vector HVPs.
  const diag = hessianDiagonal(params, data);
  const exactTrace = sumParams(diag);
  const exactGgnTrace = sumParams(ggnDiagonal(params, data));
  const curv = linearize(params, data);
  const unitOptions = { all: o.exactByHvp, w1Samples: o.unitChecks, key: kChecks, vBatch: 20 };
  const checkBar = ctx.progress('unit-vector HVPs', unitCoordinates(params, unitOptions).length, 'probes');
  let checkLast = 0;
  const check = unitVectorDiagonal(curv, params, diag, unitOptions, (d) => { checkBar.tick(d - checkLast); checkLast = d; });
  checkBar.done(`max |Δ| ${check.maxAbsDiff.toExponential(2)}`);
  ctx.log(`exact Hessian trace ${exactTrace.toFixed(4)} (closed-form diagonal; ${check.entries} entries re-computed by unit-vector HVPs, max |Δ| = ${check.maxAbsDiff.toExponential(2)})`
    + (check.byHvpTrace === null ? '' : `; trace from all unit-vector HVPs ${check.byHvpTrace.toFixed(4)}`));
  ctx.log(`exact GGN trace     ${exactGgnTrace.toFixed(4)}`);

  // Runtime comparison on the same V probes.
  const V = o.probes;
  const runtime: RuntimeRow[] = [];
  const timed = (method: string, vBatch: number | null, f: (onProbes: (d: number) => void) => number): void => {
    const bar = ctx.progress(method + (vBatch ? ` (V_batch=${vBatch})` : ''), V, 'probes');
    let last = 0;
    const t0 = performance.now();
    const estimate = f((d) => { bar.tick(d - last); last = d; });
    const seconds = (performance.now() - t0) / 1000;
    bar.done();
    runtime.push({ method, vBatch, probes: V, estimate, seconds, speedup: 0 });
  };
  timed('sequential HVP (tt.hvp)', null, (cb) => traceSequentialHvp(params, data, kProbes, V, cb));
  timed('block-diagonal HVP (tt.hvp per layer)', null, (cb) => traceBlockHvp(params, data, kProbes, V, cb));
  for (const vb of [5, 10, 20]) timed('batched HVP', vb, (cb) => mean(formsBatchedHvp(curv, params, kProbes, V, vb, cb)));
  for (const vb of [5, 10, 20]) timed('batched vᵀHv (no Hv)', vb, (cb) => mean(formsBatchedQuad(curv, params, kProbes, V, vb, cb)));
  for (const r of runtime) r.speedup = runtime[0].seconds / r.seconds;
  ctx.table(`Hutchinson trace with ${V} Rademacher probes (exact ${exactTrace.toFixed(4)})`,
    ['method', 'V_batch', 'estimate', 'time [s]', 'speed-up'],
    runtime.map((r) => [r.method, r.vBatch, Number(r.estimate.toFixed(4)), Number(r.seconds.toFixed(2)), Number(r.speedup.toFixed(2))]));

  ctx.log('All rows use the same probes: the full-Hessian rows agree to rounding; the block-diagonal row drops the cross-layer terms '
    + '2·v1ᵀH12v2 of each quadratic form (zero in expectation), so its estimate differs while its expectation is the same trace.');

  // Convergence: `curves` independent probe streams, running means read off at log-spaced sample counts.
  const counts = logCounts(o.maxSamples);
  const curveKeys = tt.random.split(kCurves, o.curves);
  const convBar = ctx.progress('convergence runs', o.curves * o.maxSamples, 'probes');
  const curves: number[][] = [];
  const finals: number[] = [];
  const allForms: number[] = [];
  for (let c = 0; c < o.curves; c++) {
    let last = 0;
    const forms = formsBatchedQuad(curv, params, curveKeys[c], o.maxSamples, o.plotBatch, (d) => { convBar.tick(d - last); last = d; });
    curves.push(runningMeans(forms, counts));
    finals.push(curves[c][curves[c].length - 1]);
    allForms.push(...forms);
  }
  convBar.done();
  const perProbeStd = stdDev(allForms);
  const finalMean = mean(finals), finalStd = stdDev(finals);
  ctx.log(`convergence: ${o.curves} runs at ${o.maxSamples} samples: mean ${finalMean.toFixed(4)}, spread (std) ${finalStd.toFixed(4)}; `
    + `per-probe std ${perProbeStd.toFixed(3)} → predicted std ${(perProbeStd / Math.sqrt(o.maxSamples)).toFixed(4)}`);
  const series: Series[] = curves.map((ys, i) => ({ label: i === 0 ? 'Hutchinson runs' : undefined, x: counts, y: ys, color: '#D55E00', opacity: 0.45, width: 1.2 }));
  ctx.writeSvg('convergence', plot({
    title: `Hutchinson estimates of tr(H), ${o.curves} runs (MLP on ${o.batch} MNIST digits, ${P} parameters)`,
    xLabel: 'number of samples', yLabel: 'trace estimate', xLog: true, series,
    refLines: [{ axis: 'y', value: exactTrace, label: `exact ${exactTrace.toFixed(3)}`, color: '#0072B2' }],
  }));

  // GGN: sequential tape GGN-vector products versus batched sweeps, against the exact GGN trace.
  const gV = o.ggnProbes;
  const gBar = ctx.progress('GGN-vector products (tape)', gV, 'probes');
  let gLast = 0;
  let t0 = performance.now();
  const ggnSeq = traceSequentialGgn(params, data, kProbes, gV, (d) => { gBar.tick(d - gLast); gLast = d; });
  const ggnSeqS = (performance.now() - t0) / 1000;
  gBar.done();
  t0 = performance.now();
  const ggnForms = formsBatchedGgn(curv, params, kProbes, gV, 20);
  const ggnBatched = mean(ggnForms);
  const ggnBatchedS = (performance.now() - t0) / 1000;
  ctx.table(`GGN trace (${gV} probes)`, ['method', 'estimate', 'time [s]'], [
    ['exact (closed-form GGN diagonal)', Number(exactGgnTrace.toFixed(4)), null],
    ['sequential GGN-vp (tt.jvp + tt.vjp)', Number(ggnSeq.toFixed(4)), Number(ggnSeqS.toFixed(2))],
    ['batched GGN-vp (V_batch=20)', Number(ggnBatched.toFixed(4)), Number(ggnBatchedS.toFixed(2))],
  ]);

  const results: HessianTraceResults = {
    numParams: P, loss, exactTrace, exactGgnTrace,
    diagonalCheck: check,
    runtime,
    convergence: { sampleCounts: counts, curves, finalMean, finalStd, perProbeStd },
    ggn: { exact: exactGgnTrace, sequential: ggnSeq, batched: ggnBatched, sequentialSeconds: ggnSeqS, batchedSeconds: ggnBatchedS, probes: gV, perProbeStd: stdDev(ggnForms) },
  };
  ctx.writeJson(results);
  return results;
}
