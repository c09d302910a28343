/**
 * Stationary kernel products on the WebAssembly SIMD kernel (src/backend/wasm/kernel-product.ts) against the plain
 * TypeScript loops, side by side in one process: RBF and Matérn-5/2 at n = 20,000, d = 8, a block of 16 vectors (one
 * thread and 2 worker threads); kernelMatvec's forward and gradient at the op level; then the GP flagship
 * (gp-hyperparameters) and the Hessian-trace example before/after, as child processes with TRACETAPE_WASM=0 vs default.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tt from '../src/index.js';
import { kernelProductTS } from '../src/backend/cpu/stationary.js';
import { wasmKernelProduct, kernelWasmThresholds, setWasmThreads, wasmStatus, kernelThreadsStatus } from '../src/backend/wasm/index.js';
import type { StationaryFamily } from '../src/backend/index.js';
import { quick, time, table, writeSection, fmtTiming, type Timing } from './lib.js';

const lines: string[] = [];

function rand(n: number, seed: number, scale = 1): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = scale * (s / 4294967296 - 0.5); }
  return out;
}

/** Median CPU time (user + system, ms) of this process over `repeats` runs: excludes time spent waiting for a shared core. */
function cpuTime(fn: () => unknown, repeats: number): number {
  const t: number[] = [];
  for (let i = 0; i < repeats; i++) { const a = process.cpuUsage(); fn(); const b = process.cpuUsage(a); t.push((b.user + b.system) / 1e3); }
  t.sort((x, y) => x - y);
  return t[Math.floor(t.length / 2)];
}

function maxRel(a: Float64Array, b: Float64Array): number {
  let m = 0, s = 0;
  for (let i = 0; i < a.length; i++) { m = Math.max(m, Math.abs(a[i] - b[i])); s = Math.max(s, Math.abs(b[i])); }
  return m / (s || 1);
}

const mpairs = (pairs: number, ms: number): string => (pairs / ms / 1e3).toFixed(1);

