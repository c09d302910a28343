/**
 * The seed-02 model: a bias-free MLP  x → sigmoid(x W1) → W2 → softmax cross-entropy (mean over the batch), with
 * curvature products written for it:
 *  - `mlpLoss`: the taped loss (tt.hvp / tt.jvp / tt.vjp work on it);
 *  - `linearize(...).hvp`: V Hessian-vector products in one sweep, by forward-over-reverse differentiation of the
 *    explicit gradient with the tangents carried along a probe axis: per sweep two wide GEMMs X·[V1…] and Xᵀ·[…]
 *    instead of V pairs of narrow ones, and the primal pass shared by all probes;
 *  - `.quadForms`: only vᵀHv per probe (what Hutchinson needs), which saves the Xᵀ(·) product of the W1 block;
 *  - `.ggnVp` / `.ggnQuadForms`: the same for the generalised Gauss-Newton matrix G = Jᵀ H_z J;
 *  - `ggnVp`: one GGN-vector product from the tape (tt.jvp then tt.vjp), the generic route;
 *  - `hessianDiagonal` / `ggnDiagonal`: the exact diagonals in closed form (per-sample second derivatives).
 * Layout: X [B, D], Y one-hot [B, C], W1 [D, H], W2 [H, C]; a probe block is V1 [V, D, H] and V2 [V, H, C].
 */
import * as tt from '../../src/index.js';

/** The MLP's parameters. */
export interface MlpParams { W1: tt.Tensor; W2: tt.Tensor }
/** A data batch: inputs X [B, D] and one-hot targets Y [B, C]. */
export interface MlpData { X: tt.Tensor; Y: tt.Tensor }
/** A block of V tangents (or their products): V1 [V, D, H], V2 [V, H, C]. */
export interface ProbeBlock { V1: tt.Tensor; V2: tt.Tensor }

/** Mean softmax cross-entropy of the MLP (taped: differentiable to any order). */
export function mlpLoss(W1: tt.Tensor, W2: tt.Tensor, data: MlpData): tt.Tensor {
  const z = mlpLogits(W1, W2, data.X);
  return tt.mean(tt.sub(tt.logsumexp(z, 1), tt.sum(tt.mul(z, data.Y), 1)));
}

/** Logits z = sigmoid(X W1) W2, shape [B, C]. */
export function mlpLogits(W1: tt.Tensor, W2: tt.Tensor, X: tt.Tensor): tt.Tensor {
  return tt.matmul(tt.sigmoid(tt.matmul(X, W1)), W2);
}

/** Number of parameters (D·H + H·C). */
export function numParams(p: MlpParams): number {
  return p.W1.size + p.W2.size;
}

/** Quantities of the primal forward and backward pass shared by every probe of a sweep. */
interface Primal {
  B: number; D: number; H: number; C: number;
  s: tt.Tensor; ds: tt.Tensor; d2s: tt.Tensor; // sigmoid(a) and its first two derivatives, [B, H]
  p: tt.Tensor; dz: tt.Tensor; dh: tt.Tensor; // softmax [B, C], ∂L/∂z [B, C], ∂L/∂h [B, H]
  XT: tt.Tensor; sT: tt.Tensor; // Xᵀ [D, B] and hᵀ [H, B], transposed once per linearisation
}

function primal(params: MlpParams, data: MlpData): Primal {
  const { W1, W2 } = params;
  const [B, D] = data.X.shape;
  const H = W1.shape[1], C = W2.shape[1];
  const s = tt.sigmoid(tt.matmul(data.X, W1));
  const ds = tt.mul(s, tt.sub(1, s));
  const d2s = tt.mul(ds, tt.sub(1, tt.mul(s, 2)));
  const z = tt.matmul(s, W2);
  const p = tt.exp(tt.sub(z, tt.logsumexp(z, 1, true)));
  const dz = tt.div(tt.sub(p, data.Y), B);
  const dh = tt.matmul(dz, tt.transpose(W2));
  return { B, D, H, C, s, ds, d2s, p, dz, dh, XT: tt.transpose(data.X), sT: tt.transpose(s) };
}

