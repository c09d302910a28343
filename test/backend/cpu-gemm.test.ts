/** cpu gemm/gemv against a naive triple loop for every small shape (odd sizes exercise the unrolled loops' remainders). */
import { expect } from 'chai';
import { gemm, gemv } from '../../src/backend/index.js';
import { rng, f64 } from './support.js';

function naive(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) { let s = 0; for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j]; out[i * n + j] = s; }
  return out;
}

describe('backend: cpu gemm and gemv', () => {
  it('match a naive triple loop for m, k, n in 1…9, with offsets', () => {
    const r = rng(51);
    for (let m = 1; m <= 9; m++) for (let k = 1; k <= 9; k++) for (const n of [1, 2, 3, 5, 8, 9]) {
      const a = f64(r, m * k + 3), b = f64(r, k * n + 2);
      const out = new Float64Array(m * n + 4);
      gemm(a, 3, b, 2, out, 4, m, k, n);
      const ref = naive(a.subarray(3), b.subarray(2), m, k, n);
      // Same products, different summation order: 1e-15 relative to sums of ≤ 9 terms of size ≤ 0.25.
      for (let t = 0; t < m * n; t++) expect(Math.abs(out[4 + t] - ref[t])).to.be.below(1e-15);
      expect(Array.from(out.subarray(0, 4))).to.deep.equal([0, 0, 0, 0]);
    }
  });

  it('gemv on tall and wide matrices', () => {
    const r = rng(52);
    for (const [m, k] of [[1, 100], [7, 3], [33, 17], [100, 1]]) {
      const a = f64(r, m * k), x = f64(r, k), out = new Float64Array(m);
      gemv(a, 0, x, 0, out, 0, m, k);
      const ref = naive(a, x, m, k, 1);
      for (let i = 0; i < m; i++) expect(Math.abs(out[i] - ref[i])).to.be.below(1e-14);
    }
  });
});

import { expNonPositive } from '../../src/backend/cpu/exp.js';

describe('backend: cpu expNonPositive (the stationary kernels\' exponential)', () => {
  it('agrees with Math.exp to 4e-16 relative on [−700, 0] and at the edges', () => {
    const r = rng(53);
    let worst = 0;
    for (let i = 0; i < 20000; i++) {
      const x = i < 10000 ? -700 * (r() + 0.5) : -2 * (r() + 0.5);
      worst = Math.max(worst, Math.abs(expNonPositive(x) - Math.exp(x)) / Math.exp(x));
    }
    expect(worst).to.be.below(4e-16);
    expect(expNonPositive(0)).to.equal(1);
    expect(expNonPositive(-746)).to.equal(0);
    expect(Math.abs(expNonPositive(-740) - Math.exp(-740))).to.be.below(1e-320);
    expect(Number.isNaN(expNonPositive(NaN))).to.equal(true);
  });
});