// ---------------------------------------------------------------- 1. the kernel product itself
const n = quick ? 4000 : 20000, d = 8, c = 16;
const X = rand(n * d, 1, 4), V = rand(n * c, 2), Xcopy = X.slice();
const pairs = n * n;
lines.push(`Kernel: ${wasmStatus()}. Points uniform in [−2, 2]^${d} (scaled by the lengthscale already, as the backend receives them), x1 = x2 (the square kernel matrix of kernelMatvec), ${c} vectors. "plain JS" is the cpu backend's TypeScript loop (kernelProductTS) and "wasm SIMD, 1 thread" the wasm kernel (kprod_sym_f64): for x1 = x2 both evaluate each unordered pair once (half the kernel evaluations). "every pair" passes a copy of the points as x2, so every ordered pair is evaluated (what a cross-covariance K(X, Y) costs, and what the row split over threads runs: for the square case the split is used from 3 threads on). M pairs/s counts n² pairs throughout. Wall times are medians; "CPU" is the process's CPU time (excludes waiting for a core on this shared machine); the 2-thread row is wall time only (its CPU time is spread over threads).${quick ? ' **--quick: n = 4,000 instead of 20,000.**' : ''}\n`);
const rows: (string | number)[][] = [];
for (const family of ['rbf', 'matern52'] as StationaryFamily[]) {
  for (const cc of [c, 1]) {
    const v = cc === c ? V : V.subarray(0, n);
    const ref = new Float64Array(n * cc), out = new Float64Array(n * cc);
    setWasmThreads(1);
    const tsRepeats = quick ? 2 : 1;
    let tTs: Timing | null = null;
    const cpuTs = cpuTime(() => { const s = performance.now(); kernelProductTS(family, 0, X, X, v, ref, n, n, d, cc); const w = performance.now() - s; if (!tTs || w < tTs.median) tTs = { median: w, min: w, max: w, repeats: 1 }; }, tsRepeats);
    const tWasm = time(() => wasmKernelProduct(family, 0, X, X, v, out, n, n, d, cc), quick ? 3 : 3, 1);
    const cpuWasm = cpuTime(() => wasmKernelProduct(family, 0, X, X, v, out, n, n, d, cc), 3);
    const err = maxRel(out, ref);
    // every pair (x2 a copy of x1, so the square shortcut does not apply): the kernel a cross-covariance K(X, Y) runs,
    // and the one the thread split runs (rows per thread)
    const tAll = time(() => wasmKernelProduct(family, 0, X, Xcopy, v, out, n, n, d, cc), 3, 1);
    const t2 = setWasmThreads(2);
    const tThr = t2 > 1 ? time(() => wasmKernelProduct(family, 0, X, Xcopy, v, out, n, n, d, cc), 3, 1) : null;
    setWasmThreads(1);
    const ts = tTs as unknown as Timing;
    rows.push([`${family}, ${cc} vector${cc > 1 ? 's' : ''}`, 'plain JS (TypeScript)', fmtTiming(ts), mpairs(pairs, ts.median), `${cpuTs.toFixed(0)} ms`, mpairs(pairs, cpuTs), '1.0×', '']);
    rows.push(['', 'wasm SIMD, 1 thread', fmtTiming(tWasm), mpairs(pairs, tWasm.median), `${cpuWasm.toFixed(0)} ms`, mpairs(pairs, cpuWasm), `**${(ts.median / tWasm.median).toFixed(1)}×** (CPU ${(cpuTs / cpuWasm).toFixed(1)}×)`, err.toExponential(1)]);
    rows.push(['', 'wasm SIMD, 1 thread, every pair', fmtTiming(tAll), mpairs(pairs, tAll.median), '', '', `${(ts.median / tAll.median).toFixed(1)}×`, '']);
    if (tThr) rows.push(['', `wasm SIMD, ${t2} threads, every pair`, fmtTiming(tThr), mpairs(pairs, tThr.median), '', '', `${(ts.median / tThr.median).toFixed(1)}×`, '']);
  }
}
lines.push(`### Kernel product, n = ${n.toLocaleString('en-US')}, d = ${d}\n`);
lines.push(table(['kernel', 'engine', 'wall time', 'M pairs/s', 'CPU time', 'M pairs/CPU-s', 'speed-up vs plain JS', 'max rel. diff'], rows));
lines.push(`\nThreads: ${kernelThreadsStatus()} (set by setWasmThreads(2) for the row above; the machine has ${os.cpus().length} cores).`);
lines.push('Target (issue 9): RBF n = 20,000, d = 8, 16 vectors ≥ 5× the plain-JS time.');

// ---------------------------------------------------------------- 2. kernelMatvec forward and gradient at the op level
const no = quick ? 1500 : 4000;
const Xo = tt.tensor(rand(no * d, 3, 4), { shape: [no, d] }), Vo = tt.tensor(rand(no * c, 4), { shape: [no, c] }), Uo = tt.tensor(rand(no * c, 5), { shape: [no, c] });
const ls = tt.tensor(Array.from({ length: d }, (_, k) => 0.8 + 0.1 * k));
const fwd = (): tt.Tensor => tt.ops.kernelMatvec(Vo, { X: Xo, lengthscale: ls, variance: 1.3, noise: 0.1, kernel: 'matern52' });
const grad = (): unknown => tt.grad((Xa: tt.Tensor, l: tt.Tensor, s: tt.Tensor) => tt.sum(tt.mul(Uo, tt.ops.kernelMatvec(Vo, { X: Xa, lengthscale: l, variance: s, kernel: 'matern52' }))), { argnums: [0, 1, 2] })(Xo, ls, tt.tensor(1.3));
const opRows: (string | number)[][] = [];
for (const [name, fn] of [['forward (s·K + σ²I)·V', fwd], ['gradient w.r.t. X, ARD ℓ, s of Σ U∘(s·K·V)', grad]] as [string, () => unknown][]) {
  const saved = kernelWasmThresholds.pairs;
  kernelWasmThresholds.pairs = Infinity;
  const tTs = time(fn, quick ? 2 : 3, 0);
  kernelWasmThresholds.pairs = saved;
  const tW = time(fn, quick ? 3 : 5, 1);
  opRows.push([name, fmtTiming(tTs), fmtTiming(tW), `${(tTs.median / tW.median).toFixed(1)}×`]);
}
lines.push(`\n### tt.ops.kernelMatvec (Matérn-5/2, ARD), n = ${no.toLocaleString('en-US')}, d = ${d}, ${c} vectors\n`);
lines.push('The gradient runs the kernel product at orders 1 (w.r.t. the points, with a (d+1)·c-column block) and 0 (w.r.t. V), so it exercises every kernel the VJPs use. "TypeScript" sets kernelWasmThresholds.pairs = ∞ in the same process.\n');
lines.push(table(['op', 'TypeScript kernel', 'wasm kernel', 'speed-up'], opRows));

