/**
 * Example: stochastic trace estimation with minimal memory (seed 01, after matfree's tutorial). The same Hutchinson
 * estimate of tr A(θ) and its gradient w.r.t. θ are computed three ways: all probes at once (memory n × probes),
 * chunked (probes streamed chunkSize at a time: small in a plain forward pass, but reverse mode still keeps every
 * chunk's intermediates), and chunked + checkpointed (backward recomputes each chunk, so memory stays O(n × chunk)
 * in both passes). The probes are the same in all three, so the numbers agree to rounding; the peak memory
 * (process.memoryUsage: JS heap + ArrayBuffers above a post-GC baseline, sampled after a GC at every matvec and in
 * the backward pass) is what differs.
 *
 * The operator is a parameterised tridiagonal matrix on n = 10⁵ unknowns, applied matrix-free:
 *   A(θ, c) v = exp(θ) ⊙ v + c·(2v − v₋ − v₊),   tr A = Σ exp(θᵢ) + 2cn,   ∂tr/∂θ = exp(θ),   ∂tr/∂c = 2n.
 * With Rademacher probes the diagonal part of the estimate is exact, so the estimated gradient w.r.t. θ equals
 * exp(θ) exactly, and the trace estimate differs from the exact value only through the off-diagonal coupling.
 */
import * as tt from '../src/index.js';
import { collectGarbage, createContext, fmtBytes, liveBytes, plot, resolveRunOptions, type FlagSpec, type RunOptions } from './lib/index.js';

/** One line for the example list. */
export const description = 'Hutchinson trace + gradient: all-at-once vs chunked vs chunked+checkpointed, peak memory of each';

/** Command-line flags. */
export const flags = {
  n: { type: 'number', default: 100_000, integer: true, min: 3, help: 'matrix size (rows of the matrix-free operator)' },
  probes: { type: 'number', default: 40, integer: true, min: 2, help: 'number of Rademacher probes' },
  chunkSize: { type: 'number', default: 2, integer: true, min: 1, help: 'probes per chunk for the chunked estimators' },
  coupling: { type: 'number', default: 0.25, help: 'off-diagonal coupling c' },
  seed: { type: 'number', default: 1, integer: true, min: 0, help: 'PRNG seed' },
} as const satisfies FlagSpec;

/** Parameters of the operator. */
interface OperatorParams {
  logDiag: tt.Tensor;
  coupling: tt.Tensor;
}

/** The results of one estimator variant. */
export interface VariantResult {
  variant: string;
  chunkSize: number;
  checkpoint: boolean;
  trace: number;
  /** Gradient w.r.t. the coupling c (a noisy estimate of 2n). */
  gradCoupling: number;
  /** max |∂/∂θ estimate − exp(θ)| (exactly 0 in exact arithmetic for Rademacher probes). */
  gradThetaError: number;
  /** Max |gradient − gradient of the all-at-once variant| over all entries. */
  gradDiffVsAllAtOnce: number;
  /** Peak heap + ArrayBuffer growth during a value-only evaluation. */
  peakForwardBytes: number;
  /** Memory still held by the tape between forward and backward (after a GC). */
  retainedBytes: number;
  /** Peak heap + ArrayBuffer growth during value-and-gradient. */
  peakGradBytes: number;
  seconds: number;
}

/** What `run` returns (and writes as JSON). */
export interface LowMemoryResults {
  n: number;
  probes: number;
  exactTrace: number;
  exactGradCoupling: number;
  gcAvailable: boolean;
  variants: VariantResult[];
}

/**
 * Samples peak live memory from inside the computation: the matvec (forward and recomputation) and a tap in the
 * backward pass call `tick`, which runs a full GC first when node has --expose-gc, so the sample is what is
 * actually reachable at that point (not garbage awaiting collection).
 */
class Sampler {
  private base = 0;
  private peak = 0;
  constructor(private readonly exact: boolean) {}
  start(): void { collectGarbage(); this.base = liveBytes(); this.peak = this.base; }
  tick(): void { if (this.exact) collectGarbage(1); const b = liveBytes(); if (b > this.peak) this.peak = b; }
  peakBytes(): number { this.tick(); return Math.max(0, this.peak - this.base); }
  since(): number { return Math.max(0, liveBytes() - this.base); }
}

