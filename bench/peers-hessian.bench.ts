/**
 * Peer benchmark 3 (issue 7): Hutchinson Hessian trace of the seed-02 MNIST MLP (784→20→10 sigmoid, no biases, batch 256,
 * float64) — tracetape's sequential tape HVPs (tt.hvp) and batched HVP sweeps (examples/hessian-trace) against PyTorch's
 * double-backward HVPs and vmap'd forward-over-reverse HVPs, for the same number of Rademacher probes, same data and weights.
 */
import * as tt from '../src/index.js';
import { quick, table, writeSection } from './lib.js';
import { pythonLine, pythonPeers, runPython, skipReason } from './peers/python.js';
import { errorLine, ratio, relDiff, sci, verdict } from './peers/report.js';
import { mnistBatch } from '../examples/lib/mnist.js';
import { linearize, mlpLoss, type MlpData, type MlpParams } from '../examples/hessian-trace/mlp.js';
import { formsBatchedHvp, mean, probe, traceSequentialHvp } from '../examples/hessian-trace/hutchinson.js';

const probes = quick ? 100 : 1000;
const vBatches = [5, 20];
const batch = mnistBatch(256);
const data: MlpData = { X: batch.images, Y: batch.onehot };
const [k1, k2, kProbes] = tt.random.split(tt.random.key(0), 3);
const params: MlpParams = {
  W1: tt.random.uniform(k1, [784, 20], { minval: -1 / 28, maxval: 1 / 28 }),
  W2: tt.random.uniform(k2, [20, 10], { minval: -1 / Math.sqrt(20), maxval: 1 / Math.sqrt(20) }),
};

/** Seconds and value of one timed call after a short warm-up call. */
function once(warm: () => unknown, f: () => number): { seconds: number; estimate: number } {
  warm();
  const t0 = performance.now();
  const estimate = f();
  return { seconds: (performance.now() - t0) / 1000, estimate };
}

interface Row { impl: string; method: string; vBatch: string; seconds: number; estimate: number }
const rows: Row[] = [];
rows.push({ impl: 'tracetape', method: 'sequential HVP (tt.hvp, tape double-backward)', vBatch: '1',
  ...once(() => traceSequentialHvp(params, data, kProbes, 3), () => traceSequentialHvp(params, data, kProbes, probes)) });
for (const vb of vBatches) {
  rows.push({ impl: 'tracetape', method: 'batched HVP sweep (examples/hessian-trace)', vBatch: String(vb),
    ...once(() => formsBatchedHvp(linearize(params, data), params, kProbes, vb, vb),
      () => mean(formsBatchedHvp(linearize(params, data), params, kProbes, probes, vb))) });
}

// One fixed probe's H v from tracetape, for the cross-check against PyTorch.
const v0 = probe(kProbes, params, 0);
const [h1, h2] = tt.hvp((W1: tt.Tensor, W2: tt.Tensor) => mlpLoss(W1, W2, data), [params.W1, params.W2], [v0.W1, v0.W2]) as tt.Tensor[];
const ttHv = Float64Array.from([...h1.data(), ...h2.data()]);

let torchNote = skipReason(['torch']);
let check: number | null = null;
let vmapNote = '';
if (torchNote === null) {
  try {
    interface TorchOut {
      checkHv: number[]; sequential: { seconds: number; estimate: number };
      batched: { vBatch: number; seconds: number; estimate: number }[]; vmapImpl: string | null; vmapError?: string;
    }
    const r = runPython<TorchOut>('hessian_torch.py', {
      B: 256, D: 784, H: 20, C: 10, X: Array.from(data.X.data()), Y: Array.from(data.Y.data()),
      W1: Array.from(params.W1.data()), W2: Array.from(params.W2.data()), probes, vBatches,
      checkProbe: [...v0.W1.data(), ...v0.W2.data()],
    }, (quick ? 110 : 400) * 1000);
    check = relDiff(r.checkHv, ttHv);
    rows.push({ impl: 'PyTorch', method: 'sequential HVP (autograd double backward)', vBatch: '1', ...r.sequential });
    for (const b of r.batched) rows.push({ impl: 'PyTorch', method: `batched HVP (${r.vmapImpl}.vmap of jvp∘grad)`, vBatch: String(b.vBatch), seconds: b.seconds, estimate: b.estimate });
    if (r.vmapImpl === null) vmapNote = `PyTorch batched HVPs skipped: neither torch.func nor functorch is importable with torch ${pythonPeers().torch}.`;
    else if (r.vmapError) vmapNote = `PyTorch batched HVPs failed under ${r.vmapImpl}: ${r.vmapError}.`;
  } catch (e) {
    torchNote = `PyTorch peer failed: ${errorLine(e)}`;
  }
}