// ---------------------------------------------------------------- 3. examples before/after (child processes)
interface Run { label: string; example: string; args: string[] }
const runs: Run[] = quick
  ? [
    { label: 'GP flagship, Boston n = 200, 5 Adam steps', example: 'gp-hyperparameters', args: ['--steps', '5'] },
    { label: 'GP synthetic n = 1,500, 1 step (matrix-free only)', example: 'gp-hyperparameters', args: ['--n', '1500', '--cholesky-max', '1000', '--large-steps', '1'] },
    { label: 'Hessian trace, 100 probes, short plots', example: 'hessian-trace', args: ['--probes', '100', '--curves', '2', '--max-samples', '40', '--ggn-probes', '20', '--unit-checks', '10'] },
  ]
  : [
    { label: 'GP flagship (npm start defaults: Boston n = 200, 30 Adam steps)', example: 'gp-hyperparameters', args: [] },
    { label: 'GP synthetic n = 4,000, 1 step (matrix-free only)', example: 'gp-hyperparameters', args: ['--n', '4000', '--cholesky-max', '1000', '--large-steps', '1'] },
    { label: 'Hessian trace, 1,000 probes (batched), default plots', example: 'hessian-trace', args: ['--probes', '1000'] },
  ];
const exRows: (string | number)[][] = [];
const outDir = mkdtempSync(path.join(os.tmpdir(), 'tt-kernel-wasm-'));
function runExample(r: Run, wasm: boolean): number {
  const env = { ...process.env };
  delete env.TRACETAPE_WASM_THREADS;
  if (wasm) delete env.TRACETAPE_WASM; else env.TRACETAPE_WASM = '0';
  const s = performance.now();
  const p = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join('examples', 'run.ts'), r.example, '--quiet', '--out-dir', outDir, ...r.args], { env, encoding: 'utf8', timeout: 1_800_000 });
  const ms = performance.now() - s;
  if (p.status !== 0) throw new Error(`${r.example} ${r.args.join(' ')} failed (TRACETAPE_WASM=${wasm ? 'default' : '0'}): ${p.stderr.slice(-2000)}`);
  return ms;
}
try {
  for (const r of runs) {
    const before: number[] = [], after: number[] = [];
    before.push(runExample(r, false));
    after.push(runExample(r, true));
    const b = before[0], a = after[0];
    exRows.push([r.label, `${(b / 1e3).toFixed(1)} s`, `${(a / 1e3).toFixed(1)} s`, `${(b / a).toFixed(2)}×`]);
  }
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
lines.push('\n### Examples before/after (whole process wall time)\n');
lines.push(`"before" = TRACETAPE_WASM=0 (every kernel on the TypeScript loops), "after" = default (wasm SIMD kernels: matmul/matvec and the kernel products), one thread, started as \`node --import tsx examples/run.ts <example> --quiet …\` (includes start-up and, for the flagship, the dense Cholesky reference fit). One run each, before then after.\n`);
lines.push(table(['run', 'before (TRACETAPE_WASM=0)', 'after (wasm)', 'speed-up'], exRows));

writeSection('kernel-wasm', 'Kernel products (RBF / Matérn) on WebAssembly SIMD vs plain JS; examples before/after', lines.join('\n'));
