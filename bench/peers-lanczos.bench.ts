/**
 * Peer benchmark 1 (issue 7): Lanczos forward and gradient, tracetape (adjoint and backprop) against PyTorch autograd
 * through the same iteration, float64, on A(θ) = L + diag(θ) (L the 5-point Dirichlet Laplacian on a 100 × 100 grid,
 * n = 10⁴) for K = 10 … 200. Loss = Σ alphas + Σ betas; gradients with respect to θ are cross-checked between the two.
 */
import * as tt from '../src/index.js';
import { quick, time, table, writeSection, MemoryProbe, mib, type Timing } from './lib.js';
import { pythonLine, runPython, skipReason } from './peers/python.js';
import { errorLine, fmtT, ratio, relDiff, sci, verdict } from './peers/report.js';

const nx = 100, ny = 100, n = nx * ny;
const depths = quick ? [10, 50] : [10, 25, 50, 100, 200];
const repeats = quick ? 2 : 3;

const theta0 = tt.tensor(Float64Array.from({ length: n }, (_, i) => 1 + 0.5 * Math.sin(0.1 * i)));
const v0 = tt.tensor(Float64Array.from({ length: n }, (_, i) => Math.cos(0.37 * i) + 0.1));
const lap = tt.ops.laplacian2d(nx, ny, { spacing: 1 });
const kOnes = tt.ones([n]);
let probe: MemoryProbe | null = null;
const matvec = (v: tt.Tensor, theta: tt.Tensor): tt.Tensor => {
  probe?.tick();
  return tt.add(lap(v, kOnes), tt.mul(theta, v));
};

function loss(theta: tt.Tensor, K: number, gradient: 'adjoint' | 'backprop'): tt.Tensor {
  const r = tt.krylov.lanczos(matvec, v0, theta, { depth: K, reortho: 'full', gradient });
  return tt.add(tt.sum(r.alphas), tt.sum(r.betas));
}

interface TorchRow { K: number; forward: Timing; forwardBackward: Timing; value: number; gradSample: number[] }
let torchRows: TorchRow[] | null = null;
let torchNote = skipReason(['torch']);
if (torchNote === null) {
  try {
    torchRows = runPython<{ rows: TorchRow[] }>('lanczos_torch.py', { nx, ny, depths, repeats }, (quick ? 110 : 300) * 1000).rows;
  } catch (e) {
    torchNote = `PyTorch peer failed: ${errorLine(e)}`;
  }
}

/** Time `reps` calls of fn (the first one also samples peak memory at every matvec); returns the timing and the peak heap. */
function measured(fn: () => void, reps: number): [Timing, number] {
  const t: number[] = [];
  probe = new MemoryProbe();
  probe.start();
  let s = performance.now();
  fn();
  t.push(performance.now() - s);
  const peak = probe.result().heapBytes;
  probe = null;
  for (let i = 1; i < reps; i++) { s = performance.now(); fn(); t.push(performance.now() - s); }
  t.sort((a, b) => a - b);
  return [{ median: t[Math.floor(t.length / 2)], min: t[0], max: t[t.length - 1], repeats: reps }, peak];
}

const rows: (string | number)[][] = [];
const memRows: (string | number)[][] = [];
const backwardRatios: { K: number; r: number }[] = [];
const vsTorch: { K: number; r: number }[] = [];
const stride = Math.max(1, Math.floor(n / 64));
for (const K of depths) {
  const reps = quick ? 2 : K >= 100 ? 2 : 3;
  const fwd = time(() => loss(theta0, K, 'adjoint').item(), reps);
  const gAdj = tt.grad((th: tt.Tensor) => loss(th, K, 'adjoint'));
  const gBp = tt.grad((th: tt.Tensor) => loss(th, K, 'backprop'));
  let gradA: Float64Array = new Float64Array(0), gradB: Float64Array = new Float64Array(0);
  const [adj, memA] = measured(() => { gradA = gAdj(theta0).data() as Float64Array; }, reps);
  const [bp, memB] = measured(() => { gradB = gBp(theta0).data() as Float64Array; }, quick || K < 100 ? reps : 1);
  const tr = torchRows?.find((r) => r.K === K) ?? null;
  const sample = Array.from({ length: Math.ceil(n / stride) }, (_, j) => gradA[j * stride]);
  const agree = tr ? relDiff(sample, tr.gradSample) : null;
  const bwdAdj = adj.median - fwd.median;
  backwardRatios.push({ K, r: bwdAdj / fwd.median });
  if (tr) vsTorch.push({ K, r: adj.median / tr.forwardBackward.median });
  rows.push([
    K, fmtT(fwd), fmtT(adj), `${(bwdAdj / fwd.median).toFixed(2)}`, fmtT(bp),
    tr ? fmtT(tr.forward) : '—', tr ? fmtT(tr.forwardBackward) : '—',
    tr ? ratio(tr.forwardBackward.median, adj.median) : '—', tr ? ratio(tr.forwardBackward.median, bp.median) : '—',
    sci(relDiff(gradB, gradA)), sci(agree),
  ]);
  memRows.push([K, mib(memA), mib(memB), ratio(memB, memA)]);
}

