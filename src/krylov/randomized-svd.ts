/**
 * `randomizedSvd`: Halko–Martinsson–Tropp randomized SVD of a matrix-free operator. Range finder A·Ω with Gaussian Ω,
 * optional power (subspace) iterations, then the SVD of the small B = QᵀA by one-sided Jacobi (accurate singular values).
 */
import { Tensor, fromData, allocate } from '../tensor/index.js';
import { noGrad } from '../tape/index.js';
import * as random from '../random/index.js';
import { TracetapeError, check, checkOptions, checkPositiveInt, describe } from '../util/index.js';
import { checkMatvecOutput } from './matvec.js';
import { axpyRaw, dotRaw, normRaw } from './vectors.js';

/** Options of `randomizedSvd`. */
export interface RandomizedSvdOptions<P = unknown> {
  /** Number of singular triplets returned (≤ min(m, n)). */
  rank: number;
  /** PRNG key of the Gaussian test matrix (required). */
  key: random.PRNGKey;
  /** Extra sketch columns p (default 10; the sketch has min(rank + p, m, n) columns). */
  oversample?: number;
  /** Power iterations q (default 1): each costs one more pass of products with A and Aᵀ; helps slowly decaying spectra. */
  powerIters?: number;
  /** Passed as the second argument of matvec and rmatvec. */
  params?: P;
}

/** The truncated SVD A ≈ U diag(S) Vᵀ. */
export interface RandomizedSvdResult {
  /** [m, rank], orthonormal columns. */
  U: Tensor;
  /** [rank], descending singular values. */
  S: Tensor;
  /** [n, rank], orthonormal columns. */
  V: Tensor;
}

/** Orthonormalise the `rows` rows of length len in place (modified Gram–Schmidt, two passes); near-dependent rows become 0. */
function orthonormaliseRows(X: Float64Array, rows: number, len: number): void {
  for (let i = 0; i < rows; i++) {
    const off = i * len;
    const before = normRaw(X, off, len);
    for (let pass = 0; pass < 2; pass++) for (let j = 0; j < i; j++) axpyRaw(-dotRaw(X, j * len, X, off, len), X, j * len, X, off, len);
    const nr = normRaw(X, off, len);
    if (!(nr > 1e-13 * before) || nr === 0) { X.fill(0, off, off + len); continue; }
    for (let t = 0; t < len; t++) X[off + t] /= nr;
  }
}

/** One-sided Jacobi on the rows of B (l×n): B = W diag(σ) V with W orthogonal (l×l) and V's rows orthonormal. */
function jacobiRows(B: Float64Array, l: number, n: number, W: Float64Array): void {
  for (let i = 0; i < l; i++) W[i * l + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let i = 0; i < l - 1; i++) for (let j = i + 1; j < l; j++) {
      const a = dotRaw(B, i * n, B, i * n, n), c = dotRaw(B, j * n, B, j * n, n), g = dotRaw(B, i * n, B, j * n, n);
      if (Math.abs(g) <= 1e-15 * Math.sqrt(a * c) || g === 0) continue;
      rotated = true;
      const zeta = (c - a) / (2 * g);
      const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
      const cs = 1 / Math.sqrt(1 + t * t), sn = cs * t;
      for (let k = 0; k < n; k++) {
        const bi = B[i * n + k], bj = B[j * n + k];
        B[i * n + k] = cs * bi - sn * bj; B[j * n + k] = sn * bi + cs * bj;
      }
      for (let k = 0; k < l; k++) {
        const wi = W[k * l + i], wj = W[k * l + j];
        W[k * l + i] = cs * wi - sn * wj; W[k * l + j] = sn * wi + cs * wj;
      }
    }
    if (!rotated) return;
  }
}

/**
 * Randomized SVD of the m×n operator with `matvec(v)` = A v (v ∈ Rⁿ) and `rmatvec(u)` = Aᵀ u (u ∈ Rᵐ), `shape` = [m, n].
 * Uses rank + oversample products with A and Aᵀ per pass. The result carries no gradient (computed under noGrad).
 */
