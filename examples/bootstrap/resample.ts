/**
 * The two bootstrap resamplers and the constant-memory reduction of the bootstrap example.
 * - `indexResampleMean`: the literal algorithm of the seed, draw n indices uniformly with replacement and average
 *   the gathered values (O(n) work per resample, a fixed scratch buffer); the TypeScript reference of the fused
 *   `tt.random.fillBootstrapMeans` kernel that the example's 'index' resampler runs.
 * - `countsResampleMean`: the same distribution from the multinomial counts of the distinct values (a resample
 *   is determined by how often each distinct value is drawn), by sequential conditional binomials: O(#distinct)
 *   work per resample, exact for any statistic of the resample's empirical distribution.
 * - `SummaryLayout`: an additive fixed-size summary (centred sums, histogram) so chunk summaries can be summed and
 *   memory does not grow with the number of resamples.
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

/**
 * The additive summary of a set of resample statistics, so that summaries of chunks can be summed (the reduce of the
 * map-reduce): [Σ(x − c), Σ(x − c)², #below lo, #at or above hi, bin counts on [lo, hi)], with a fixed centre c
 * (the sample mean) that keeps the sums of squares free of cancellation.
 */
export class SummaryLayout {
  constructor(readonly center: number, readonly lo: number, readonly hi: number, readonly bins: number) {}
  /** Length of a summary vector. */
  get length(): number {
    return 4 + this.bins;
  }
  /** Write the summary of `values[0..count)` into `out` (overwriting it). */
  summarize(values: Float64Array, count: number, out: Float64Array): void {
    out.fill(0);
    const { center, lo, hi, bins } = this;
    const scale = bins / (hi - lo);
    for (let i = 0; i < count; i++) {
      const x = values[i];
      const d = x - center;
      out[0] += d;
      out[1] += d * d;
      if (x < lo) out[2]++;
      else if (x >= hi) out[3]++;
      else out[4 + Math.min(bins - 1, Math.floor((x - lo) * scale))]++;
    }
  }
  /** Mean, sample standard deviation and histogram from a (summed) summary of `count` values. */
  finish(summary: ArrayLike<number>, count: number): { mean: number; sd: number; below: number; above: number; counts: Float64Array; edges: Float64Array } {
    const s1 = summary[0], s2 = summary[1];
    const counts = new Float64Array(this.bins);
    for (let b = 0; b < this.bins; b++) counts[b] = summary[4 + b];
    const edges = new Float64Array(this.bins + 1);
    for (let b = 0; b <= this.bins; b++) edges[b] = this.lo + ((this.hi - this.lo) * b) / this.bins;
    return {
      mean: this.center + s1 / count,
      sd: count > 1 ? Math.sqrt(Math.max(0, s2 - (s1 * s1) / count) / (count - 1)) : NaN,
      below: summary[2], above: summary[3], counts, edges,
    };
  }
}
