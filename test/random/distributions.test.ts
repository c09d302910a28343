// Statistical sanity of the samplers with fixed keys. Every bound is a 5-sigma interval derived from the sample size
// (a false failure has probability below ~6e-7 per check, and the keys are fixed, so the outcome is reproducible).
import { expect } from 'chai';
import * as tt from '../../src/index.js';

const { random } = tt;
const FIVE_SIGMA = 5;

function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

function rawMoment(x: ArrayLike<number>, p: number): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] ** p;
  return s / x.length;
}

/** Sample correlation of two equally long series. */
function corr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ma = mean(a), mb = mean(b);
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) { const da = a[i] - ma, db = b[i] - mb; sab += da * db; saa += da * da; sbb += db * db; }
  return sab / Math.sqrt(saa * sbb);
}

describe('random: determinism', () => {
  it('the same key gives the same draws; the shape only reshapes; smaller draws are prefixes', () => {
    const k = random.key(11);
    for (const f of [random.uniform, random.normal, random.rademacher]) {
      const a = f(k, [6, 7]), b = f(k, [6, 7]), flat = f(k, [42]), longer = f(k, [45]);
      expect(a.shape).to.deep.equal([6, 7]);
      expect(Array.from(a._data)).to.deep.equal(Array.from(b._data));
      expect(Array.from(a._data)).to.deep.equal(Array.from(flat._data));
      expect(Array.from(longer._data.subarray(0, 42))).to.deep.equal(Array.from(flat._data));
    }
    expect(random.normal(k, 5).shape).to.deep.equal([5]);
    expect(random.normal(k, [0, 3]).size).to.equal(0);
    expect(random.normal(k, []).shape).to.deep.equal([]);
  });

  it('float32 draws follow the 24-bit recipe: uniforms are the float64 ones truncated, normals agree to float32 accuracy', () => {
    const k = random.key(5);
    const N = 20000;
    const u64 = random.uniform(k, [N])._data, u32 = random.uniform(k, [N], { dtype: 'float32' });
    expect(u32.dtype).to.equal('float32');
    let mismatches = 0;
    for (let i = 0; i < N; i++) if (u32._data[i] !== Math.floor(u64[i] * 2 ** 24) / 2 ** 24) mismatches++;
    expect(mismatches).to.equal(0);
    const z64 = random.normal(k, [N])._data, z32 = random.normal(k, [N], { dtype: 'float32' })._data;
    // The recipes differ by < 2^-23 in s and < 2^-24 in u. With r the Box–Muller radius of the pair,
    // |dr| <= |ds| / (r s) and s = exp(-r^2/2): for 0.05 <= r <= 3 that is < 2e-6, plus r * 2 pi * 2^-24 < 2e-6
    // from the angle and float32 rounding (< 3e-7), so |z64 - z32| < 5e-6 there (outside, r is ill-conditioned in s).
    let close = 0, bulk = 0;
    for (let i = 0; i < N; i++) {
      const r = Math.hypot(z64[i], z64[i ^ 1]);
      if (r < 0.05 || r > 3) continue;
      bulk++;
      if (Math.abs(z64[i] - z32[i]) < 5e-6) close++;
    }
    expect(bulk).to.be.above(0.98 * N); // P(r < 0.05 or r > 3) = 1 - exp(-0.00125) + exp(-4.5) ~ 1.2%
    expect(close).to.equal(bulk);
  });

  it('uniform respects [minval, maxval) for both dtypes', () => {
    const k = random.key(9);
    for (const dtype of ['float64', 'float32'] as const) {
      const u = random.uniform(k, [50000], { dtype, minval: -3, maxval: 0.1 })._data;
      let lo = Infinity, hi = -Infinity;
      for (const v of u) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      expect(lo).to.be.at.least(-3);
      expect(hi).to.be.below(dtype === 'float32' ? Math.fround(0.1) : 0.1);
      expect(lo).to.be.below(-2.99); // the range is actually covered (P(fail) = (1 - 0.01/3.1)^50000 ~ 1e-70)
      expect(hi).to.be.above(0.09);
    }
  });

  it('uniform stays below maxval when rounding to the dtype would reach it (narrow ranges)', () => {
    const k = random.key(10);
    // [1, 1 + 2^-50) holds only 4 float64 values and [1, 1 + 2^-20) only 8 float32 values: without the clamp,
    // about 1/8 (resp. 1/16) of the draws would round up to maxval.
    for (const [dtype, hi, count] of [['float64', 1 + 2 ** -50, 4], ['float32', 1 + 2 ** -20, 8]] as const) {
      const u = random.uniform(k, [4000], { dtype, minval: 1, maxval: hi })._data;
      const distinct = new Set(u);
      for (const v of distinct) { expect(v).to.be.at.least(1); expect(v).to.be.below(hi); }
      expect(distinct.size).to.equal(count);
    }
  });
});