export function randomizedSvd<P = unknown>(
  matvec: (v: Tensor, params: P) => Tensor, rmatvec: (u: Tensor, params: P) => Tensor, shape: [number, number], options: RandomizedSvdOptions<P>,
): RandomizedSvdResult {
  const fn = 'randomizedSvd';
  check(typeof matvec === 'function', fn, () => `matvec must be a function v => A v, received ${describe(matvec)}`);
  check(typeof rmatvec === 'function', fn, () => `rmatvec must be a function u => Aᵀ u, received ${describe(rmatvec)}`);
  check(Array.isArray(shape) && shape.length === 2 && shape.every((d) => Number.isInteger(d) && d >= 1), fn, () => `shape must be [m, n] with positive integers, received ${describe(shape)}`);
  check(options !== null && typeof options === 'object', fn, () => `options {rank, key} are required, received ${describe(options)}`);
  checkOptions(fn, options, ['rank', 'key', 'oversample', 'powerIters', 'params']);
  const [m, n] = shape;
  checkPositiveInt(fn, 'rank', options.rank);
  check(options.rank <= Math.min(m, n), fn, () => `rank must be ≤ min(m, n) = ${Math.min(m, n)}, received ${options.rank}`);
  check(options.key instanceof random.PRNGKey, fn, () => `key must be a PRNGKey (tt.random.key(seed)), received ${describe(options.key)}`);
  const p = options.oversample ?? 10;
  check(Number.isInteger(p) && p >= 0, fn, () => `oversample must be a non-negative integer, received ${describe(options.oversample)}`);
  const q = options.powerIters ?? 1;
  check(Number.isInteger(q) && q >= 0, fn, () => `powerIters must be a non-negative integer, received ${describe(options.powerIters)}`);
  const rank = options.rank;
  const l = Math.min(rank + p, m, n);
  const params = options.params as P;
  return noGrad(() => {
    const applyRows = (f: (x: Tensor, p: P) => Tensor, name: string, X: Float64Array, inLen: number, outLen: number, what: string): Float64Array => {
      const out = new Float64Array(l * outLen);
      for (let i = 0; i < l; i++) {
        const res = f(fromData(X.slice(i * inLen, (i + 1) * inLen), [inLen]), params);
        out.set(checkMatvecOutput(fn, name, res, outLen, `${what}, column ${i}`)._data, i * outLen);
      }
      return out;
    };
    const omega = Float64Array.from(random.normal(options.key, [l, n])._data);
    let Y = applyRows(matvec, 'matvec', omega, n, m, 'range finder');
    orthonormaliseRows(Y, l, m);
    for (let it = 0; it < q; it++) {
      const Z = applyRows(rmatvec, 'rmatvec', Y, m, n, `power iteration ${it}`);
      orthonormaliseRows(Z, l, n);
      Y = applyRows(matvec, 'matvec', Z, n, m, `power iteration ${it}`);
      orthonormaliseRows(Y, l, m);
    }
    // B = Q A (l×n), row i = Aᵀ q_i.
    const B = applyRows(rmatvec, 'rmatvec', Y, m, n, 'projection');
    const W = new Float64Array(l * l);
    jacobiRows(B, l, n, W);
    const sig = new Float64Array(l);
    for (let i = 0; i < l; i++) sig[i] = normRaw(B, i * n, n);
    const order = Array.from({ length: l }, (_, i) => i).sort((a, b) => sig[b] - sig[a]);
    const U = allocate('float64', m * rank), S = allocate('float64', rank), V = allocate('float64', n * rank);
    for (let c = 0; c < rank; c++) {
      const i = order[c];
      S[c] = sig[i];
      const inv = sig[i] > 0 ? 1 / sig[i] : 0;
      for (let k = 0; k < n; k++) V[k * rank + c] = B[i * n + k] * inv;
      // U[:, c] = Σ_j q_j W[j, i]
      for (let j = 0; j < l; j++) { const w = W[j * l + i]; if (w !== 0) for (let k = 0; k < m; k++) U[k * rank + c] += Y[j * m + k] * w; }
    }
    if (!(S[0] >= 0)) throw new TracetapeError(fn, 'the singular values are not finite');
    return { U: fromData(U, [m, rank]), S: fromData(S, [rank]), V: fromData(V, [n, rank]) };
  });
}
