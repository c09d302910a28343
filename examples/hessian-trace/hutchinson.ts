/**
 * Hutchinson estimators of the MLP's Hessian (and GGN) trace, one per way of multiplying with the curvature:
 * sequential tape HVPs (tt.hvp, one probe at a time), per-layer block HVPs (tt.hvp on one weight matrix at a time,
 * the block-diagonal Hessian whose trace equals the full one), and batched sweeps of V probes (mlp.ts).
 * Probes are Rademacher vectors from tt.random; probe i of a run is drawn from foldIn(key, i) in every variant,
 * so the variants see the same probes and differ only in how the products are computed.
 */
import * as tt from '../../src/index.js';
import { type Curvature, type MlpData, type MlpParams, type ProbeBlock, ggnVp, mlpLoss } from './mlp.js';

/** Called after each probe (or block of probes) with the number done so far. */
export type OnProbes = (done: number) => void;

/** Probes i0 … i0+V−1 as a block: probe i is rademacher(foldIn(key, i)) split into the two weight shapes. */
export function probeBlock(key: tt.random.PRNGKey, params: MlpParams, i0: number, V: number): ProbeBlock {
  const n1 = params.W1.size, n2 = params.W2.size;
  const v1 = new Float64Array(V * n1), v2 = new Float64Array(V * n2);
  for (let k = 0; k < V; k++) {
    const v = tt.random.rademacher(tt.random.foldIn(key, i0 + k), [n1 + n2]).data();
    v1.set(v.subarray(0, n1), k * n1);
    v2.set(v.subarray(n1), k * n2);
  }
  return { V1: tt.tensor(v1, { shape: [V, ...params.W1.shape] }), V2: tt.tensor(v2, { shape: [V, ...params.W2.shape] }) };
}

/** Probe i alone, shaped like the parameters. */
export function probe(key: tt.random.PRNGKey, params: MlpParams, i: number): MlpParams {
  const b = probeBlock(key, params, i, 1);
  return { W1: tt.reshape(b.V1, params.W1.shape), W2: tt.reshape(b.V2, params.W2.shape) };
}

function vdot(a: tt.Tensor, b: tt.Tensor): number {
  return tt.sum(tt.mul(a, b)).item();
}

/** Trace estimate from V sequential full-Hessian HVPs through the tape (tt.hvp). */
export function traceSequentialHvp(params: MlpParams, data: MlpData, key: tt.random.PRNGKey, V: number, onProbes?: OnProbes): number {
  const loss = (W1: tt.Tensor, W2: tt.Tensor): tt.Tensor => mlpLoss(W1, W2, data);
  let acc = 0;
  for (let i = 0; i < V; i++) {
    const v = probe(key, params, i);
    const [h1, h2] = tt.hvp(loss, [params.W1, params.W2], [v.W1, v.W2]) as tt.Tensor[];
    acc += vdot(h1, v.W1) + vdot(h2, v.W2);
    onProbes?.(i + 1);
  }
  return acc / V;
}

/** Trace estimate from V rounds of per-layer HVPs through the tape (the block-diagonal Hessian, one tt.hvp per layer). */
export function traceBlockHvp(params: MlpParams, data: MlpData, key: tt.random.PRNGKey, V: number, onProbes?: OnProbes): number {
  const lossW1 = (W1: tt.Tensor): tt.Tensor => mlpLoss(W1, params.W2, data);
  const lossW2 = (W2: tt.Tensor): tt.Tensor => mlpLoss(params.W1, W2, data);
  let acc = 0;
  for (let i = 0; i < V; i++) {
    const v = probe(key, params, i);
    const [h1] = tt.hvp(lossW1, [params.W1], [v.W1]) as tt.Tensor[];
    const [h2] = tt.hvp(lossW2, [params.W2], [v.W2]) as tt.Tensor[];
    acc += vdot(h1, v.W1) + vdot(h2, v.W2);
    onProbes?.(i + 1);
  }
  return acc / V;
}

/** Per-probe quadratic forms vᵢᵀ(M vᵢ) for i < V, computed in sweeps of `vBatch` probes by `sweep`. */
function batchedForms(params: MlpParams, key: tt.random.PRNGKey, V: number, vBatch: number, sweep: (b: ProbeBlock) => Float64Array, onProbes?: OnProbes): Float64Array {
  const out = new Float64Array(V);
  for (let i0 = 0; i0 < V; i0 += vBatch) {
    const n = Math.min(vBatch, V - i0);
    out.set(sweep(probeBlock(key, params, i0, n)), i0);
    onProbes?.(i0 + n);
  }
  return out;
}

/** Σ_k ⟨a_k, b_k⟩ per probe for two blocks. */
function blockDots(a: ProbeBlock, b: ProbeBlock): Float64Array {
  const q1 = tt.sum(tt.mul(a.V1, b.V1), [1, 2]), q2 = tt.sum(tt.mul(a.V2, b.V2), [1, 2]);
  return Float64Array.from(tt.add(q1, q2).data());
}

/** Per-probe values vᵢᵀHvᵢ from batched HVPs (V_batch full products H v per sweep). */
export function formsBatchedHvp(curv: Curvature, params: MlpParams, key: tt.random.PRNGKey, V: number, vBatch: number, onProbes?: OnProbes): Float64Array {
  return batchedForms(params, key, V, vBatch, (b) => blockDots(b, curv.hvp(b)), onProbes);
}

/** Per-probe values vᵢᵀHvᵢ from batched quadratic forms (no Hv materialised). */
export function formsBatchedQuad(curv: Curvature, params: MlpParams, key: tt.random.PRNGKey, V: number, vBatch: number, onProbes?: OnProbes): Float64Array {
  return batchedForms(params, key, V, vBatch, (b) => curv.quadForms(b), onProbes);
}

/** Per-probe values vᵢᵀGvᵢ from batched GGN-vector products. */
export function formsBatchedGgn(curv: Curvature, params: MlpParams, key: tt.random.PRNGKey, V: number, vBatch: number, onProbes?: OnProbes): Float64Array {
  return batchedForms(params, key, V, vBatch, (b) => blockDots(b, curv.ggnVp(b)), onProbes);
}

/** GGN trace estimate from V sequential GGN-vector products through the tape (tt.jvp + tt.vjp). */
export function traceSequentialGgn(params: MlpParams, data: MlpData, key: tt.random.PRNGKey, V: number, onProbes?: OnProbes): number {
  let acc = 0;
  for (let i = 0; i < V; i++) {
    const v = probe(key, params, i);
    const g = ggnVp(params, data, v);
    acc += vdot(g.W1, v.W1) + vdot(g.W2, v.W2);
    onProbes?.(i + 1);
  }
  return acc / V;
}

/** Mean of an array. */
export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Running means of `xs` read off at the sample counts `at` (nested estimates from one probe stream). */
export function runningMeans(xs: Float64Array, at: readonly number[]): number[] {
  const out: number[] = [];
  let s = 0, k = 0;
  for (const n of at) {
    for (; k < n; k++) s += xs[k];
    out.push(s / n);
  }
  return out;
}

/** Sample standard deviation of an array. */
export function stdDev(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}
