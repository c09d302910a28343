/** kernelMatvec: forward vs dense kernel matrices, VJPs vs finite differences (first and second order), entry access, errors, memory. */
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { rng, randn, relDiff, denseProduct } from './support.js';
import { scaledPointsStats } from '../../src/ops/linops/scaled-points.js';

type Family = 'rbf' | 'matern32' | 'matern52';

/** Independent closed-form kernels k(r) (written out here, not taken from the library). */
function kref(family: Family, r: number): number {
  if (family === 'rbf') return Math.exp(-0.5 * r * r);
  if (family === 'matern32') return (1 + Math.sqrt(3) * r) * Math.exp(-Math.sqrt(3) * r);
  return (1 + Math.sqrt(5) * r + (5 / 3) * r * r) * Math.exp(-Math.sqrt(5) * r);
}

/** Dense s·K(X/ℓ, Y/ℓ) + noise·I in float64. */
function denseK(family: Family, X: Float64Array, Y: Float64Array, n: number, m: number, d: number, ls: number[], s: number, noise: number): Float64Array {
  const K = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    let r2 = 0;
    for (let k = 0; k < d; k++) { const t = (X[i * d + k] - Y[j * d + k]) / ls[ls.length === 1 ? 0 : k]; r2 += t * t; }
    K[i * m + j] = s * kref(family, Math.sqrt(r2)) + (i === j && X === Y ? noise : 0);
  }
  return K;
}

