/**
 * Pivoted-Cholesky preconditioner for kernel matrices K + σ²I (Harbrecht, Peters & Schneider 2012; Gardner et al. 2018):
 * a rank-k partial Cholesky factor L (greedy pivot on the largest remaining diagonal entry) and M⁻¹ by Woodbury.
 * Operators plug in through two callbacks (diagonal and column access), so matrix-free kernel operators can use it.
 */
import { Tensor, fromData, allocate } from '../tensor/index.js';
import { TracetapeError, check, checkOptions, checkPositiveInt, describe } from '../util/index.js';
import type { Preconditioner } from './cg.js';

/** Options of `pivotedCholeskyPreconditioner`. */
export interface PivotedCholeskyOptions {
  /** Length n: the diagonal of the (noise-free) kernel matrix, or a function returning it. */
  diagonal: ArrayLike<number> | Tensor | (() => ArrayLike<number> | Tensor);
  /** Column i of the (noise-free) kernel matrix, length n. */
  column: (i: number) => ArrayLike<number> | Tensor;
  /** The shift σ² > 0 (noise variance): M = LᵀL + σ²I. */
  shift: number;
  /** Largest rank k (number of pivots). */
  rank: number;
  /** Stop early when the trace of the remaining diagonal is ≤ tol · the initial trace (default 1e-12). */
  tol?: number;
}

/** A preconditioner function with its diagnostics. */
export interface PivotedCholeskyPreconditioner extends Preconditioner {
  /** The rank actually used (≤ options.rank). */
  readonly rank: number;
  /** Pivot order (indices of the chosen columns). */
  readonly pivots: number[];
  /** Trace of K − LᵀL (the approximation error in trace norm). */
  readonly residualTrace: number;
}

function toArray(fn: string, name: string, v: ArrayLike<number> | Tensor, n: number): ArrayLike<number> {
  const a = v instanceof Tensor ? v._data : v;
  check(a !== null && typeof a === 'object' && typeof a.length === 'number', fn, () => `${name} must be an array or a Tensor, received ${describe(v)}`);
  check(n < 0 || a.length === n, fn, () => `${name} must have length ${n}, received length ${a.length}`);
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new TracetapeError(fn, `${name} must be finite, received ${a[i]} at index ${i}`);
  return a;
}

/** The result of a greedy pivoted partial Cholesky factorisation B ≈ LᵀL of a symmetric PSD matrix B. */
export interface PartialPivotedCholesky {
  /** The rows of L (rank × n, row-major): row t is the t-th pivoted Cholesky column. */
  L: Float64Array;
  /** Pivot order (indices of the chosen columns). */
  pivots: number[];
  /** The rank reached (≤ the requested rank). */
  rank: number;
  /** Trace of B − LᵀL. */
  residualTrace: number;
  /** Matrix size n. */
  n: number;
}

/**
 * Greedy pivoted partial Cholesky of a symmetric PSD matrix B given by its diagonal and columns: pivot on the largest
 * remaining diagonal entry, stop after `rank` pivots or when the remaining trace is ≤ tol · the initial trace.
 */
export function greedyPivotedCholesky(fn: string, diagonal: PivotedCholeskyOptions['diagonal'], column: PivotedCholeskyOptions['column'], rank: number, tol: number): PartialPivotedCholesky {
  check(typeof column === 'function', fn, () => `column must be a function (i) => column i, received ${describe(column)}`);
  checkPositiveInt(fn, 'rank', rank);
  check(typeof tol === 'number' && tol >= 0 && Number.isFinite(tol), fn, () => `tol must be a finite number ≥ 0, received ${describe(tol)}`);
  const diagSrc = typeof diagonal === 'function' ? diagonal() : diagonal;
  const d = Float64Array.from(toArray(fn, 'diagonal', diagSrc, -1));
  const n = d.length;
  check(n >= 1, fn, 'diagonal must not be empty');
  const maxRank = Math.min(rank, n);
  const L = new Float64Array(maxRank * n);
  const pivots: number[] = [];
  const chosen = new Uint8Array(n);
  let trace0 = 0;
  for (let i = 0; i < n; i++) trace0 += Math.max(d[i], 0);
  let k = 0;
  for (; k < maxRank; k++) {
    let piv = -1, best = 0, trace = 0;
    for (let i = 0; i < n; i++) if (!chosen[i]) { trace += Math.max(d[i], 0); if (d[i] > best) { best = d[i]; piv = i; } }
    if (piv < 0 || trace <= tol * trace0) break;
    const col = toArray(fn, `column(${piv})`, column(piv), n);
    const inv = 1 / Math.sqrt(best);
    const row = k * n;
    for (let j = 0; j < n; j++) {
      let s = col[j];
      for (let t = 0; t < k; t++) s -= L[t * n + piv] * L[t * n + j];
      L[row + j] = s * inv;
    }
    for (let j = 0; j < n; j++) d[j] -= L[row + j] * L[row + j];
    d[piv] = 0;
    chosen[piv] = 1;
    pivots.push(piv);
  }
  let residualTrace = 0;
  for (let i = 0; i < n; i++) if (!chosen[i]) residualTrace += Math.max(d[i], 0);
  return { L, pivots, rank: k, residualTrace, n };
}

