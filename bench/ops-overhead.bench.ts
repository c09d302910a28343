/** Per-op overhead: ops/s on tiny tensors (plain and under grad), and a 10⁶-element add against a bare Float64Array loop. */
import * as tt from '../src/index.js';
import { quick, time, fmtTiming, table, writeSection } from './lib.js';

const rows: (string | number)[][] = [];

// Tiny tensors: the cost is the op machinery, not arithmetic.
const a = tt.tensor([1, 2, 3, 4]);
const b = tt.tensor([0.5, 0.25, 0.125, 2]);
const nTiny = quick ? 20000 : 200000;
const tAdd = time(() => { for (let i = 0; i < nTiny; i++) tt.add(a, b); });
rows.push(['add, [4] + [4], no tape', fmtTiming(tAdd), `${(nTiny / tAdd.median * 1e3 / 1e6).toFixed(2)} M ops/s`]);
const tMat = time(() => { for (let i = 0; i < nTiny; i++) tt.matmul(tt.reshape(a, [2, 2]), tt.reshape(b, [2, 2])); });
rows.push(['reshape ×2 + matmul 2×2, no tape', fmtTiming(tMat), `${(3 * nTiny / tMat.median * 1e3 / 1e6).toFixed(2)} M ops/s`]);
const nGrad = quick ? 2000 : 20000;
const f = (x: tt.Tensor): tt.Tensor => tt.sum(tt.mul(tt.tanh(x), b));
const g = tt.grad(f);
const tGrad = time(() => { for (let i = 0; i < nGrad; i++) g(a); });
rows.push(['grad of sum(tanh(x)·b), [4] (3 ops fwd + ~6 bwd)', fmtTiming(tGrad), `${(nGrad / tGrad.median * 1e3 / 1e3).toFixed(1)} k grads/s`]);

// Large add vs a bare loop that also allocates its output.
const n = 1_000_000;
const xs = new Float64Array(n).map((_, i) => Math.sin(i));
const ys = new Float64Array(n).map((_, i) => Math.cos(i));
const X = tt.tensor(xs), Y = tt.tensor(ys);
const reps = quick ? 5 : 25;
const bare = time(() => { const o = new Float64Array(n); for (let i = 0; i < n; i++) o[i] = xs[i] + ys[i]; return o; }, reps, 3);
const op = time(() => tt.add(X, Y), reps, 3);
const bareMul = time(() => { const o = new Float64Array(n); for (let i = 0; i < n; i++) o[i] = xs[i] * 2.5; return o; }, reps, 3);
const opMul = time(() => tt.mul(X, 2.5), reps, 3);
const big: (string | number)[][] = [
  ['x + y (tensors)', fmtTiming(bare), fmtTiming(op), (op.median / bare.median).toFixed(2)],
  ['x · 2.5 (scalar)', fmtTiming(bareMul), fmtTiming(opMul), (opMul.median / bareMul.median).toFixed(2)],
];

writeSection('ops-overhead', 'Per-op overhead (issue 2)', `
Tiny tensors (${nTiny} ops per timing; grad: ${nGrad} calls):

${table(['workload', 'time per batch', 'rate'], rows)}

10⁶-element float64 elementwise op vs a bare \`Float64Array\` loop that also allocates its output (target ≤ 1.3×):

${table(['op', 'bare loop', 'tracetape', 'ratio'], big)}
`);
