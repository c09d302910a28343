/** Raw float64 kernel: the matrix exponential by scaling and squaring with Padé approximants (Higham 2005). */
import { luFactor, luSolve } from './lu.js';

/** Coefficients b_0..b_m of the [m/m] Padé approximant to eˣ for m = 3, 5, 7, 9, 13. */
const PADE: Record<number, number[]> = {
  3: [120, 60, 12, 1],
  5: [30240, 15120, 3360, 420, 30, 1],
  7: [17297280, 8648640, 1995840, 277200, 25200, 1512, 56, 1],
  9: [17643225600, 8821612800, 2075673600, 302702400, 30270240, 2162160, 110880, 3960, 90, 1],
  13: [64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000,
    10559470521600, 670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1],
};

/** θ_m: the largest ‖A‖₁ for which the degree-m approximant is accurate to unit roundoff in double precision (Higham 2005, Table 2.3). */
const THETA: [number, number][] = [
  [3, 1.495585217958292e-2],
  [5, 2.539398330063230e-1],
  [7, 9.504178996162932e-1],
  [9, 2.097847961257068e0],
  [13, 5.371920351148152e0],
];

/** C = A B for n×n row-major matrices (i-k-j order over contiguous rows of B, four rows of B per pass over C's row). */
export function gemmSquare(a: Float64Array, b: Float64Array, c: Float64Array, n: number): void {
  c.fill(0);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let k = 0;
    for (; k + 3 < n; k += 4) {
      const a0 = a[ri + k], a1 = a[ri + k + 1], a2 = a[ri + k + 2], a3 = a[ri + k + 3];
      const r0 = k * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
      for (let j = 0; j < n; j++) c[ri + j] += a0 * b[r0 + j] + a1 * b[r1 + j] + a2 * b[r2 + j] + a3 * b[r3 + j];
    }
    for (; k < n; k++) {
      const aik = a[ri + k], rk = k * n;
      for (let j = 0; j < n; j++) c[ri + j] += aik * b[rk + j];
    }
  }
}

/** The matrix 1-norm (largest absolute column sum) of an n×n row-major matrix. */
export function norm1(a: ArrayLike<number>, n: number): number {
  let best = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[i * n + j]);
    if (s > best) best = s;
  }
  return best;
}

/** out = Σ_k coef[k] · mats[k] (+ coefI · I), for n×n matrices. */
function combine(out: Float64Array, n: number, coefI: number, terms: [number, Float64Array][]): void {
  out.fill(0);
  for (const [c, m] of terms) for (let i = 0; i < out.length; i++) out[i] += c * m[i];
  for (let i = 0; i < n; i++) out[i * n + i] += coefI;
}

/** Choice of the algorithm for a matrix of 1-norm `norm`: Padé degree m and number of squarings s. */
export function padeChoice(norm: number): { degree: number; squarings: number } {
  for (const [m, theta] of THETA) if (norm <= theta) return { degree: m, squarings: 0 };
  return { degree: 13, squarings: Math.max(0, Math.ceil(Math.log2(norm / THETA[4][1]))) };
}

/**
 * e^A for the n×n row-major float64 matrix `a` (not modified): Higham's 2005 scaling and squaring with a Padé
 * approximant of degree 3, 5, 7, 9 or 13 chosen from ‖A‖₁. Returns a fresh array (all-NaN propagation is the caller's check).
 */
export function expmF64(a: Float64Array, n: number): Float64Array {
  const { degree, squarings } = padeChoice(norm1(a, n));
  const A = Float64Array.from(a);
  if (squarings > 0) {
    const f = 2 ** -squarings;
    for (let i = 0; i < A.length; i++) A[i] *= f;
  }
  const b = PADE[degree];
  const nn = n * n;
  const A2 = new Float64Array(nn);
  gemmSquare(A, A, A2, n);
  const U = new Float64Array(nn), V = new Float64Array(nn), tmp = new Float64Array(nn);
  if (degree === 13) {
    const A4 = new Float64Array(nn), A6 = new Float64Array(nn);
    gemmSquare(A2, A2, A4, n);
    gemmSquare(A4, A2, A6, n);
    const inner = new Float64Array(nn);
    combine(inner, n, 0, [[b[13], A6], [b[11], A4], [b[9], A2]]);
    gemmSquare(A6, inner, tmp, n);
    combine(inner, n, b[1], [[1, tmp], [b[7], A6], [b[5], A4], [b[3], A2]]);
    gemmSquare(A, inner, U, n);
    combine(inner, n, 0, [[b[12], A6], [b[10], A4], [b[8], A2]]);
    gemmSquare(A6, inner, tmp, n);
    combine(V, n, b[0], [[1, tmp], [b[6], A6], [b[4], A4], [b[2], A2]]);
  } else {
    // Powers A², A⁴, … up to A^(degree−1); U = A Σ b_{2k+1} A^{2k}, V = Σ b_{2k} A^{2k}.
    const powers: Float64Array[] = [A2];
    for (let p = 4; p < degree; p += 2) {
      const next = new Float64Array(nn);
      gemmSquare(powers[powers.length - 1], A2, next, n);
      powers.push(next);
    }
    const oddTerms: [number, Float64Array][] = powers.map((P, k) => [b[2 * k + 3], P]);
    const evenTerms: [number, Float64Array][] = powers.map((P, k) => [b[2 * k + 2], P]);
    combine(tmp, n, b[1], oddTerms);
    gemmSquare(A, tmp, U, n);
    combine(V, n, b[0], evenTerms);
  }
  // Solve (V − U) R = (V + U).
  const P = new Float64Array(nn), Q = new Float64Array(nn);
  for (let i = 0; i < nn; i++) { P[i] = V[i] - U[i]; Q[i] = V[i] + U[i]; }
  const piv = new Int32Array(n);
  luFactor(P, n, piv);
  luSolve(P, piv, Q, n, n);
  let R = Q, S = tmp;
  for (let k = 0; k < squarings; k++) {
    gemmSquare(R, R, S, n);
    const t = R; R = S; S = t;
  }
  return R;
}