/** Tangent of the logits for every probe, in layout [B, V, ·]: returns ȧ = X V1 and ż. */
function tangentLogits(params: MlpParams, data: MlpData, pr: Primal, probes: ProbeBlock): { aDot: tt.Tensor; hDot: tt.Tensor; zDot: tt.Tensor; V: number } {
  const { B, D, H, C } = pr;
  const V = probes.V1.shape[0];
  // ȧ[n, k, :] = x_n V1_k: one GEMM X [B, D] · [D, V·H].
  const v1Wide = tt.reshape(tt.transpose(probes.V1, [1, 0, 2]), [D, V * H]);
  const aDot = tt.reshape(tt.matmul(data.X, v1Wide), [B, V, H]);
  const hDot = tt.mul(aDot, tt.expandDims(pr.ds, 1));
  // ż = ḣ W2 + h V2_k.
  const v2Wide = tt.reshape(tt.transpose(probes.V2, [1, 0, 2]), [H, V * C]);
  const zDot = tt.add(tt.matmul(hDot, params.W2), tt.reshape(tt.matmul(pr.s, v2Wide), [B, V, C]));
  return { aDot, hDot, zDot, V };
}

/** H_z ż per sample, divided by B: (p ⊙ ż − p (pᵀż)) / B, layout [B, V, C]. */
function applyOutputHessian(pr: Primal, zDot: tt.Tensor): tt.Tensor {
  const p = tt.expandDims(pr.p, 1);
  const pz = tt.mul(p, zDot);
  return tt.div(tt.sub(pz, tt.mul(p, tt.sum(pz, 2, true))), pr.B);
}

/** ΔW2_k = Σ_n h_n ⊗ u[n, k] for u [B, V, C] → [V, H, C] (one GEMM hᵀ · [B, V·C]). */
function contractW2(pr: Primal, u: tt.Tensor): tt.Tensor {
  const { B, H, C } = pr;
  const V = u.shape[1];
  const w = tt.matmul(pr.sT, tt.reshape(u, [B, V * C]));
  return tt.transpose(tt.reshape(w, [H, V, C]), [1, 0, 2]);
}

/** ΔW1_k = Xᵀ δ[:, k, :] for δ [B, V, H] → [V, D, H] (one GEMM Xᵀ · [B, V·H]). */
function contractW1(pr: Primal, delta: tt.Tensor): tt.Tensor {
  const { B, D, H } = pr;
  const V = delta.shape[1];
  const w = tt.matmul(pr.XT, tt.reshape(delta, [B, V * H]));
  return tt.transpose(tt.reshape(w, [D, V, H]), [1, 0, 2]);
}

function checkBlock(fn: string, params: MlpParams, probes: ProbeBlock): void {
  const { V1, V2 } = probes;
  const ok = V1.shape.length === 3 && V2.shape.length === 3 && V1.shape[0] === V2.shape[0]
    && V1.shape[1] === params.W1.shape[0] && V1.shape[2] === params.W1.shape[1]
    && V2.shape[1] === params.W2.shape[0] && V2.shape[2] === params.W2.shape[1];
  if (!ok) {
    throw new tt.TracetapeError(fn, `probes V1 [V, ${params.W1.shape}] and V2 [V, ${params.W2.shape}] expected, received [${V1.shape}] and [${V2.shape}]`);
  }
}

/** The second-order pieces of the gradient's tangent: ḋz, ḋh and ḋa for every probe (layout [B, V, ·]). */
function gradientTangent(params: MlpParams, data: MlpData, pr: Primal, probes: ProbeBlock) {
  const t = tangentLogits(params, data, pr, probes);
  const dzDot = applyOutputHessian(pr, t.zDot);
  // ḋh = ḋz W2ᵀ + dz V2_kᵀ.
  const { B, H, C } = pr;
  const v2TWide = tt.reshape(tt.transpose(probes.V2, [2, 0, 1]), [C, t.V * H]);
  const dhDot = tt.add(tt.matmul(dzDot, tt.transpose(params.W2)), tt.reshape(tt.matmul(pr.dz, v2TWide), [B, t.V, H]));
  // ḋa = ḋh ⊙ σ'(a) + dh ⊙ σ''(a) ⊙ ȧ.
  const daDot = tt.add(tt.mul(dhDot, tt.expandDims(pr.ds, 1)), tt.mul(t.aDot, tt.expandDims(tt.mul(pr.dh, pr.d2s), 1)));
  return { ...t, dzDot, daDot };
}

