// Shared helpers for the op tests: seeded random tensors, plain-loop index arithmetic, closeness assertions,
// and a nonlinear scalar probe so that second-order checks exercise each op's VJP under differentiation.
import { expect } from 'chai';
import * as tt from '../../src/index.js';

/** mulberry32: a tiny seeded uniform generator on [0, 1) (test data only). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Product of a shape's entries. */
export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A float64 (or float32) tensor of `shape` with entries uniform in [lo, hi), from `seed`. */
export function rand(shape: number[], seed: number, lo = -1, hi = 1, dtype: 'float64' | 'float32' = 'float64'): tt.Tensor {
  const u = rng(seed);
  const d = new Float64Array(size(shape));
  for (let i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * u();
  return tt.tensor(d, { shape, dtype });
}

/** Row-major multi-index of flat position `p` in `shape`. */
export function unravel(p: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) { idx[a] = p % shape[a]; p = Math.floor(p / shape[a]); }
  return idx;
}

/** Flat position of multi-index `idx` in `shape`. */
export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let p = 0;
  for (let a = 0; a < shape.length; a++) p = p * shape[a] + idx[a];
  return p;
}

/** Value of `t` at multi-index `idx` of a broadcast target shape (NumPy rules, written out independently). */
export function atBroadcast(t: tt.Tensor, idx: readonly number[]): number {
  const off = idx.length - t.shape.length;
  const own = t.shape.map((d, a) => (d === 1 ? 0 : idx[a + off]));
  return t.data()[ravel(own, t.shape)];
}

/** Assert that `actual` has `shape` and its values are within `tol` (absolute + relative) of `expected`. */
export function expectClose(actual: tt.Tensor, expected: ArrayLike<number>, shape: readonly number[], tol = 1e-12): void {
  expect(actual.shape).to.deep.equal(shape.slice());
  const a = actual.data();
  expect(a.length).to.equal(expected.length);
  for (let i = 0; i < a.length; i++) {
    const e = expected[i];
    if (Number.isNaN(e)) { expect(Number.isNaN(a[i]), `entry ${i}: expected NaN, got ${a[i]}`).to.equal(true); continue; }
    expect(Math.abs(a[i] - e), `entry ${i}: ${a[i]} vs ${e}`).to.be.at.most(tol * (1 + Math.abs(e)));
  }
}

/**
 * A nonlinear scalar of a tensor: Σ W1·t + ½ Σ W2·t² with fixed pseudo-random weights of t's shape. Its Hessian
 * contains the op's Jacobian on both sides, so an HVP check differentiates the op's VJP rule itself.
 */
export function probe(t: tt.Tensor): tt.Tensor {
  const w1 = rand(t.shape, 9001 + t.size, -1, 1);
  const w2 = rand(t.shape, 7001 + t.size, 0.5, 1.5);
  return tt.add(tt.sum(tt.mul(w1, t)), tt.mul(0.5, tt.sum(tt.mul(w2, tt.square(t)))));
}