/** Identity whose forward and backward both sample memory (so the backward pass is observed too). */
function memoryTap(sampler: Sampler): (x: tt.Tensor) => tt.Tensor {
  return tt.customVjp(
    (x: tt.Tensor) => x,
    (x: tt.Tensor) => { sampler.tick(); return [x, null]; },
    (_res: null, g: tt.PyTree) => { sampler.tick(); return [g]; },
  );
}

/** The matrix-free operator A(θ, c) v (shifts by slice/concat; everything differentiable in θ and c). */
function makeMatvec(n: number, memory: Sampler): (v: tt.Tensor, p: OperatorParams) => tt.Tensor {
  const zero = tt.zeros([1]);
  const tap = memoryTap(memory);
  return (v, p) => {
    memory.tick();
    const down = tt.concat([zero, tt.slice(v, [0], [n - 1])]); // v_{i−1}
    const up = tt.concat([tt.slice(v, [1], [n - 1]), zero]); // v_{i+1}
    const lap = tt.sub(tt.mul(v, 2), tt.add(down, up));
    return tap(tt.add(tt.mul(tt.exp(p.logDiag), v), tt.mul(lap, p.coupling)));
  };
}

/** What measureVariant needs. */
interface VariantSetup {
  matvec: (v: tt.Tensor, p: OperatorParams) => tt.Tensor;
  sampler: tt.stochtrace.Sampler;
  integrand: tt.stochtrace.Integrand<OperatorParams, tt.Tensor>;
  key: tt.random.PRNGKey;
  params: OperatorParams;
  expTheta: Float64Array;
  memory: Sampler;
  reference: Float64Array | null;
  onPass: () => void;
}

/**
 * Value-only pass, then value-and-gradient (forward, what the tape holds, backward) for one estimator variant.
 * A separate function so that nothing of this variant (tape, probes) is still reachable when the next one measures.
 */
function measureVariant(v: { name: string; chunkSize: number; checkpoint: boolean }, s: VariantSetup): { result: VariantResult; gradient: Float64Array } {
  const { memory, params, expTheta } = s;
  const n = expTheta.length;
  const estimate = tt.stochtrace.estimator(s.integrand, s.sampler, { chunkSize: v.chunkSize, checkpoint: v.checkpoint });
  const f = (p: OperatorParams): tt.Tensor => estimate(s.matvec, s.key, p) as tt.Tensor;
  const t0 = performance.now();
  // 1) Value only: no tape, so chunking alone bounds memory.
  memory.start();
  const value = tt.noGrad(() => f(params)).item();
  const peakForwardBytes = memory.peakBytes();
  s.onPass();
  // 2) Value and gradient: the forward pass, what the tape holds until backward, then the backward pass.
  memory.start();
  const [out, pullback] = tt.vjp(f, params);
  collectGarbage();
  const retainedBytes = memory.since();
  memory.tick();
  s.onPass();
  const [grads] = pullback(tt.tensor(1)) as [OperatorParams];
  const peakGradBytes = memory.peakBytes();
  s.onPass();
  const seconds = (performance.now() - t0) / 1000;
  const gTheta = grads.logDiag.data();
  let gradThetaError = 0;
  for (let i = 0; i < n; i++) gradThetaError = Math.max(gradThetaError, Math.abs(gTheta[i] - expTheta[i]));
  const gradient = new Float64Array(n + 1);
  gradient.set(gTheta);
  gradient[n] = grads.coupling.item();
  let gradDiffVsAllAtOnce = 0;
  if (s.reference !== null) for (let i = 0; i <= n; i++) gradDiffVsAllAtOnce = Math.max(gradDiffVsAllAtOnce, Math.abs(gradient[i] - s.reference[i]));
  if (Math.abs(out.item() - value) > 1e-9 * Math.abs(value)) throw new Error(`${v.name}: value ${value} and vjp value ${out.item()} differ`);
  return {
    result: {
      variant: v.name, chunkSize: v.chunkSize, checkpoint: v.checkpoint, trace: value, gradCoupling: gradient[n],
      gradThetaError, gradDiffVsAllAtOnce, peakForwardBytes, retainedBytes, peakGradBytes, seconds,
    },
    gradient,
  };
}