describe('ops.kernelMatvec', () => {
  const families: Family[] = ['rbf', 'matern32', 'matern52'];

  for (const family of families) {
    it(`${family}: matches the dense (s·K + σ²I) v for scalar and ARD lengthscales, vectors and blocks`, () => {
      const r = rng(1);
      const n = 23, d = 3;
      const X = randn(r, [n, d], 2);
      for (const ls of [[0.9], [0.5, 1.1, 2.0]]) {
        for (const c of [0, 4]) {
          const v = c === 0 ? randn(r, [n]) : randn(r, [n, c]);
          const out = tt.ops.kernelMatvec(v, { X, lengthscale: ls.length === 1 ? ls[0] : tt.tensor(ls), variance: 1.7, noise: 0.3, kernel: family });
          expect(out.shape).to.deep.equal(v.shape);
          const K = denseK(family, X._data as Float64Array, X._data as Float64Array, n, n, d, ls, 1.7, 0.3);
          // Same float64 arithmetic up to summation order: 1e-13 relative.
          expect(relDiff(out._data, denseProduct(K, n, n, v._data, Math.max(c, 1)))).to.be.below(1e-13);
        }
      }
    });

    it(`${family}: VJPs w.r.t. v, X, ARD lengthscales, variance and noise match central differences`, () => {
      const r = rng(2);
      const n = 7, d = 2;
      const u = randn(r, [n]);
      const f = (v: tt.Tensor, X: tt.Tensor, ls: tt.Tensor, s: tt.Tensor, noise: tt.Tensor): tt.Tensor =>
        tt.dot(u, tt.ops.kernelMatvec(v, { X, lengthscale: ls, variance: s, noise, kernel: family }));
      // Central differences with eps 1e-6 in float64 are accurate to ~1e-9 relative; 1e-6 leaves margin.
      const res = tt.testing.checkGrads(f as (...a: never[]) => tt.Tensor, [randn(r, [n]), randn(r, [n, d], 2), tt.tensor([0.7, 1.3]), tt.tensor(1.5), tt.tensor(0.2)], { rtol: 1e-6 });
      expect(res.firstOrderError).to.be.below(1e-6);
    });
  }

  it('rbf: d/dℓ of uᵀK(ℓ)v at n = 300 matches an independent central difference of the dense form', () => {
    const r = rng(3);
    const n = 300, d = 4;
    const X = randn(r, [n, d], 3), u = randn(r, [n]), v = randn(r, [n]);
    const g = tt.grad((ls: tt.Tensor) => tt.dot(u, tt.ops.kernelMatvec(v, { X, lengthscale: ls })))(tt.tensor(1.2)) as tt.Tensor;
    const q = (ls: number): number => {
      const K = denseK('rbf', X._data as Float64Array, X._data as Float64Array, n, n, d, [ls], 1, 0);
      const Kv = denseProduct(K, n, n, v._data, 1);
      let s = 0;
      for (let i = 0; i < n; i++) s += u._data[i] * Kv[i];
      return s;
    };
    const h = 1e-5;
    const fd = (q(1.2 + h) - q(1.2 - h)) / (2 * h);
    // FD truncation error O(h²)·q''' ≈ 1e-10 relative; roundoff ~1e-11/h ≈ 1e-6 absolute on a value of size ~1e1.
    expect(Math.abs(g.item() - fd) / Math.abs(fd)).to.be.below(1e-6);
  });

  for (const family of ['rbf', 'matern52'] as const) {
    it(`${family}: Hessian-vector products w.r.t. points and lengthscale match differences of gradients`, () => {
      const r = rng(4);
      const n = 6, d = 2;
      const u = randn(r, [n]), v = randn(r, [n]);
      const f = (X: tt.Tensor, ls: tt.Tensor): tt.Tensor => tt.dot(u, tt.ops.kernelMatvec(v, { X, lengthscale: ls, kernel: family }));
      // Second-order check uses eps 1e-4 on gradients: O(eps²) ≈ 1e-8 truncation; 1e-5 tolerance.
      const res = tt.testing.checkGrads(f as (...a: never[]) => tt.Tensor, [randn(r, [n, d], 2), tt.tensor(0.8)], { order: 2, rtol: 1e-5 });
      expect(res.secondOrderError).to.be.below(1e-5);
    });
  }

  it('matern32: a second derivative w.r.t. the points raises a clear error (the kernel is C¹ only at r = 0)', () => {
    const r = rng(5);
    const X = randn(r, [5, 2]), u = randn(r, [5]), v = randn(r, [5]);
    const f = (X: tt.Tensor): tt.Tensor => tt.dot(u, tt.ops.kernelMatvec(v, { X, kernel: 'matern32' }));
    expect(() => tt.hvp(f, [X], [tt.onesLike(X)])).to.throw(tt.TracetapeError, /kernelMatvec: derivative of order 2 w.r.t. the points does not exist for the matern32/);
  });

  it('cross-covariance K(X, Y) v matches the dense product and its VJP w.r.t. Y', () => {
    const r = rng(6);
    const X = randn(r, [9, 2], 2), Y = randn(r, [5, 2], 2), v = randn(r, [5, 2]);
    const out = tt.ops.kernelMatvec(v, { X, Y, lengthscale: 0.8, variance: 2, kernel: 'matern52' });
    expect(out.shape).to.deep.equal([9, 2]);
    const K = denseK('matern52', X._data as Float64Array, Y._data as Float64Array, 9, 5, 2, [0.8], 2, 0);
    expect(relDiff(out._data, denseProduct(K, 9, 5, v._data, 2))).to.be.below(1e-13);
    const w = randn(r, [9, 2]);
    tt.testing.checkGrads(((Y: tt.Tensor) => tt.sum(tt.mul(w, tt.ops.kernelMatvec(v, { X, Y, lengthscale: 0.8, kernel: 'matern52' })))) as (...a: never[]) => tt.Tensor, [Y], { rtol: 1e-6 });
  });

  it('repeated calls with the same X reuse the scaled points, and a changed lengthscale (scalar, ARD, Y) gives the fresh result', () => {
    const r = rng(9);
    const n = 13, m = 6, d = 2;
    const X = randn(r, [n, d], 2), Y = randn(r, [m, d], 2), v = randn(r, [n]), w = randn(r, [m]);
    const dense = (ls: number[], Yd: tt.Tensor | null): Float64Array => {
      const K = denseK('rbf', X._data as Float64Array, (Yd ?? X)._data as Float64Array, n, Yd ? m : n, d, ls, 1, 0);
      return denseProduct(K, n, Yd ? m : n, (Yd ? w : v)._data, 1);
    };
    const hits0 = scaledPointsStats.hits;
    // same X, lengthscales changing back and forth (only the last ℓ per X is memoised): every result must be the
    // fresh one for its ℓ (float64, same arithmetic up to summation order: 1e-13)
    const lss: (number | number[])[] = [0.7, 0.7, 1.3, 0.7, [0.7, 0.7], [0.5, 2], [0.5, 2], 1.3];
    for (const ls of lss) {
      const lengthscale = typeof ls === 'number' ? ls : tt.tensor(ls);
      const lsArr = typeof ls === 'number' ? [ls] : ls;
      expect(relDiff(tt.ops.kernelMatvec(v, { X, lengthscale })._data, dense(lsArr, null)), `ℓ = ${String(ls)}`).to.be.below(1e-13);
      expect(relDiff(tt.ops.kernelMatvec(w, { X, Y, lengthscale })._data, dense(lsArr, Y)), `ℓ = ${String(ls)}, Y`).to.be.below(1e-13);
    }
    // hits: the 2nd call (X), and from the 2nd K(X, Y) call on, X and Y each when their ℓ is unchanged — at least the
    // repeated ℓ = 0.7 and [0.5, 2] pairs (X: 2 hits + 2 from the square calls preceding the cross ones)
    expect(scaledPointsStats.hits - hits0).to.be.at.least(4);
    // a differentiated lengthscale is never served from the memo: its gradient matches central differences
    const g = tt.grad((ls: tt.Tensor) => tt.dot(v, tt.ops.kernelMatvec(v, { X, lengthscale: ls })))(tt.tensor(0.7)) as tt.Tensor;
    const h = 1e-5;
    const fd = (tt.dot(v, tt.ops.kernelMatvec(v, { X, lengthscale: 0.7 + h })).item() - tt.dot(v, tt.ops.kernelMatvec(v, { X, lengthscale: 0.7 - h })).item()) / (2 * h);
    expect(Math.abs(g.item() - fd)).to.be.below(1e-6 * Math.max(1, Math.abs(fd))); // O(h²) FD truncation + rounding/h
  });

  it('access(): diag() and column(i) equal the dense noise-free matrix, shift is the noise', () => {
    const r = rng(7);
    const n = 11, d = 3;
    const X = randn(r, [n, d]);
    const params = { X, lengthscale: tt.tensor([0.6, 1, 1.4]), variance: 0.9, noise: 0.05, kernel: 'matern32' as const };
    const acc = tt.ops.kernelMatvec.access(params);
    // access describes the noise-free s·K and reports the noise as the shift.
    const K = denseK('matern32', X._data as Float64Array, X._data as Float64Array, n, n, d, [0.6, 1, 1.4], 0.9, 0);
    expect(acc.size).to.equal(n);
    expect(acc.shift).to.equal(0.05);
    const dg = acc.diag();
    for (let i = 0; i < n; i++) expect(dg[i]).to.be.closeTo(K[i * n + i], 1e-14);
    for (const i of [0, 4, 10]) {
      const col = acc.column(i);
      for (let a = 0; a < n; a++) expect(col[a]).to.be.closeTo(K[a * n + i], 1e-14);
    }
    expect(() => acc.column(11)).to.throw(tt.TracetapeError, /column index must be an integer in \[0, 11\)/);
  });

  it('validates its inputs with clear errors', () => {
    const X = tt.zeros([4, 2]);
    expect(() => tt.ops.kernelMatvec(tt.zeros([3]), { X })).to.throw(tt.TracetapeError, /kernelMatvec: v.shape \[3\] does not match the operator \(expected \[4\] or \[4, c\]\)/);
    expect(() => tt.ops.kernelMatvec(tt.zeros([4]), { X, lengthscale: -1 })).to.throw(tt.TracetapeError, /lengthscale must be finite and positive/);
    expect(() => tt.ops.kernelMatvec(tt.zeros([4]), { X, lengthscale: tt.ones([3]) })).to.throw(tt.TracetapeError, /lengthscale must be a scalar or have shape \[2\]/);
    expect(() => tt.ops.kernelMatvec(tt.zeros([4]), { X, kernel: 'cauchy' as 'rbf' })).to.throw(tt.TracetapeError, /kernel must be one of rbf, matern32, matern52/);
    expect(() => tt.ops.kernelMatvec(tt.zeros([4]), { X, lengthscal: 1 } as never)).to.throw(tt.TracetapeError, /unknown option 'lengthscal'/);
    expect(() => tt.ops.kernelMatvec(tt.zeros([4]), { X: tt.zeros([4]) })).to.throw(tt.TracetapeError, /params.X must be a Tensor of shape \[n, d\]/);
  });

  it('runs in O(n·(d + c)) memory: n = 4,000 forward + lengthscale gradient stays far below the n² matrix', () => {
    const r = rng(8);
    const n = 4000, d = 2;
    const X = randn(r, [n, d], 10), u = randn(r, [n]), v = randn(r, [n]);
    const gcf = (globalThis as { gc?: () => void }).gc;
    gcf?.();
    const before = process.memoryUsage();
    let peak = 0;
    const sample = (): void => { const m = process.memoryUsage(); peak = Math.max(peak, m.heapUsed + m.arrayBuffers - before.heapUsed - before.arrayBuffers); };
    const g = tt.grad((ls: tt.Tensor) => { const o = tt.dot(u, tt.ops.kernelMatvec(v, { X, lengthscale: ls })); sample(); return o; })(tt.tensor(1.0)) as tt.Tensor;
    sample();
    expect(Number.isFinite(g.item())).to.equal(true);
    // The dense K would take n²·8 B = 128 MB; the blocked evaluation keeps O(n·(d+1)) vectors (a few hundred kB).
    expect(peak).to.be.below(16 * 2 ** 20);
  });
});
