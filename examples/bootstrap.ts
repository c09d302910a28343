/**
 * Example: scalable bootstrap (seed 03). The standard error of the mean of a 5·10⁶-element Bernoulli(0.05) sample
 * from 10⁵ with-replacement resamples, as a sequential map-reduce (`tt.mapReduce`) over chunks of resamples: each
 * chunk draws its resamples from counter-based keys (foldIn(key, resample index)) and returns a fixed-size additive
 * summary (centred sums and a fixed-bin histogram) that mapReduce sums, so memory stays constant however many
 * resamples are run.
 * Two resamplers: 'counts' (default) draws a resample as the multinomial counts of the data's distinct values, which
 * has exactly the distribution of index resampling for any statistic of the resample's values (O(1) per resample
 * here); 'index' is the literal algorithm (n uniform indices per resample, O(n)), run by `tt.random.fillBootstrapMeans`
 * (the fused WebAssembly SIMD Philox → index → count → sum kernel, optionally on several threads; the same resamples
 * as drawing `tt.random.uniform(foldIn(key, r), [n])` and gathering). The default run also times a short batch of
 * literal index resamples as a cross-check of both the distribution and the throughput.
 */
import * as tt from '../src/index.js';
import { createContext, plot, PeakMemory, fmtBytes, resolveRunOptions, type FlagSpec, type RunOptions } from './lib/index.js';
import { UniformStream } from './bootstrap/binomial.js';
import { countsResampleMean, distinctCounts, SummaryLayout } from './bootstrap/resample.js';

/** One line for the example list. */
export const description = 'bootstrap SE of a 5e6 Bernoulli(0.05) mean from 1e5 resamples in constant memory (sequential map-reduce)';

/** Command-line flags. */
export const flags = {
  n: { type: 'number', default: 5_000_000, integer: true, min: 2, help: 'sample size' },
  p: { type: 'number', default: 0.05, min: 0, help: 'Bernoulli probability of the simulated sample' },
  resamples: { type: 'number', default: 100_000, integer: true, min: 2, help: 'number of bootstrap resamples' },
  chunkSize: { type: 'number', default: 1000, integer: true, min: 1, help: 'resamples per map step (the vectorised chunk of the hybrid)' },
  resampler: { type: 'string', default: 'counts', choices: ['counts', 'index'], help: "'counts' (multinomial counts of distinct values, O(1)/resample) or 'index' (n random indices, O(n)/resample)" },
  threads: { type: 'number', default: 1, integer: true, min: 1, help: "threads for the 'index' resampler's kernel (results identical for any count)" },
  check: { type: 'number', default: 8, integer: true, min: 0, help: 'literal index resamples run as a cross-check (0 skips)' },
  bins: { type: 'number', default: 60, integer: true, min: 5, help: 'histogram bins' },
  seed: { type: 'number', default: 0, integer: true, min: 0, help: 'PRNG seed' },
} as const satisfies FlagSpec;

/** Results of one resampling run. */
export interface BootstrapRun {
  resampler: 'counts' | 'index';
  resamples: number;
  seconds: number;
  resamplesPerSecond: number;
  mean: number;
  se: number;
  /** Peak growth of JS heap + ArrayBuffers during the resampling loop, in bytes. */
  peakBytes: number;
}

/** What `run` returns (and writes as JSON). */
export interface BootstrapResults {
  n: number;
  p: number;
  ones: number;
  pHat: number;
  analyticSe: number;
  main: BootstrapRun;
  relativeError: number;
  check: BootstrapRun | null;
  histogram: { edges: Float64Array; counts: Float64Array; below: number; above: number };
}

/** Simulate the 0/1 sample in blocks (elementwise uniform < p from a tracetape key). */
function simulate(n: number, p: number, key: tt.random.PRNGKey): Uint8Array {
  const data = new Uint8Array(n);
  const block = new Float64Array(1 << 16);
  for (let start = 0; start < n; start += block.length) {
    const m = Math.min(block.length, n - start);
    const u = m === block.length ? block : block.subarray(0, m);
    tt.random.fillUniform(key, u, start);
    for (let i = 0; i < m; i++) data[start + i] = u[i] < p ? 1 : 0;
  }
  return data;
}

/**
 * The resampling map-reduce: `tt.mapReduce` over chunk indices, sequentially; each chunk computes its `chunkSize`
 * resample means in a typed-array loop (the vectorised half of the hybrid) and returns its additive summary, which
 * mapReduce sums without ever stacking the chunks' results.
 */
