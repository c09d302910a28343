/**
 * The two bootstrap resamplers and the constant-memory reduction of the bootstrap example.
 * - `indexResampleMean`: the literal algorithm of the seed, draw n indices uniformly with replacement and average
 *   the gathered values (O(n) work per resample, a fixed scratch buffer).
 * - `countsResampleMean`: the same distribution from the multinomial counts of the distinct values (a resample
 *   is determined by how often each distinct value is drawn), by sequential conditional binomials: O(#distinct)
 *   work per resample, exact for any statistic of the resample's empirical distribution.
 * - `StreamingStats`: Welford mean/variance plus a fixed-range histogram, so memory does not grow with resamples.
 */
import * as tt from '../../src/index.js';
import { binomial, UniformStream } from './binomial.js';

/** Mean of one with-replacement resample of `data` (size n), drawn from `key`; `scratch` holds uniforms in blocks. */
export function indexResampleMean(data: Uint8Array | Float64Array, key: tt.random.PRNGKey, scratch: Float64Array): number {
  const n = data.length;
  let sum = 0;
  for (let start = 0; start < n; start += scratch.length) {
    const m = Math.min(scratch.length, n - start);
    const u = m === scratch.length ? scratch : scratch.subarray(0, m);
    tt.random.fillUniform(key, u, start);
    for (let i = 0; i < m; i++) sum += data[Math.floor(u[i] * n)];
  }
  return sum / n;
}

/** A data set summarised by its distinct values and their multiplicities. */
export interface DistinctCounts {
  values: Float64Array;
  counts: Float64Array;
  n: number;
}

/** Distinct values of a 0/1 (or small-integer) data set and how often each occurs. */
export function distinctCounts(data: Uint8Array): DistinctCounts {
  const hist = new Float64Array(256);
  for (let i = 0; i < data.length; i++) hist[data[i]]++;
  const values: number[] = [], counts: number[] = [];
  for (let v = 0; v < 256; v++) if (hist[v] > 0) { values.push(v); counts.push(hist[v]); }
  return { values: Float64Array.from(values), counts: Float64Array.from(counts), n: data.length };
}

/**
 * Mean of one with-replacement resample, drawn as multinomial counts of the distinct values:
 * c₁ ~ Bin(n, w₁), c₂ ~ Bin(n − c₁, w₂/(1 − w₁)), …; `rng` is reset to `key`.
 */
export function countsResampleMean(d: DistinctCounts, key: tt.random.PRNGKey, rng: UniformStream): number {
  rng.reset(key);
  let remaining = d.n;
  let massLeft = d.n;
  let sum = 0;
  const k = d.values.length;
  for (let j = 0; j < k - 1 && remaining > 0; j++) {
    const c = binomial(remaining, Math.min(1, d.counts[j] / massLeft), rng);
    sum += c * d.values[j];
    remaining -= c;
    massLeft -= d.counts[j];
  }
  sum += remaining * d.values[k - 1];
  return sum / d.n;
}

/** Running mean/variance (Welford) and a histogram with fixed bins on [lo, hi] (values outside are counted apart). */
export class StreamingStats {
  count = 0;
  mean = 0;
  private m2 = 0;
  readonly bins: Float64Array;
  below = 0;
  above = 0;
  constructor(readonly lo: number, readonly hi: number, nBins: number) {
    this.bins = new Float64Array(nBins);
  }
  /** Add one value. */
  push(x: number): void {
    this.count++;
    const d = x - this.mean;
    this.mean += d / this.count;
    this.m2 += d * (x - this.mean);
    if (x < this.lo) this.below++;
    else if (x >= this.hi) this.above++;
    else this.bins[Math.floor(((x - this.lo) / (this.hi - this.lo)) * this.bins.length)]++;
  }
  /** Sample standard deviation (n − 1 denominator). */
  std(): number {
    return this.count > 1 ? Math.sqrt(this.m2 / (this.count - 1)) : NaN;
  }
  /** Bin edges of the histogram. */
  edges(): Float64Array {
    const e = new Float64Array(this.bins.length + 1);
    for (let i = 0; i <= this.bins.length; i++) e[i] = this.lo + ((this.hi - this.lo) * i) / this.bins.length;
    return e;
  }
}