const ttSeq = rows[0].seconds;
const torchSeq = rows.find((r) => r.impl === 'PyTorch' && r.vBatch === '1')?.seconds ?? null;
const body = table(['implementation', 'method', 'V_batch', 'trace estimate', `time for ${probes} probes [s]`, 'ms / probe', 'speed-up vs own sequential', 'speed-up vs tracetape sequential', 'speed-up vs PyTorch sequential'],
  rows.map((r) => {
    const ownSeq = r.impl === 'PyTorch' ? torchSeq : ttSeq;
    return [r.impl, r.method, r.vBatch, r.estimate.toFixed(4), r.seconds.toFixed(2), (1000 * r.seconds / probes).toFixed(2),
      ratio(ownSeq, r.seconds), ratio(ttSeq, r.seconds), ratio(torchSeq, r.seconds)];
  }));

const best = Math.max(...rows.filter((r) => r.impl === 'tracetape' && r.vBatch !== '1').map((r) => ttSeq / r.seconds));
const bestTorch = rows.filter((r) => r.impl === 'PyTorch' && r.vBatch !== '1').map((r) => torchSeq! / r.seconds);
const targets = [verdict(best >= 5, 'batched HVPs ≥ 5× faster than sequential',
  `tracetape best batched speed-up ${best.toFixed(2)}×${bestTorch.length ? `; PyTorch's vmap speed-up ${Math.max(...bestTorch).toFixed(2)}×` : ''}`)];
const torchNoteVmap = bestTorch.length ? ` PyTorch's own vmap speed-up over its double-backward HVPs, measured above (${Math.max(...bestTorch).toFixed(2)}×), is of the same order on this CPU.` : '';
const why = best >= 5 ? '' : `
Why the 5× target is missed on this machine: the cost per probe is dominated by GEMMs against the 256 × 784 input batch,
which run at the same FLOP rate whatever their width on one CPU core. A sequential HVP redoes the primal forward and backward
pass for every probe (four such GEMMs); a batched sweep shares the primal pass and needs two wide GEMMs per probe block,
so sharing the primal pass removes about half of the GEMM work per probe; the rest of the gain comes from fewer,
larger calls (less per-op overhead).${torchNoteVmap} BackPACK's 5.3× comes from amortising per-call overhead on a GPU,
which is not the bottleneck on this CPU.`;

writeSection('peers-hessian', 'Peers: Hessian trace of the MNIST MLP vs PyTorch (issue 7, benchmark 3)', `
Hutchinson estimate of tr(H) for the seed-02 MLP (784→20→10, sigmoid, no biases, ${params.W1.size + params.W2.size} parameters,
mean cross-entropy on 256 MNIST digits from the \`mnist\` package), float64, ${probes} Rademacher probes. PyTorch receives
the same digits and the same weights (as JSON on stdin) and draws its own probes, so its estimate differs from tracetape's
by Monte-Carlo error only. Each row is one timed pass over all probes after a short warm-up. ${pythonLine()}
${torchNote ? `\nPyTorch peer ${torchNote.startsWith('skipped') ? torchNote : `— ${torchNote}`}.\n` : ''}${vmapNote ? `\n${vmapNote}\n` : ''}
${check !== null ? `Cross-check: for one fixed probe v, ‖(Hv)_PyTorch − (Hv)_tracetape‖ / ‖(Hv)_tracetape‖ = ${sci(check)}.\n` : ''}
${body}

${targets.join('\n')}
${why}
`);
