/** Test support for linalg: a seeded generator, random test matrices and independent plain-array reference algorithms. */
import * as tt from '../../src/index.js';

/** Seeded uniform generator on [0, 1) (mulberry32), independent of the library PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples (Box–Muller) from a seeded generator. */
export function normals(seed: number, count: number): Float64Array {
  const u = rng(seed);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u())), t = 2 * Math.PI * u();
    out[i] = r * Math.cos(t);
    if (i + 1 < count) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

/** A random n×m matrix with N(0,1) entries. */
export function randomMatrix(seed: number, n: number, m = n): tt.Tensor {
  return tt.tensor(normals(seed, n * m), { shape: [n, m] });
}

/** A random symmetric n×n matrix ½(G + Gᵀ). */
export function randomSymmetric(seed: number, n: number): tt.Tensor {
  const g = normals(seed, n * n);
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s[i * n + j] = 0.5 * (g[i * n + j] + g[j * n + i]);
  return tt.tensor(s, { shape: [n, n] });
}

/** A well-conditioned random SPD matrix G Gᵀ / n + I. */
export function randomSpd(seed: number, n: number): tt.Tensor {
  const g = normals(seed, n * n);
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let k = 0; k < n; k++) acc += g[i * n + k] * g[j * n + k];
      s[i * n + j] = acc / n + (i === j ? 1 : 0);
    }
  }
  return tt.tensor(s, { shape: [n, n] });
}

/** Plain row-major product of an n×k and a k×m array. */
export function matmulRef(a: ArrayLike<number>, b: ArrayLike<number>, n: number, k: number, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    let s = 0;
    for (let l = 0; l < k; l++) s += a[i * k + l] * b[l * m + j];
    out[i * m + j] = s;
  }
  return out;
}

/** Largest absolute entrywise difference. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * Eigenvalues of a symmetric matrix by the cyclic Jacobi method (an algorithm independent of the Householder + QL code
 * under test), ascending.
 */
export function jacobiEigenvalues(sym: ArrayLike<number>, n: number): number[] {
  const a = Float64Array.from(sym);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) off += a[i * n + j] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(a[i * n + i]);
  return out.sort((x, y) => x - y);
}

/** Expect `fn` to throw a TracetapeError whose message contains every fragment. */
export function expectTracetapeError(fn: () => unknown, ...fragments: string[]): void {
  let caught: unknown = null;
  try { fn(); } catch (e) { caught = e; }
  if (!(caught instanceof tt.TracetapeError)) throw new Error(`expected a TracetapeError, got ${caught === null ? 'no error' : String(caught)}`);
  for (const f of fragments) {
    if (!caught.message.includes(f)) throw new Error(`error message "${caught.message}" does not contain "${f}"`);
  }
}