describe('random: distributions', () => {
  const N = 200000;

  it('uniform: mean, variance and a 100-bin chi-square test', () => {
    const u = random.uniform(random.key(1), [N])._data;
    // mean of U(0,1): 1/2, sd of the sample mean sqrt(1/12 / N).
    expect(Math.abs(mean(u) - 0.5)).to.be.below(FIVE_SIGMA * Math.sqrt(1 / 12 / N));
    // E[u^2] = 1/3, Var(u^2) = 1/5 - 1/9 = 4/45.
    expect(Math.abs(rawMoment(u, 2) - 1 / 3)).to.be.below(FIVE_SIGMA * Math.sqrt(4 / 45 / N));
    const bins = 100, counts = new Float64Array(bins);
    for (const v of u) counts[Math.floor(v * bins)]++;
    const e = N / bins;
    let chi2 = 0;
    for (const c of counts) chi2 += (c - e) ** 2 / e;
    // chi-square with 99 degrees of freedom: mean 99, sd sqrt(198) ~ 14.07; two-sided 5-sigma band [28.6, 169.4].
    const df = bins - 1, sd = Math.sqrt(2 * df);
    expect(chi2).to.be.within(df - FIVE_SIGMA * sd, df + FIVE_SIGMA * sd);
  });

  it('uniform float32: 100-bin chi-square test', () => {
    const u = random.uniform(random.key(2), [N], { dtype: 'float32' })._data;
    const bins = 100, counts = new Float64Array(bins);
    for (const v of u) counts[Math.floor(v * bins)]++;
    let chi2 = 0;
    for (const c of counts) chi2 += (c - N / bins) ** 2 / (N / bins);
    expect(chi2).to.be.within(99 - FIVE_SIGMA * Math.sqrt(198), 99 + FIVE_SIGMA * Math.sqrt(198));
  });

  for (const dtype of ['float64', 'float32'] as const) {
    it(`normal (${dtype}): mean, variance, skewness, kurtosis and the 1- and 2-sigma masses`, () => {
      const z = random.normal(random.key(3), [N], { dtype })._data;
      // Sample-moment standard deviations for N(0,1): mean 1/sqrt(N); E[z^2]: sqrt(2/N); E[z^3]: sqrt(15/N); E[z^4]: sqrt(96/N).
      expect(Math.abs(mean(z))).to.be.below(FIVE_SIGMA / Math.sqrt(N));
      expect(Math.abs(rawMoment(z, 2) - 1)).to.be.below(FIVE_SIGMA * Math.sqrt(2 / N));
      expect(Math.abs(rawMoment(z, 3))).to.be.below(FIVE_SIGMA * Math.sqrt(15 / N));
      expect(Math.abs(rawMoment(z, 4) - 3)).to.be.below(FIVE_SIGMA * Math.sqrt(96 / N));
      // P(|z| < 1) = erf(1/sqrt 2) = 0.682689492137086, P(|z| < 2) = erf(sqrt 2) = 0.954499736103642 (closed forms).
      for (const [t, p] of [[1, 0.682689492137086], [2, 0.954499736103642]]) {
        let c = 0;
        for (const v of z) if (Math.abs(v) < t) c++;
        expect(Math.abs(c / N - p)).to.be.below(FIVE_SIGMA * Math.sqrt(p * (1 - p) / N));
      }
    });
  }

  it('rademacher: values are exactly ±1, P(+1) = 1/2, neighbours (same Philox block) uncorrelated', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const s = random.rademacher(random.key(4), [N], { dtype })._data;
      let plus = 0, lag1 = 0, lag4 = 0, other = 0;
      for (let i = 0; i < N; i++) {
        if (s[i] !== 1 && s[i] !== -1) other++;
        if (s[i] === 1) plus++;
        if (i > 0) lag1 += s[i] * s[i - 1];
        if (i > 3) lag4 += s[i] * s[i - 4];
      }
      expect(other).to.equal(0);
      expect(Math.abs(plus / N - 0.5)).to.be.below(FIVE_SIGMA * 0.5 / Math.sqrt(N));
      // Each product is ±1 with mean 0 and variance 1 under independence.
      expect(Math.abs(lag1 / (N - 1))).to.be.below(FIVE_SIGMA / Math.sqrt(N - 1));
      expect(Math.abs(lag4 / (N - 4))).to.be.below(FIVE_SIGMA / Math.sqrt(N - 4));
    }
  });

  it('sphere: every row has norm exactly sqrt(n) and E[v vᵀ] = I', () => {
    const n = 4, M = 50000;
    const v = random.sphere(random.key(5), [M, n]);
    expect(v.shape).to.deep.equal([M, n]);
    const d = v._data;
    let worst = 0;
    for (let r = 0; r < M; r++) {
      let ss = 0;
      for (let j = 0; j < n; j++) ss += d[r * n + j] ** 2;
      worst = Math.max(worst, Math.abs(Math.sqrt(ss) - Math.sqrt(n)));
    }
    expect(worst).to.be.below(4e-15 * Math.sqrt(n)); // float64 rounding of a 4-term sum and one scaling only
    // For v uniform on the sphere of radius sqrt(n): Var(v_a^2) = (2n - 2)/(n + 2) = 1 and Var(v_a v_b) = n/(n + 2) < 1 at n = 4,
    // so each entry of the sample second-moment matrix has sd <= 1/sqrt(M).
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        let s = 0;
        for (let r = 0; r < M; r++) s += d[r * n + a] * d[r * n + b];
        expect(Math.abs(s / M - (a === b ? 1 : 0)), `entry (${a},${b})`).to.be.below(FIVE_SIGMA / Math.sqrt(M));
      }
    }
  });

  it('sphere: float32 rows, batched shapes and n = 1 (rows are ±1)', () => {
    const v = random.sphere(random.key(6), [3, 50, 7], { dtype: 'float32' });
    expect(v.dtype).to.equal('float32');
    const d = v._data;
    for (let r = 0; r < 150; r++) {
      let ss = 0;
      for (let j = 0; j < 7; j++) ss += d[r * 7 + j] ** 2;
      expect(Math.abs(Math.sqrt(ss) - Math.sqrt(7))).to.be.below(1e-6 * Math.sqrt(7)); // float32 rounding of 7 entries
    }
    const one = random.sphere(random.key(6), [1000, 1])._data;
    let off = 0;
    for (const x of one) off = Math.max(off, Math.abs(Math.abs(x) - 1));
    expect(off).to.be.below(2.3e-16); // z * (1 / |z|) rounds once
    let plus = 0;
    for (const x of one) if (x > 0) plus++;
    expect(Math.abs(plus / 1000 - 0.5)).to.be.below(FIVE_SIGMA * 0.5 / Math.sqrt(1000));
  });
});