function resampleAll(
  data: Uint8Array, resampler: 'counts' | 'index', resamples: number, chunkSize: number, key: tt.random.PRNGKey,
  layout: SummaryLayout, threads: number, onChunk: (done: number) => void,
): { run: BootstrapRun; summary: ReturnType<SummaryLayout['finish']> } {
  // the index resampler's kernel gathers float64 values: one copy of the 0/1 data (before the memory baseline)
  const values = resampler === 'index' ? Float64Array.from(data) : null;
  const memory = new PeakMemory();
  memory.start();
  const distinct = distinctCounts(data);
  const rng = new UniformStream(key);
  const chunkMeans = new Float64Array(chunkSize);
  const numChunks = Math.ceil(resamples / chunkSize);
  const t0 = performance.now();
  const chunkSummary = (chunk: tt.Tensor): tt.Tensor => {
    const first = chunk.item() * chunkSize;
    const m = Math.min(chunkSize, resamples - first);
    if (values) {
      // resample first + j draws its n indices from the uniform stream of foldIn(key, first + j), as indexResampleMean does
      tt.random.fillBootstrapMeans(key, values, chunkMeans.subarray(0, m), { start: first, threads });
    } else {
      for (let j = 0; j < m; j++) chunkMeans[j] = countsResampleMean(distinct, tt.random.foldIn(key, first + j), rng);
    }
    const out = new Float64Array(layout.length);
    layout.summarize(chunkMeans, m, out);
    memory.tick();
    onChunk(m);
    return tt.tensor(out);
  };
  const total = tt.mapReduce((c) => chunkSummary(c as tt.Tensor), tt.arange(numChunks), { checkpoint: false });
  const seconds = (performance.now() - t0) / 1000;
  const summary = layout.finish(total.data(), resamples);
  return {
    run: { resampler, resamples, seconds, resamplesPerSecond: resamples / seconds, mean: summary.mean, se: summary.sd, peakBytes: memory.peakBytes() },
    summary,
  };
}

/** Run the example. */
export async function run(options: RunOptions<typeof flags> = {}): Promise<BootstrapResults> {
  const o = resolveRunOptions(flags, options);
  const ctx = createContext('bootstrap', o);
  const root = tt.random.key(o.seed);
  const [dataKey, mainKey, checkKey] = tt.random.split(root, 3);

  const data = simulate(o.n, o.p, dataKey);
  let ones = 0;
  for (let i = 0; i < data.length; i++) ones += data[i];
  const pHat = ones / o.n;
  const analyticSe = Math.sqrt((pHat * (1 - pHat)) / o.n);
  ctx.log(`sample: n = ${o.n}, ${ones} ones, p̂ = ${pHat.toFixed(6)}; analytic SE √(p̂(1−p̂)/n) = ${analyticSe.toExponential(4)}`);

  const halfWidth = 5 * Math.max(analyticSe, 1 / o.n);
  const layout = new SummaryLayout(pHat, pHat - halfWidth, pHat + halfWidth, o.bins);
  const bar = ctx.progress(`resampling (${o.resampler})`, o.resamples, 'resamples');
  const { run: main, summary } = resampleAll(data, o.resampler, o.resamples, o.chunkSize, mainKey, layout, o.threads, (m) => bar.tick(m));
  bar.done();

  let check: BootstrapRun | null = null;
  if (o.check > 0 && o.resampler !== 'index') {
    const cbar = ctx.progress('cross-check (index)', o.check, 'resamples');
    check = resampleAll(data, 'index', o.check, Math.min(o.chunkSize, o.check), checkKey, layout, o.threads, (m) => cbar.tick(m)).run;
    cbar.done();
  }

  const relativeError = main.se / analyticSe - 1;
  const rows: (string | number)[][] = [
    ['analytic', '—', '—', pHat, analyticSe, '—', '—'],
    [`bootstrap (${main.resampler})`, main.resamples, main.resamplesPerSecond, main.mean, main.se, `${(100 * relativeError).toFixed(2)}%`, fmtBytes(main.peakBytes)],
  ];
  if (check) {
    rows.push([`bootstrap (index, check)`, check.resamples, check.resamplesPerSecond, check.mean, check.se, `${(100 * (check.se / analyticSe - 1)).toFixed(1)}%`, fmtBytes(check.peakBytes)]);
  }
  ctx.table(`Bootstrap of the mean, n = ${o.n}`, ['method', 'resamples', 'resamples/s', 'mean', 'SE', 'SE vs analytic', 'peak heap growth'], rows);

  const results: BootstrapResults = {
    n: o.n, p: o.p, ones, pHat, analyticSe, main, relativeError, check,
    histogram: { edges: summary.edges, counts: summary.counts, below: summary.below, above: summary.above },
  };
  // Histogram as a density, with the normal approximation N(p̂, SE²) for reference.
  const width = (2 * halfWidth) / o.bins;
  const density = Float64Array.from(summary.counts, (c) => c / (main.resamples * width));
  const xs = Array.from({ length: 201 }, (_, i) => pHat - halfWidth + (2 * halfWidth * i) / 200);
  const normal = xs.map((x) => Math.exp(-0.5 * ((x - pHat) / analyticSe) ** 2) / (analyticSe * Math.sqrt(2 * Math.PI)));
  const svg = histogramFigure(summary.edges, density, xs, normal, `Bootstrap distribution of the mean (n = ${o.n}, ${main.resamples} resamples)`);
  ctx.writeSvg('histogram', svg);
  ctx.writeJson({ options: { ...o, quiet: undefined, outDir: undefined }, ...results });
  return results;
}

/** The histogram figure: bootstrap densities as bars plus the normal reference curve. */
function histogramFigure(edges: Float64Array, density: Float64Array, xs: number[], normal: number[], title: string): string {
  return plot({
    title, xLabel: 'resample mean', yLabel: 'density',
    bars: [{ edges, counts: density, label: 'bootstrap resample means' }],
    series: [{ x: xs, y: normal, label: 'N(p̂, analytic SE²)', color: '#D55E00' }],
  });
}