/**
 * The loss linearised at `params`: the primal forward/backward pass is computed once and shared by every probe block
 * passed to the returned curvature products (as BackPACK's extensions reuse one backward pass).
 */
export interface Curvature {
  /** Hessian-vector products H v_k for a block of V probes in one sweep (untaped; same values as tt.hvp). */
  hvp(probes: ProbeBlock): ProbeBlock;
  /** Quadratic forms v_kᵀ H v_k for a block of V probes (skips the Xᵀ(·) GEMM of hvp). */
  quadForms(probes: ProbeBlock): Float64Array;
  /** GGN-vector products G v_k = Jᵀ H_z J v_k for a block of V probes. */
  ggnVp(probes: ProbeBlock): ProbeBlock;
  /** Quadratic forms v_kᵀ G v_k = ‖H_z^{1/2} J v_k‖² for a block of V probes (no transposed product at all). */
  ggnQuadForms(probes: ProbeBlock): Float64Array;
}

/** Linearise the loss at `params` on `data` (one forward and backward pass) for batched curvature products. */
export function linearize(params: MlpParams, data: MlpData): Curvature {
  const pr = tt.noGrad(() => primal(params, data));
  return {
    hvp: (probes) => batchedHvp(params, data, pr, probes),
    quadForms: (probes) => batchedQuadForms(params, data, pr, probes),
    ggnVp: (probes) => batchedGgnVp(params, data, pr, probes),
    ggnQuadForms: (probes) => batchedGgnQuadForms(params, data, pr, probes),
  };
}

function batchedHvp(params: MlpParams, data: MlpData, pr: Primal, probes: ProbeBlock): ProbeBlock {
  checkBlock('batchedHvp', params, probes);
  return tt.noGrad(() => {
    const g = gradientTangent(params, data, pr, probes);
    // ġW2_k = ḣ_kᵀ dz + hᵀ ḋz_k ;  ġW1_k = Xᵀ ḋa_k.
    const { B, H, C } = pr;
    const hDotT = tt.transpose(tt.reshape(g.hDot, [B, g.V * H]));
    const first = tt.reshape(tt.matmul(hDotT, pr.dz), [g.V, H, C]);
    const V2out = tt.add(first, contractW2(pr, g.dzDot));
    const V1out = contractW1(pr, g.daDot);
    return { V1: V1out, V2: V2out };
  });
}

function batchedQuadForms(params: MlpParams, data: MlpData, pr: Primal, probes: ProbeBlock): Float64Array {
  checkBlock('batchedQuadForms', params, probes);
  return tt.noGrad(() => {
    const g = gradientTangent(params, data, pr, probes);
    const { B, H, C } = pr;
    // v1ᵀ(Xᵀ ḋa) = Σ_{n,j} ȧ ⊙ ḋa (per probe), so the W1 block needs no second GEMM with X.
    const q1 = tt.sum(tt.mul(g.aDot, g.daDot), [0, 2]);
    const hDotT = tt.transpose(tt.reshape(g.hDot, [B, g.V * H]));
    const gW2 = tt.add(tt.reshape(tt.matmul(hDotT, pr.dz), [g.V, H, C]), contractW2(pr, g.dzDot));
    const q2 = tt.sum(tt.mul(gW2, probes.V2), [1, 2]);
    return Float64Array.from(tt.add(q1, q2).data());
  });
}

function batchedGgnVp(params: MlpParams, data: MlpData, pr: Primal, probes: ProbeBlock): ProbeBlock {
  checkBlock('batchedGgnVp', params, probes);
  return tt.noGrad(() => {
    const t = tangentLogits(params, data, pr, probes);
    const u = applyOutputHessian(pr, t.zDot);
    const V2out = contractW2(pr, u);
    const delta = tt.mul(tt.matmul(u, tt.transpose(params.W2)), tt.expandDims(pr.ds, 1));
    return { V1: contractW1(pr, delta), V2: V2out };
  });
}

