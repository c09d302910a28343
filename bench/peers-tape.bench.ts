/**
 * Peer benchmark 5 (issue 7): per-op tape overhead on tiny tensors — the same small MLP (batch 8, 4 → 16 tanh → 1, mean
 * squared error; 6 forward ops) forward and forward + gradient in tracetape (`tt.grad`) against TensorFlow.js `tf.grads`
 * (cpu backend = plain JavaScript kernels, and wasm backend) and PyTorch autograd, with gradients cross-checked.
 */
import * as tt from '../src/index.js';
import { quick, table, writeSection, type Timing } from './lib.js';
import { pythonLine, runPython, skipReason } from './peers/python.js';
import { loadTfjs } from './peers/tfjs.js';
import { errorLine, fmtT, ratio, relDiff, sci } from './peers/report.js';

const calls = quick ? 1000 : 10000;
const repeats = quick ? 3 : 5;
const OPS = 6; // matmul, tanh, matmul, sub, square, mean

const x = Float64Array.from({ length: 32 }, (_, i) => Math.sin(0.7 * i));
const y = Float64Array.from({ length: 8 }, (_, i) => Math.cos(1.3 * i));
const w1 = Float64Array.from({ length: 64 }, (_, i) => 0.3 * Math.sin(0.37 * i + 1));
const w2 = Float64Array.from({ length: 16 }, (_, i) => 0.3 * Math.cos(0.53 * i + 2));

/** Median/min/max ms for `calls` calls of fn. */
function timeCalls(fn: () => unknown): Timing {
  for (let i = 0; i < Math.min(calls, 500); i++) fn();
  const t: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const s = performance.now();
    for (let i = 0; i < calls; i++) fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return { median: t[Math.floor(t.length / 2)], min: t[0], max: t[t.length - 1], repeats };
}

interface Row { impl: string; fwd: Timing | null; grad: Timing | null; g: number[] | null; note?: string }
const rows: Row[] = [];

{
  const X = tt.tensor(x, { shape: [8, 4] }), Y = tt.tensor(y, { shape: [8, 1] });
  const params = { W1: tt.tensor(w1, { shape: [4, 16] }), W2: tt.tensor(w2, { shape: [16, 1] }) };
  const loss = (p: { W1: tt.Tensor; W2: tt.Tensor }): tt.Tensor => tt.mean(tt.square(tt.sub(tt.matmul(tt.tanh(tt.matmul(X, p.W1)), p.W2), Y)));
  const g = tt.grad(loss);
  let last: number[] = [];
  const fwd = timeCalls(() => loss(params).item());
  const grad = timeCalls(() => { const r = g(params); last = [...r.W1.data(), ...r.W2.data()]; });
  rows.push({ impl: 'tracetape (float64, cpu)', fwd, grad, g: last });
}

const tfNotes: string[] = [];
for (const backend of ['cpu', 'wasm'] as const) {
  const peer = await loadTfjs(backend, 1);
  tfNotes.push(peer.line);
  if (!peer.tf) { rows.push({ impl: `TensorFlow.js ${backend}`, fwd: null, grad: null, g: null, note: peer.line }); continue; }
  const tf = peer.tf;
  const X = tf.tensor2d(Float32Array.from(x), [8, 4]), Y = tf.tensor2d(Float32Array.from(y), [8, 1]);
  const W1 = tf.tensor2d(Float32Array.from(w1), [4, 16]), W2 = tf.tensor2d(Float32Array.from(w2), [16, 1]);
  const loss = (a: typeof W1, b: typeof W2): typeof W1 => tf.mean(tf.square(tf.sub(tf.matMul(tf.tanh(tf.matMul(X, a)), b), Y)));
  const grads = tf.grads((a, b) => loss(a as typeof W1, b as typeof W2));
  let last: number[] = [];
  const fwd = timeCalls(() => tf.tidy(() => loss(W1, W2).dataSync()[0]));
  const grad = timeCalls(() => tf.tidy(() => { const [ga, gb] = grads([W1, W2]); last = [...ga.dataSync(), ...gb.dataSync()]; }));
  rows.push({ impl: `TensorFlow.js ${backend} (float32)`, fwd, grad, g: last });
}

let torchNote = skipReason(['torch']);
if (torchNote === null) {
  try {
    const r = runPython<{ forward: Timing; grad: Timing; gW1: number[]; gW2: number[] }>('tape_torch.py',
      { x: Array.from(x), y: Array.from(y), W1: Array.from(w1), W2: Array.from(w2), calls, repeats }, 120_000);
    rows.push({ impl: 'PyTorch (float64, autograd)', fwd: r.forward, grad: r.grad, g: [...r.gW1, ...r.gW2] });
  } catch (e) {
    torchNote = `PyTorch peer failed: ${errorLine(e)}`;
  }
}

const base = rows[0];
const us = (t: Timing | null, k = 1): string => (t ? (1000 * t.median / calls / k).toFixed(2) : '—');
writeSection('peers-tape', 'Peers: per-op tape overhead on a tiny MLP vs TensorFlow.js and PyTorch (issue 7, benchmark 6)', `
The same tiny MLP in every library — x [8, 4], W1 [4, 16], tanh, W2 [16, 1], mean squared error (${OPS} forward ops) — with
identical deterministic weights and data. “forward” evaluates the loss and reads it; “gradient” is \`tt.grad\` /
\`tf.grads\` (inside \`tf.tidy\`) / \`torch.autograd.grad\` with respect to both weight matrices, reading the gradients out.
${calls} calls per sample, median (min–max) of ${repeats} samples after a warm-up. At these sizes the arithmetic is
negligible: the times measure per-op dispatch, tape recording and backward traversal. ${tfNotes.join('; ')}. ${pythonLine()}
${torchNote ? `\nPyTorch peer ${torchNote.startsWith('skipped') ? torchNote : `— ${torchNote}`}.\n` : ''}
${table(['implementation', `forward, ${calls} calls [ms]`, 'µs / forward', `gradient, ${calls} calls [ms]`, 'µs / gradient', 'µs / forward op (gradient)', 'gradient speed vs tracetape', '‖g − g_tracetape‖/‖g_tracetape‖'],
  rows.map((r) => [r.impl, r.note ? r.note : fmtT(r.fwd), us(r.fwd), fmtT(r.grad), us(r.grad), us(r.grad, OPS),
    r === base ? '1' : ratio(base.grad?.median, r.grad?.median), r.g && base.g ? sci(relDiff(r.g, base.g)) : '—']))}

“gradient speed vs tracetape” is tracetape's time / the row's time (> 1: the row is faster). TensorFlow.js computes in float32,
so its gradients differ from tracetape's float64 ones at the 1e-7 level.
`);
