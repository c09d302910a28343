// Trace-aware checkpointing: peak memory of the chunked, checkpointed Hutchinson estimator in forward AND backward
// (n = 4·10⁶, Rademacher probes, chunk 1) stays a few n-vectors and does not grow with the number of samples; the
// unchunked estimator (all probes at once, taped) is measured at a smaller n for contrast and extrapolated.
import * as tt from '../src/index.js';
import { MemoryProbe, gc, mib, quick, table, writeSection } from './lib.js';

const n = quick ? 200_000 : 4_000_000;
const sampleCounts = quick ? [20, 100] : [100, 1000];
const nSmall = quick ? 20_000 : 40_000;
const contrastSamples = quick ? 100 : 1000;
const vecBytes = 8 * n;

// Diagonal scaling A(d) v = d ⊙ v with a parameter per entry: the gradient is itself an n-vector.
const matvec = (v: tt.Tensor, d: tt.PyTree): tt.Tensor => tt.mul(v, d as tt.Tensor);
const key = tt.random.key(2024);

interface Row { n: number; samples: number; chunk: number; phase: string; heap: number; rss: number; ms: number; gc: boolean }
const rows: Row[] = [];

/** One valueAndGrad of the estimator; memory sampled after every chunk (with `forceGc`, after a full GC: retained memory only). */
function measure(nn: number, samples: number, chunk: number, forceGc: boolean): void {
  const d = tt.tensor(Float64Array.from({ length: nn }, (_, i) => 1 + (i % 10) / 10));
  const fwd = new MemoryProbe(), bwd = new MemoryProbe();
  const every = Math.max(1, Math.floor(samples / chunk / 20)) * chunk;
  const est = tt.stochtrace.estimator(tt.stochtrace.trace(), tt.stochtrace.rademacher(nn, { num: samples }), {
    chunkSize: chunk, onProgress: (p) => {
      // Forced GCs are slow: with forceGc, sample ~20 times per phase (always including the last chunk).
      if (forceGc) { if (p.done % every !== 0 && p.done !== p.total) return; gc(); }
      (p.phase === 'forward' ? fwd : bwd).tick();
    },
  });
  const loss = (p: tt.Tensor): tt.Tensor => est(matvec, key, p) as tt.Tensor;
  gc();
  fwd.start();
  bwd.start();
  const t = performance.now();
  const [, g] = tt.valueAndGrad(loss)(d);
  const ms = performance.now() - t;
  const pf = fwd.result(), pb = bwd.result();
  // Exact for Rademacher probes: vᵀ diag(d) v = Σ d, so the gradient of the mean is all ones.
  const gd = (g as tt.Tensor)._data;
  if (Math.abs(gd[0] - 1) > 1e-12 || Math.abs(gd[nn - 1] - 1) > 1e-12) throw new Error('gradient check failed');
  rows.push({ n: nn, samples, chunk, phase: 'forward', heap: pf.heapBytes, rss: pf.rssBytes, ms: NaN, gc: forceGc });
  rows.push({ n: nn, samples, chunk, phase: 'backward', heap: pb.heapBytes, rss: pb.rssBytes, ms, gc: forceGc });
}

for (const s of sampleCounts) measure(n, s, 1, false);
measure(nSmall, contrastSamples, 1, true);
measure(nSmall, contrastSamples, contrastSamples, true);

const vecs = (r: Row): string => (r.heap / (8 * r.n)).toFixed(1);
const body: string[] = [];
body.push(`Hutchinson trace of A(d) = diag(d) with Rademacher probes, estimator(trace(), rademacher(n, {num}), {chunkSize}); `
  + 'peak of heapUsed + arrayBuffers and of RSS above the post-GC baseline (which already holds d), sampled after every chunk '
  + 'of the forward and of the backward via onProgress, during one valueAndGrad. "n-vectors" = peak heap ÷ 8n bytes. Rows "no forced GC" '
  + 'include garbage V8 has not yet collected (at small n this GC slack of a few tens of MiB dominates); rows "after GC" force a '
  + 'collection before ~20 evenly spaced samples per phase, so they show what the algorithm retains (used for the chunked/unchunked contrast).');
body.push('');
body.push(table(['n', 'samples', 'chunk', 'phase', 'sampling', 'peak heap+AB', 'n-vectors', 'peak RSS', 'time (fwd+bwd)'], rows.map((r) => [
  r.n.toLocaleString('en-US'), r.samples, r.chunk, r.phase, r.gc ? 'after GC (retained)' : 'no forced GC', mib(r.heap), vecs(r), mib(r.rss), Number.isNaN(r.ms) ? '—' : `${(r.ms / 1000).toFixed(1)} s`,
])));
const big = rows.filter((r) => r.n === n);
const worst = Math.max(...big.map((r) => r.heap)) / vecBytes;
const byS = (s: number, phase: string): number => big.find((r) => r.samples === s && r.phase === phase)!.heap;
const chunkedSmall = rows.find((r) => r.n === nSmall && r.chunk === 1 && r.phase === 'backward')!;
const [s0, s1] = sampleCounts;
const growth = Math.max(byS(s1, 'backward') - byS(s0, 'backward'), byS(s1, 'forward') - byS(s0, 'forward'));
const unchunked = rows.find((r) => r.chunk === contrastSamples && r.phase === 'backward')!;
const perSample = unchunked.heap / (8 * unchunked.n) / contrastSamples;
body.push('');
body.push(`- n = ${n.toLocaleString('en-US')}, chunk 1: worst peak ${worst.toFixed(1)} n-vectors (${mib(worst * vecBytes)}) above baseline in forward and backward `
  + `(target < 12 at n = 4,000,000)${quick ? '; quick mode uses a small n, where V8\'s GC slack of a few tens of MiB is many n-vectors' : ''}.`);
body.push(`- Growth of the peak from ${s0} to ${s1} samples: ${mib(growth)} (${(growth / vecBytes).toFixed(2)} n-vectors).`);
body.push(`- Retained memory at n = ${nSmall.toLocaleString('en-US')}, ${contrastSamples} samples: chunk 1 ${vecs(chunkedSmall)} n-vectors; `
  + `unchunked (all probes at once, taped) ${vecs(unchunked)} n-vectors `
  + `(${perSample.toFixed(2)} per sample). At n = ${n.toLocaleString('en-US')} with ${s1} samples that predicts `
  + `${mib(perSample * s1 * vecBytes)} (the probe block alone is ${mib(s1 * vecBytes)}), versus ${mib(worst * vecBytes)} chunked.`);
writeSection('stochtrace-memory', 'Stochastic trace: memory of the trace-aware checkpoint', body.join('\n'));
