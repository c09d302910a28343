/**
 * Low-rank-plus-shift SPD matrices P = UUᵀ + s·I (U: n × k, s > 0) as differentiable tape computations: log det P and
 * the symmetric inverse square root P^{-1/2} v, both in O(nk² + k³) setup and O(nk) per vector, used to precondition SLQ.
 *
 * With G = UᵀU / s = V diag(μ) Vᵀ (k × k):
 *   log det P = n·log s + Σ log(1 + μ_i),
 *   P^{-1/2} = s^{-1/2} I + U H Uᵀ,   H = s^{-3/2} V diag(h(μ)) Vᵀ,   h(μ) = ((1 + μ)^{-1/2} − 1)/μ = −1/(a(a + 1)), a = √(1 + μ)
 * (check: on the range of U, with UᵀU = sVμVᵀ, the eigenvalue s(1 + μ) of P maps to s^{-1/2}(1 + μ h(μ)) = (s(1 + μ))^{-1/2}).
 * The k × k spectral function (H̃ = V h(μ) Vᵀ, Σ log(1 + μ)) is one custom-VJP op whose backward uses the Daleckii–Krein
 * formula with the divided differences of h in closed form, (a_i + a_j + 1)/(a_i a_j (a_i + 1)(a_j + 1)(a_i + a_j)),
 * which stays exact at repeated or tiny eigenvalues (no 1/(μ_i − μ_j) factors, unlike backpropagating through eigh).
 */
import { Tensor, asTensor, fromData } from '../tensor/index.js';
import { customVjp } from '../tape/index.js';
import { add, div, log, matmul, mul, pow, transpose } from '../ops/index.js';
import * as linalg from '../ops/linalg/index.js';
import { TracetapeError, check, describe, fmtShape } from '../util/index.js';

/** A low-rank-plus-shift matrix P = UUᵀ + shift·I with U of shape [n, k] and shift > 0 (both may depend on parameters). */
export interface LowRankShift {
  /** The low-rank factor U, shape [n, k] (k ≥ 0 columns; k = 0 gives P = shift·I). */
  U: Tensor;
  /** The shift s > 0 (a number or a scalar Tensor). */
  shift: Tensor | number;
}

/** @internal P^{-1/2} v = c·v + W (Uᵀ v) with W = U H: the tensors an operator needs to apply it (a pytree). */
export interface InverseSqrtParts {
  /** W = U H, shape [n, k]. */
  W: Tensor;
  /** Uᵀ, shape [k, n]. */
  Ut: Tensor;
  /** c = s^{-1/2} (scalar). */
  c: Tensor;
}

/** @internal log det P and the pieces of P^{-1/2}, all differentiable in U and s. */
export interface LowRankShiftParts {
  /** log det P (scalar). */
  logdet: Tensor;
  /** The pieces of P^{-1/2}. */
  inverseSqrt: InverseSqrtParts;
  /** k, the number of columns of U. */
  rank: number;
}

interface SpectralOut { H: Tensor; logdet: Tensor }
interface SpectralResiduals { V: Float64Array; a: Float64Array; k: number }

/** Forward of the k × k spectral function: eigendecomposition of G (symmetric PSD), H̃ = V h(μ) Vᵀ, Σ log(1 + μ). */
function spectralForward(G: Tensor): [SpectralOut, SpectralResiduals] {
  const k = G.shape[0];
  const { values, vectors } = linalg.eigh(G);
  const V = Float64Array.from(vectors._data), a = new Float64Array(k), h = new Float64Array(k);
  let ld = 0;
  for (let i = 0; i < k; i++) {
    // G is PSD by construction; clamp round-off negatives (μ ≥ 0 keeps a ≥ 1).
    const mu = Math.max(values._data[i], 0);
    a[i] = Math.sqrt(1 + mu);
    h[i] = -1 / (a[i] * (a[i] + 1));
    ld += Math.log1p(mu);
  }
  const H = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += V[i * k + t] * h[t] * V[j * k + t];
    H[i * k + j] = H[j * k + i] = s;
  }
  return [{ H: fromData(H, [k, k]), logdet: fromData(Float64Array.of(ld), []) }, { V, a, k }];
}