/** Run the example. */
export async function run(options: RunOptions<typeof flags> = {}): Promise<LowMemoryResults> {
  const o = resolveRunOptions(flags, options);
  const ctx = createContext('low-memory-trace', o);
  const n = o.n;
  const [kTheta, kProbe] = tt.random.split(tt.random.key(o.seed), 2);
  const params: OperatorParams = {
    logDiag: tt.mul(tt.random.uniform(kTheta, [n]), 0.5),
    coupling: tt.tensor(o.coupling),
  };
  const expTheta = Float64Array.from(tt.exp(params.logDiag).data());
  let exactTrace = 2 * o.coupling * n;
  for (let i = 0; i < n; i++) exactTrace += expTheta[i];
  const gcAvailable = collectGarbage();
  if (!gcAvailable) ctx.log('note: run node with --expose-gc for exact memory baselines (npm run example does)');
  ctx.log(`operator: n = ${n}, ${o.probes} Rademacher probes; one probe block of n × probes float64 = ${fmtBytes(8 * n * o.probes)}`);

  const memory = new Sampler(gcAvailable);
  const matvec = makeMatvec(n, memory);
  const sampler = tt.stochtrace.rademacher([n], { num: o.probes });
  const integrand = tt.stochtrace.trace<OperatorParams>();
  const variants: { name: string; chunkSize: number; checkpoint: boolean }[] = [
    { name: 'all at once', chunkSize: o.probes, checkpoint: false },
    { name: 'chunked', chunkSize: o.chunkSize, checkpoint: false },
    { name: 'chunked + checkpoint', chunkSize: o.chunkSize, checkpoint: true },
  ];
  const bar = ctx.progress('estimators', 3 * variants.length, 'passes');
  const results: VariantResult[] = [];
  let reference: Float64Array | null = null;
  for (const v of variants) {
    const { result, gradient } = measureVariant(v, { matvec, sampler, integrand, key: kProbe, params, expTheta, memory, reference, onPass: () => bar.tick(1) });
    reference ??= gradient;
    results.push(result);
  }
  bar.done();

  ctx.table(`Hutchinson estimate of tr A and its gradient, n = ${n}, ${o.probes} probes (exact trace ${exactTrace.toFixed(2)}, ∂/∂c = ${2 * n})`,
    ['variant', 'chunk', 'trace estimate', '∂/∂c', 'max|∂θ − exp θ|', 'max|Δgrad| vs all', 'peak (value)', 'held for backward', 'peak (grad)', 'time s'],
    results.map((r) => [r.variant, r.chunkSize, r.trace.toFixed(4), r.gradCoupling.toFixed(3), r.gradThetaError, r.gradDiffVsAllAtOnce,
      fmtBytes(r.peakForwardBytes), fmtBytes(r.retainedBytes), fmtBytes(r.peakGradBytes), r.seconds]));
  const out: LowMemoryResults = { n, probes: o.probes, exactTrace, exactGradCoupling: 2 * n, gcAvailable, variants: results };
  const mib = (b: number): number => b / 2 ** 20;
  ctx.writeSvg('memory', plot({
    title: `Peak memory, n = ${n}, ${o.probes} probes, chunk ${o.chunkSize}`,
    xLabel: 'variant (1 = all at once, 2 = chunked, 3 = chunked + checkpoint)', yLabel: 'MiB above baseline',
    series: [
      { label: 'value only', x: [1, 2, 3], y: results.map((r) => mib(r.peakForwardBytes)), kind: 'both' },
      { label: 'held for backward', x: [1, 2, 3], y: results.map((r) => mib(r.retainedBytes)), kind: 'both' },
      { label: 'value + gradient', x: [1, 2, 3], y: results.map((r) => mib(r.peakGradBytes)), kind: 'both' },
    ],
    xRange: [0.7, 3.3],
  }));
  ctx.writeJson({ options: { n: o.n, probes: o.probes, chunkSize: o.chunkSize, coupling: o.coupling, seed: o.seed }, ...out });
  return out;
}
