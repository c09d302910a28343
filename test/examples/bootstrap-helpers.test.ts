/** Tests of the bootstrap example's helpers: log-factorials, the exact binomial sampler, both resamplers, the additive summary. */
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { binomial, logFactorial, UniformStream } from '../../examples/bootstrap/binomial.js';
import { countsResampleMean, distinctCounts, indexResampleMean, SummaryLayout } from '../../examples/bootstrap/resample.js';

describe('examples/bootstrap helpers', () => {
  it('logFactorial matches the direct sum of logs (table and Stirling branches) to 1e-13 relative', () => {
    let direct = 0;
    for (let k = 1; k <= 3000; k++) {
      direct += Math.log(k);
      expect(Math.abs(logFactorial(k) - direct)).to.be.below(1e-13 * Math.max(1, direct), `k = ${k}`);
    }
    expect(logFactorial(0)).to.equal(0);
  });

  it('UniformStream reproduces the key\'s uniform stream across refills', () => {
    const key = tt.random.key(3);
    const s = new UniformStream(key, 8);
    const got = Array.from({ length: 20 }, () => s.next());
    const ref = tt.random.uniform(key, [20]).data();
    expect(got).to.deep.equal(Array.from(ref));
  });

  // Binomial draws: the sample mean and variance of 20 000 draws must match n·p and n·p·q. The tolerance is 5 standard
  // errors of each statistic (SE of the mean √(npq/N); SE of the variance ≈ npq·√(2/N)), so a correct sampler fails
  // with probability < 1e-6 while a wrong branch constant shifts them by far more.
  for (const [n, p] of [[30, 0.1], [5_000_000, 0.05], [1000, 0.5], [200, 0.93], [40, 0.3]] as const) {
    it(`binomial(${n}, ${p}) has mean n·p and variance n·p·q (${n * p < 10 ? 'inversion' : 'BTRS'})`, () => {
      const rng = new UniformStream(tt.random.key(11 + n), 256);
      const N = 20000;
      let s = 0, s2 = 0;
      for (let i = 0; i < N; i++) {
        const k = binomial(n, p, rng);
        expect(Number.isInteger(k) && k >= 0 && k <= n).to.equal(true);
        s += k; s2 += k * k;
      }
      const mean = s / N, variance = (s2 - N * mean * mean) / (N - 1);
      const npq = n * p * (1 - p);
      expect(Math.abs(mean - n * p)).to.be.below(5 * Math.sqrt(npq / N));
      expect(Math.abs(variance - npq)).to.be.below(5 * npq * Math.sqrt(2 / N) + 1e-12);
    });
  }

  it('binomial has exact edge cases: p = 0, p = 1, n = 0', () => {
    const rng = new UniformStream(tt.random.key(0));
    expect(binomial(10, 0, rng)).to.equal(0);
    expect(binomial(10, 1, rng)).to.equal(10);
    expect(binomial(0, 0.3, rng)).to.equal(0);
  });

  it('both resamplers give resample means with the analytic spread √(p(1−p)/n) (statistical, 400 resamples)', () => {
    const n = 20000;
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i += 10) data[i] = 1; // p = 0.1 exactly
    const se = Math.sqrt((0.1 * 0.9) / n);
    const distinct = distinctCounts(data);
    expect(Array.from(distinct.values)).to.deep.equal([0, 1]);
    expect(Array.from(distinct.counts)).to.deep.equal([18000, 2000]);
    const rng = new UniformStream(tt.random.key(0));
    const scratch = new Float64Array(4096);
    const a = new Float64Array(400), b = new Float64Array(400);
    for (let r = 0; r < 400; r++) {
      a[r] = countsResampleMean(distinct, tt.random.foldIn(tt.random.key(1), r), rng);
      b[r] = indexResampleMean(data, tt.random.foldIn(tt.random.key(2), r), scratch);
    }
    const layout = new SummaryLayout(0.1, 0.09, 0.11, 20);
    const summary = new Float64Array(layout.length);
    // With 400 resamples the SD estimate has relative SE ≈ 1/√800 ≈ 3.5%: allow 15% (> 4 SE); the mean must be
    // within 5 SE/√400 of 0.1.
    for (const values of [a, b]) {
      layout.summarize(values, 400, summary);
      const s = layout.finish(summary, 400);
      expect(Math.abs(s.sd / se - 1)).to.be.below(0.15);
      expect(Math.abs(s.mean - 0.1)).to.be.below((5 * se) / 20);
      expect(Array.from(s.counts).reduce((x, y) => x + y, 0) + s.below + s.above).to.equal(400);
    }
  });

  it('SummaryLayout: summed chunk summaries give the two-pass mean, sample SD and histogram of all values', () => {
    const xs = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i) + 1e3);
    const layout = new SummaryLayout(1e3, 999, 1001, 10);
    const total = new Float64Array(layout.length), part = new Float64Array(layout.length);
    for (let c = 0; c < 1000; c += 300) {
      layout.summarize(xs.subarray(c, Math.min(1000, c + 300)), Math.min(300, 1000 - c), part);
      for (let k = 0; k < total.length; k++) total[k] += part[k];
    }
    const s = layout.finish(total, 1000);
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
    expect(s.mean).to.be.closeTo(m, 1e-10);
    expect(s.sd).to.be.closeTo(sd, 1e-12);
    expect(Array.from(s.counts).reduce((a, b) => a + b, 0)).to.equal(1000);
    // sin(i) ∈ [−1, 1] maps to the 10 bins of [999, 1001); bin 0 holds the values below 999.2.
    expect(s.counts[0]).to.equal(xs.filter((x) => x < 999.2).length);
  });

  it('the fused tt.random.fillBootstrapMeans kernel (the example\'s index resampler) equals indexResampleMean to 1e-12 relative', () => {
    // same resamples (indices from the uniform stream of foldIn(key, r)); only the summation order differs, and the
    // sums of 0/1 values are exact integers below 2^53 in both, so they agree exactly here; 1e-12 allows reordering
    const n = 30011;
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i += 7) data[i] = 1;
    const key = tt.random.key(5);
    const fused = new Float64Array(5);
    tt.random.fillBootstrapMeans(key, Float64Array.from(data), fused, { start: 3 });
    const scratch = new Float64Array(4096);
    for (let j = 0; j < 5; j++) {
      const ref = indexResampleMean(data, tt.random.foldIn(key, 3 + j), scratch);
      expect(Math.abs(fused[j] - ref)).to.be.below(1e-12 * ref);
    }
  });
});
