/**
 * Peer benchmark 2 (issue 7): dense matvec and matmul GFLOP/s — tracetape (`tt.matmul` on the cpu backend in float64 and
 * float32, and on the gpujs backend) against NumPy (OpenBLAS, one thread) and TensorFlow.js (wasm backend, float32),
 * all on the same deterministic matrices in this run; matvec also as effective read bandwidth against a measured
 * single-thread JS read of a 256 MiB array.
 */
import * as tt from '../src/index.js';
import { quick, table, writeSection, type Timing } from './lib.js';
import { pythonLine, pythonPeers, runPython, skipReason } from './peers/python.js';
import { loadTfjs } from './peers/tfjs.js';
import { errorLine, fmtT, ratio } from './peers/report.js';

// The largest matvec stays below 2^24 matrix entries: larger arrays make the gpujs backend fall back to its cpu loops.
const sizes = { matvec: quick ? [2048] : [1024, 4000], matmul: quick ? [256, 512] : [256, 1024] };
const repeats = quick ? 3 : 7;
const minWork = quick ? 2e7 : 1e8;

/** Median/min/max ms per call, each sample running fn enough times to do about minWork flops. */
function rate(fn: () => unknown, flops: number, reps = repeats): Timing {
  const inner = Math.max(1, Math.floor(minWork / flops));
  fn();
  const t: number[] = [];
  for (let r = 0; r < reps; r++) {
    const s = performance.now();
    for (let i = 0; i < inner; i++) fn();
    t.push((performance.now() - s) / inner);
  }
  t.sort((a, b) => a - b);
  return { median: t[Math.floor(t.length / 2)], min: t[0], max: t[t.length - 1], repeats: reps };
}

function inputs(n: number, kind: 'matvec' | 'matmul', dtype: 'float64' | 'float32'): [tt.Tensor, tt.Tensor] {
  const A = tt.tensor(Float64Array.from({ length: n * n }, (_, i) => Math.sin(0.001 * i)), { shape: [n, n], dtype });
  const B = kind === 'matmul'
    ? tt.tensor(Float64Array.from({ length: n * n }, (_, i) => Math.cos(0.001 * i)), { shape: [n, n], dtype })
    : tt.tensor(Float64Array.from({ length: n }, (_, i) => Math.cos(0.01 * i)), { dtype });
  return [A, B];
}

// Measured single-thread JS read bandwidth (sum of a 256 MiB Float64Array), the matvec ceiling.
const big = new Float64Array(2 ** 25).fill(1);
const tRead = rate(() => {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (let i = 0; i < big.length; i += 4) { s0 += big[i]; s1 += big[i + 1]; s2 += big[i + 2]; s3 += big[i + 3]; }
  return s0 + s1 + s2 + s3;
}, 1e9, 5);
const readGBs = (big.byteLength / 1e9) / (tRead.median / 1e3);

interface Row { op: string; n: number; impl: string; dtype: string; t: Timing | null; note?: string }
const rows: Row[] = [];
const flopsOf = (op: string, n: number): number => (op === 'matvec' ? 2 * n * n : 2 * n * n * n);

for (const op of ['matvec', 'matmul'] as const) {
  for (const n of sizes[op]) {
    for (const dtype of ['float64', 'float32'] as const) {
      tt.setBackend('cpu');
      const [A, B] = inputs(n, op, dtype);
      rows.push({ op, n, impl: 'tracetape cpu', dtype, t: rate(() => tt.matmul(A, B), flopsOf(op, n)) });
    }
  }
}
let gpujsLine = '';
try {
  tt.setBackend('gpujs');
  const info = tt.backendInfo();
  gpujsLine = `tracetape gpujs backend: gpu.js mode '${info.mode}', ${info.precision} arithmetic.`;
  for (const op of ['matvec', 'matmul'] as const) {
    for (const n of sizes[op]) {
      const [A, B] = inputs(n, op, 'float32');
      rows.push({ op, n, impl: `tracetape gpujs (${info.mode})`, dtype: 'float32', t: rate(() => tt.matmul(A, B), flopsOf(op, n)) });
    }
  }
} catch (e) {
  gpujsLine = `tracetape gpujs backend skipped: ${errorLine(e)}.`;
} finally {
  tt.setBackend('cpu');
}