function batchedGgnQuadForms(params: MlpParams, data: MlpData, pr: Primal, probes: ProbeBlock): Float64Array {
  checkBlock('batchedGgnQuadForms', params, probes);
  return tt.noGrad(() => {
    const t = tangentLogits(params, data, pr, probes);
    const u = applyOutputHessian(pr, t.zDot);
    return Float64Array.from(tt.sum(tt.mul(t.zDot, u), [0, 2]).data());
  });
}

/** One GGN-vector product through the tape: J v by tt.jvp on the logits, H_z by the softmax Hessian, Jᵀ by tt.vjp. */
export function ggnVp(params: MlpParams, data: MlpData, v: MlpParams): MlpParams {
  const f = (W1: tt.Tensor, W2: tt.Tensor): tt.Tensor => mlpLogits(W1, W2, data.X);
  const [z, zDot] = tt.jvp(f, [params.W1, params.W2], [v.W1, v.W2]) as [tt.Tensor, tt.Tensor];
  const p = tt.exp(tt.sub(z, tt.logsumexp(z, 1, true)));
  const pz = tt.mul(p, zDot);
  const u = tt.div(tt.sub(pz, tt.mul(p, tt.sum(pz, 1, true))), z.shape[0]);
  const [, pullback] = tt.vjp(f, params.W1, params.W2);
  const [g1, g2] = pullback(u) as tt.Tensor[];
  return { W1: g1, W2: g2 };
}

/**
 * Exact diagonal of the Hessian (or, with `ggn`, of the GGN) in closed form:
 *   ∂²L/∂W2[i,c]² = (1/B) Σ_n h_n[i]² (p_n[c] − p_n[c]²),
 *   ∂²L/∂W1[d,j]² = (1/B) Σ_n x_n[d]² ( σ'_n[j]² w_jᵀ(diag p_n − p_n p_nᵀ) w_j + [Hessian only] σ''_n[j] (W2 (p_n − y_n))[j] ),
 * with w_j the j-th row of W2. Cost: two GEMMs, independent of the number of parameters.
 */
function closedFormDiagonal(params: MlpParams, data: MlpData, ggn: boolean): MlpParams {
  return tt.noGrad(() => {
    const pr = primal(params, data);
    const { W2 } = params;
    const B = pr.B;
    const d2 = tt.div(tt.matmul(tt.transpose(tt.square(pr.s)), tt.sub(pr.p, tt.square(pr.p))), B);
    // w_jᵀ diag(p) w_j = Σ_c p[c] W2[j,c]²  and  (w_jᵀ p)²: both [B, H].
    const quad = tt.sub(tt.matmul(pr.p, tt.transpose(tt.square(W2))), tt.square(tt.matmul(pr.p, tt.transpose(W2))));
    let m = tt.mul(tt.square(pr.ds), quad);
    if (!ggn) m = tt.add(m, tt.mul(pr.d2s, tt.mul(pr.dh, B))); // dh carries 1/B; the factor is applied once below
    const d1 = tt.div(tt.matmul(tt.transpose(tt.square(data.X)), m), B);
    return { W1: d1, W2: d2 };
  });
}

/** Exact Hessian diagonal of the loss, shaped like the parameters. */
export function hessianDiagonal(params: MlpParams, data: MlpData): MlpParams {
  return closedFormDiagonal(params, data, false);
}

/** Exact diagonal of the generalised Gauss-Newton matrix Jᵀ H_z J, shaped like the parameters. */
export function ggnDiagonal(params: MlpParams, data: MlpData): MlpParams {
  return closedFormDiagonal(params, data, true);
}

/** Sum of all entries of a parameter pytree (e.g. the trace from a diagonal). */
export function sumParams(p: MlpParams): number {
  return tt.sum(p.W1).item() + tt.sum(p.W2).item();
}

/** Σ a ⊙ b over the parameters. */
export function dotParams(a: MlpParams, b: MlpParams): number {
  return tt.sum(tt.mul(a.W1, b.W1)).item() + tt.sum(tt.mul(a.W2, b.W2)).item();
}