describe('random: independence of derived streams', () => {
  const N = 100000;
  const bound = FIVE_SIGMA / Math.sqrt(N); // sd of a sample correlation of independent series ~ 1/sqrt(N)

  it('split children, foldIn keys, adjacent seeds and the parent give uncorrelated normal streams', () => {
    const k = random.key(12345);
    const keys = [k, ...random.split(k, 3), random.foldIn(k, 0), random.foldIn(k, 1), random.key(12346), random.key(12344)];
    const streams = keys.map((kk) => random.normal(kk, [N])._data);
    for (let i = 0; i < streams.length; i++) {
      for (let j = i + 1; j < streams.length; j++) {
        expect(Math.abs(corr(streams[i], streams[j])), `${keys[i]} vs ${keys[j]}`).to.be.below(bound);
      }
    }
  });

  it('within one stream: lag-1 and lag-2 autocorrelations (the Box–Muller pair and the next block) vanish', () => {
    const z = random.normal(random.key(77), [N + 2])._data;
    for (const lag of [1, 2]) {
      const a = z.subarray(0, N), b = z.subarray(lag, N + lag);
      expect(Math.abs(corr(a, b)), `lag ${lag}`).to.be.below(bound);
      // The Box–Muller pair is uncorrelated but also has independent squares: corr(z_2k^2, z_2k+1^2) ~ 0.
      const a2 = a.map((x) => x * x), b2 = b.map((x) => x * x);
      expect(Math.abs(corr(a2, b2)), `squares, lag ${lag}`).to.be.below(bound);
    }
  });
});