const maxBwd = Math.max(...backwardRatios.map((b) => b.r));
const targets = [
  verdict(maxBwd <= 1.5, 'adjoint backward ≤ 1.5× forward at all K',
    `backward/forward = ${backwardRatios.map((b) => `${b.r.toFixed(2)} at K = ${b.K}`).join(', ')}`),
];
const big = vsTorch.filter((v) => v.K >= 50);
if (big.length > 0) {
  targets.push(verdict(big.every((v) => v.r < 1), 'tracetape faster than PyTorch backprop-through-Lanczos at K ≥ 50',
    `tracetape adjoint forward+backward / PyTorch forward+backward = ${big.map((v) => `${v.r.toFixed(2)} at K = ${v.K}`).join(', ')}`));
} else {
  targets.push(`- Target “tracetape faster than PyTorch backprop-through-Lanczos at K ≥ 50”: not measured (${torchNote ?? 'no K ≥ 50 in this run'}).`);
}
const whyMissed: string[] = [];
if (maxBwd > 1.5) {
  whyMissed.push('Why the backward/forward target can be missed: with full re-orthogonalisation the forward pass is dominated by '
    + 'the O(nK²) Gram–Schmidt products, and the adjoint pass solves its adjoint system against the same K stored vectors '
    + '(projection included), so both sides cost O(nK²) with the adjoint doing more products per step; at small K the fixed '
    + 'per-step costs (matvec VJP, allocation) dominate instead. Timings on a shared machine are noisy (min–max shown).');
}
if (big.some((v) => v.r >= 1)) {
  whyMissed.push('Why tracetape can lose to PyTorch here: both sides do the same O(nK²) dense vector work; PyTorch runs it in '
    + 'vectorised C++ (one thread) while tracetape runs scalar JavaScript loops (no SIMD in the cpu backend), so the adjoint\'s '
    + 'lower op count and memory do not fully offset the slower inner loops.');
}

writeSection('peers-lanczos', 'Peers: Lanczos forward and gradient vs PyTorch autograd (issue 7, benchmark 1)', `
Lanczos with full re-orthogonalisation (two classical Gram–Schmidt passes per step, identical arithmetic on both sides) on
A(θ)v = Lv + θ⊙v, L the 5-point Dirichlet Laplacian on a ${nx} × ${ny} grid (n = ${n}), float64, loss = Σα + Σβ,
gradient with respect to θ. tracetape: forward (no tape), \`grad\` with \`gradient: 'adjoint'\` (custom VJP by the adjoint
system) and with \`gradient: 'backprop'\` (every step taped). PyTorch: the same iteration in torch ops, forward under
\`no_grad\` and \`torch.autograd.grad\` through all steps. ${pythonLine()}
Times in ms, median (min–max) of ${quick ? 2 : '3 (2 at K ≥ 100; tracetape backprop 1)'} runs (tracetape: the first run also samples memory; PyTorch: after one warm-up); “bwd/fwd” is (grad time − forward time) / forward time.
${torchNote ? `\nPyTorch peer ${torchNote.startsWith('skipped') ? torchNote : `— ${torchNote}`}.\n` : ''}
${table(['K', 'tt forward', 'tt adjoint fwd+bwd', 'adjoint bwd/fwd', 'tt backprop fwd+bwd', 'torch forward', 'torch fwd+bwd (autograd)', 'torch / tt adjoint', 'torch / tt backprop', '‖g_backprop − g_adjoint‖/‖g‖', '‖g_torch − g_tt‖/‖g‖'], rows)}

Peak memory above baseline during one tracetape gradient (JS heap + ArrayBuffers, sampled at every matvec call):

${table(['K', 'adjoint', 'backprop', 'backprop / adjoint'], memRows)}

PyTorch's CPU allocations are invisible to these probes, so no PyTorch memory is reported.

${targets.join('\n')}
${whyMissed.length ? `\n${whyMissed.join('\n\n')}` : ''}
`);