const tfPeer = await loadTfjs('wasm', 1);
if (tfPeer.tf) {
  const tf = tfPeer.tf;
  for (const op of ['matvec', 'matmul'] as const) {
    for (const n of sizes[op]) {
      const A = tf.tensor2d(Float32Array.from({ length: n * n }, (_, i) => Math.sin(0.001 * i)), [n, n]);
      const B = op === 'matmul'
        ? tf.tensor2d(Float32Array.from({ length: n * n }, (_, i) => Math.cos(0.001 * i)), [n, n])
        : tf.tensor2d(Float32Array.from({ length: n }, (_, i) => Math.cos(0.01 * i)), [n, 1]);
      // dataSync forces the result (the wasm backend is synchronous; this only copies it out, as tracetape returns it).
      rows.push({ op, n, impl: 'TensorFlow.js wasm', dtype: 'float32', t: rate(() => { const c = tf.matMul(A, B); c.dataSync(); c.dispose(); }, flopsOf(op, n)) });
      A.dispose(); B.dispose();
    }
  }
}

let numpyNote = skipReason(['numpy']);
if (numpyNote === null) {
  try {
    interface NpRow { n: number; dtype: string; t: Timing }
    const r = runPython<{ matvec: NpRow[]; matmul: NpRow[] }>('dense_numpy.py', { ...sizes, repeats, minWork }, 300_000);
    for (const op of ['matvec', 'matmul'] as const) {
      for (const x of r[op]) rows.push({ op, n: x.n, impl: `NumPy (${pythonPeers().blas ?? 'BLAS'}, 1 thread)`, dtype: x.dtype, t: x.t });
    }
  } catch (e) {
    numpyNote = `NumPy peer failed: ${errorLine(e)}`;
  }
}

const isNumpy = (r: Row): boolean => r.impl.startsWith('NumPy');
const tableRows = (op: 'matvec' | 'matmul'): (string | number)[][] => {
  const out: (string | number)[][] = [];
  for (const n of sizes[op]) {
    const group = rows.filter((r) => r.op === op && r.n === n);
    for (const r of group) {
      const np = group.find((x) => isNumpy(x) && x.dtype === r.dtype);
      const tfr = group.find((x) => x.impl.startsWith('TensorFlow'));
      const gf = r.t ? flopsOf(op, n) / (r.t.median * 1e6) : null;
      const cells: (string | number)[] = [n, r.impl, r.dtype, fmtT(r.t), gf === null ? '—' : gf.toFixed(2)];
      if (op === 'matvec') {
        const bytes = n * n * (r.dtype === 'float64' ? 8 : 4);
        const gbs = r.t ? bytes / (r.t.median * 1e6) : null;
        cells.push(gbs === null ? '—' : `${gbs.toFixed(1)} (${((100 * gbs) / readGBs).toFixed(0)}%)`);
      }
      cells.push(np && !isNumpy(r) && r.t ? ratio(np.t?.median, r.t.median) : isNumpy(r) ? '1' : '—');
      cells.push(tfr && r.dtype === 'float32' && r !== tfr && r.t ? ratio(tfr.t?.median, r.t.median) : r === tfr ? '1' : '—');
      out.push(cells);
    }
  }
  return out;
};

const header = ['n', 'implementation', 'dtype', 'time [ms] median (min–max)', 'GFLOP/s'];
const speed = ['speed vs NumPy same dtype', 'speed vs tfjs-wasm'];
writeSection('peers-dense', 'Peers: dense matvec and matmul GFLOP/s vs NumPy and TensorFlow.js (issue 7, benchmark 2)', `
Same deterministic matrices (A_ij = sin(0.001·(i·n + j)), B likewise with cos) in every implementation; times per call,
median (min–max) of ${repeats} samples, each sample looping the product until about ${minWork.toExponential(0)} flops.
“speed vs X” is X's time / this row's time (> 1 means this row is faster).
${pythonLine()}
${tfPeer.line}. ${gpujsLine}
${numpyNote ? `\nNumPy peer ${numpyNote.startsWith('skipped') ? numpyNote : `— ${numpyNote}`}.\n` : ''}
Single-thread JavaScript read bandwidth measured in this run (sum over a 256 MiB Float64Array): ${readGBs.toFixed(1)} GB/s; a
matvec streams the n × n matrix once, so its effective GB/s is shown with its fraction of that ceiling.

Matvec (n × n times n):

${table([...header, 'effective GB/s (of JS read)', ...speed], tableRows('matvec'))}

Matmul (n × n times n × n):

${table([...header, ...speed], tableRows('matmul'))}

Where tracetape trails the BLAS peers on matmul, the reason is that its cpu backend is scalar TypeScript loops (no SIMD, one thread), while
OpenBLAS and XNNPACK use vector instructions and cache-blocked micro-kernels; matvec is bandwidth-bound, so the gap there is
smaller. The gpujs backend's value is GPUs and browsers; on this CPU-only machine gpu.js runs as WebAssembly. (Matvec
sizes stop below 2^24 matrix entries because gpujs kernels index arrays only below that and fall back to cpu loops above.)
`);