/**
 * Backward: Ḡ = V (D ∘ (Vᵀ H̄ V) + diag(l̄ /(1 + μ))) Vᵀ (symmetrised), D_ij = h[μ_i, μ_j] in closed form (D_ii = h′(μ_i)).
 * Written in tape ops, so the cotangent is itself differentiable in H̄.
 */
function spectralBackward(res: SpectralResiduals, ct: SpectralOut): [Tensor] {
  const { V, a, k } = res;
  const D = new Float64Array(k * k), diagLd = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) D[i * k + j] = (a[i] + a[j] + 1) / (a[i] * a[j] * (a[i] + 1) * (a[j] + 1) * (a[i] + a[j]));
    diagLd[i * k + i] = 1 / (a[i] * a[i]);
  }
  const Vt = fromData(V, [k, k]);
  let inner = mul(matmul(matmul(transpose(Vt), ct.H), Vt), fromData(D, [k, k]));
  inner = add(inner, mul(fromData(diagLd, [k, k]), ct.logdet));
  const g = matmul(matmul(Vt, inner), transpose(Vt));
  return [mul(add(g, transpose(g)), 0.5)];
}

/** @internal The spectral op: G (k × k symmetric PSD) ↦ {H: V h(μ) Vᵀ, logdet: Σ log(1 + μ)}, with a closed-form VJP. */
export const inverseSqrtSpectral: (G: Tensor) => SpectralOut = customVjp(
  (G: Tensor): SpectralOut => spectralForward(G)[0],
  spectralForward,
  spectralBackward,
);

/** @internal Validate a LowRankShift for an operator of size n (U: [n, k]; shift a positive finite scalar). */
export function checkLowRankShift(fn: string, factor: unknown, n: number | undefined): { U: Tensor; shift: Tensor } {
  check(factor !== null && typeof factor === 'object' && !(factor instanceof Tensor), fn,
    () => `the preconditioner factor must be an object {U: Tensor[n, k], shift}, received ${describe(factor)}`);
  const { U, shift } = factor as Partial<LowRankShift>;
  if (!(U instanceof Tensor) || U.shape.length !== 2) throw new TracetapeError(fn, `the preconditioner's U must be a Tensor of shape [n, k], received ${describe(U)}`);
  check(n === undefined || U.shape[0] === n, fn, () => `the preconditioner's U has shape ${fmtShape(U.shape)}, expected [${n}, k]`);
  if (!(shift instanceof Tensor) && typeof shift !== 'number') throw new TracetapeError(fn, `the preconditioner's shift must be a number or a scalar Tensor, received ${describe(shift)}`);
  const s = asTensor(fn, 'shift', shift);
  check(s.size === 1, fn, () => `the preconditioner's shift must be a scalar, received shape ${fmtShape(s.shape)}`);
  const sv = s._data[0];
  check(sv > 0 && Number.isFinite(sv), fn, () => `the preconditioner's shift must be finite and > 0, received ${sv}`);
  for (let i = 0; i < U.size; i++) if (!Number.isFinite(U._data[i])) throw new TracetapeError(fn, `the preconditioner's U has a non-finite entry ${U._data[i]} at flat index ${i}`);
  return { U, shift: s.shape.length === 0 ? s : s.reshape([]) };
}

/** @internal log det P and P^{-1/2}'s pieces for P = UUᵀ + sI (differentiable in U and s). */
export function lowRankShiftParts(fn: string, factor: LowRankShift, n?: number): LowRankShiftParts {
  const { U, shift } = checkLowRankShift(fn, factor, n);
  const [rows, k] = U.shape;
  const Ut = transpose(U);
  const c = pow(shift, -0.5);
  const nLogS = mul(log(shift), rows);
  if (k === 0) return { logdet: nLogS, inverseSqrt: { W: U, Ut, c }, rank: 0 };
  const G = div(matmul(Ut, U), shift);
  const { H, logdet } = inverseSqrtSpectral(G);
  const W = matmul(U, mul(H, pow(shift, -1.5)));
  return { logdet: add(nLogS, logdet), inverseSqrt: { W, Ut, c }, rank: k };
}

/** @internal P^{-1/2} v for v of shape [n] or [n, c] (O(nk) per column). */
export function applyInverseSqrt(v: Tensor, p: InverseSqrtParts): Tensor {
  const scaled = mul(v, p.c);
  if (p.W.shape[1] === 0) return scaled;
  return add(scaled, matmul(p.W, matmul(p.Ut, v)));
}