/** Build M⁻¹ for M = LᵀL + σ²I from a greedy pivoted partial Cholesky factorisation of a symmetric PSD kernel matrix. */
export function pivotedCholeskyPreconditioner(options: PivotedCholeskyOptions): PivotedCholeskyPreconditioner {
  const fn = 'pivotedCholeskyPreconditioner';
  check(options !== null && typeof options === 'object', fn, () => `options must be an object, received ${describe(options)}`);
  checkOptions(fn, options, ['diagonal', 'column', 'shift', 'rank', 'tol']);
  check(typeof options.column === 'function', fn, () => `column must be a function (i) => column i, received ${describe(options.column)}`);
  check(typeof options.shift === 'number' && options.shift > 0 && Number.isFinite(options.shift), fn, () => `shift must be a positive number (the noise variance σ²), received ${describe(options.shift)}`);
  checkPositiveInt(fn, 'rank', options.rank);
  const { L, pivots, rank: k, residualTrace, n } = greedyPivotedCholesky(fn, options.diagonal, options.column, options.rank, options.tol ?? 1e-12);
  // C = σ²I + L Lᵀ (k×k), Cholesky-factored in place (lower, row-major).
  const s2 = options.shift;
  const C = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b <= a; b++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += L[a * n + j] * L[b * n + j];
    C[a * k + b] = C[b * k + a] = s + (a === b ? s2 : 0);
  }
  for (let a = 0; a < k; a++) {
    for (let b = 0; b <= a; b++) {
      let s = C[a * k + b];
      for (let t = 0; t < b; t++) s -= C[a * k + t] * C[b * k + t];
      if (a === b) {
        if (!(s > 0)) throw new TracetapeError(fn, `σ²I + LLᵀ is not positive definite (pivot ${a}: ${s})`);
        C[a * k + a] = Math.sqrt(s);
      } else C[a * k + b] = s / C[b * k + b];
    }
  }
  const t = new Float64Array(k);
  const apply = (r: Tensor): Tensor => {
    check(r instanceof Tensor && r.shape.length === 1 && r.shape[0] === n, fn, () => `the preconditioner expects a vector of shape [${n}], received ${describe(r)}`);
    const rd = r._data;
    for (let a = 0; a < k; a++) { let s = 0; for (let j = 0; j < n; j++) s += L[a * n + j] * rd[j]; t[a] = s; }
    for (let a = 0; a < k; a++) { let s = t[a]; for (let b = 0; b < a; b++) s -= C[a * k + b] * t[b]; t[a] = s / C[a * k + a]; }
    for (let a = k - 1; a >= 0; a--) { let s = t[a]; for (let b = a + 1; b < k; b++) s -= C[b * k + a] * t[b]; t[a] = s / C[a * k + a]; }
    const out = allocate(r.dtype, n);
    for (let j = 0; j < n; j++) out[j] = rd[j];
    for (let a = 0; a < k; a++) { const ta = t[a]; for (let j = 0; j < n; j++) out[j] -= L[a * n + j] * ta; }
    for (let j = 0; j < n; j++) out[j] /= s2;
    return fromData(out, [n]);
  };
  return Object.assign(apply, { rank: k, pivots, residualTrace });
}
