/** Shared helpers of the linops tests: seeded data, dense references, closeness checks. */
import { expect } from 'chai';
import * as tt from '../../src/index.js';

/** A seeded generator of values in [-0.5, 0.5) (test data only). */
export function rng(seed: number): () => number {
  let s = (seed * 2654435761 + 12345) >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296 - 0.5; };
}

/** A float64 tensor of `shape` filled by `r`. */
export function randn(r: () => number, shape: number[], scale = 1): tt.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tt.tensor(Float64Array.from({ length: size }, () => scale * r()), { shape });
}

/** Max |a − b| / (1 + max |b|) over all entries. */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).to.equal(b.length);
  let m = 0, s = 0;
  for (let i = 0; i < a.length; i++) { m = Math.max(m, Math.abs(a[i] - b[i])); s = Math.max(s, Math.abs(b[i])); }
  return m / (1 + s);
}

/** Dense float64 product A (m×n, row-major) · v (n×c). */
export function denseProduct(A: Float64Array, m: number, n: number, v: ArrayLike<number>, c: number): Float64Array {
  const out = new Float64Array(m * c);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let q = 0; q < c; q++) out[i * c + q] += A[i * n + j] * v[j * c + q];
  return out;
}
