/**
 * Stationary kernel products on the WebAssembly SIMD kernel (src/backend/wasm/kernel-product.ts) against the plain
 * TypeScript loops, side by side in one process: RBF and Matérn-5/2 at n = 20,000, d = 8, a block of 16 vectors (one
 * thread and 2 worker threads); kernelMatvec's forward and gradient at the op level, and repeated calls with the
 * scaled points memoised vs recomputed; then the GP flagship
 * (gp-hyperparameters) and the Hessian-trace example before/after, as child processes with TRACETAPE_WASM=0 vs default.
 * `--skip-examples` leaves out the examples (section 3).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tt from '../src/index.js';
import { kernelProductTS } from '../src/backend/cpu/stationary.js';
import { wasmKernelProduct, kernelWasmThresholds, setWasmThreads, wasmStatus, kernelThreadsStatus, residentStats } from '../src/backend/wasm/index.js';
import type { StationaryFamily } from '../src/backend/index.js';
import { scaledPointsOptions, scaledPointsStats } from '../src/ops/linops/scaled-points.js';
import { quick, time, table, writeSection, fmtTiming, type Timing } from './lib.js';

const lines: string[] = [];

function rand(n: number, seed: number, scale = 1): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = scale * (s / 4294967296 - 0.5); }
  return out;
}

/**
 * Wall-time summary and median CPU time (user + system of this process, ms) of the same `repeats` runs: the CPU time
 * excludes waiting for a core on a shared machine (meaningful for one thread only).
 */
function timeBoth(fn: () => unknown, repeats: number): { wall: Timing; cpu: number } {
  const w: number[] = [], c: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const a = process.cpuUsage(), s = performance.now();
    fn();
    w.push(performance.now() - s);
    const b = process.cpuUsage(a);
    c.push((b.user + b.system) / 1e3);
  }
  w.sort((x, y) => x - y);
  c.sort((x, y) => x - y);
  return { wall: { median: w[Math.floor(w.length / 2)], min: w[0], max: w[w.length - 1], repeats }, cpu: c[Math.floor(c.length / 2)] };
}

function maxRel(a: Float64Array, b: Float64Array): number {
  let m = 0, s = 0;
  for (let i = 0; i < a.length; i++) { m = Math.max(m, Math.abs(a[i] - b[i])); s = Math.max(s, Math.abs(b[i])); }
  return m / (s || 1);
}

const mpairs = (pairs: number, ms: number): string => (pairs / ms / 1e3).toFixed(1);

// ---------------------------------------------------------------- 1. the kernel product itself
const n = quick ? 3000 : 20000, d = 8, c = 16;
const X = rand(n * d, 1, 4), V = rand(n * c, 2), Xcopy = X.slice();
const pairs = n * n;
lines.push(`Kernel: ${wasmStatus()}. Points uniform in [−2, 2]^${d} (scaled by the lengthscale already, as the backend receives them), x1 = x2 (the square kernel matrix of kernelMatvec), ${c} vectors. "plain JS" is the cpu backend's TypeScript loop (kernelProductTS) and "wasm SIMD, 1 thread" the wasm kernel (kprod_sym_f64): for x1 = x2 both evaluate each unordered pair once (half the kernel evaluations). "every pair" passes a copy of the points as x2, so every ordered pair is evaluated (what a cross-covariance K(X, Y) costs, and what the row split over threads runs: for the square case the split is used from 3 threads on). M pairs/s counts n² pairs throughout. Wall times are medians; "CPU" is the process's CPU time (excludes waiting for a core on this shared machine); the 2-thread row is wall time only (its CPU time is spread over threads).${quick ? ' **--quick: n = 3,000 instead of 20,000.**' : ''}\n`);
const rows: (string | number)[][] = [];
let threadLine = '';
for (const family of ['rbf', 'matern52'] as StationaryFamily[]) {
  for (const cc of quick ? [c, 1] : [c]) {
    const v = cc === c ? V : V.subarray(0, n);
    const ref = new Float64Array(n * cc), out = new Float64Array(n * cc);
    setWasmThreads(1);
    // one call is seconds long at these sizes (the wasm tiers up within it), so no warm-up runs
    const ts = timeBoth(() => kernelProductTS(family, 0, X, X, v, ref, n, n, d, cc), 1);
    const wasm = timeBoth(() => wasmKernelProduct(family, 0, X, X, v, out, n, n, d, cc), 3);
    const err = maxRel(out, ref);
    // every pair (x2 a copy of x1, so the square shortcut does not apply): the kernel a cross-covariance K(X, Y) runs,
    // and the one the thread split runs (rows per thread)
    const tAll = time(() => wasmKernelProduct(family, 0, X, Xcopy, v, out, n, n, d, cc), quick ? 3 : 2, 0);
    const t2 = setWasmThreads(2);
    const tThr = t2 > 1 ? time(() => wasmKernelProduct(family, 0, X, Xcopy, v, out, n, n, d, cc), quick ? 3 : 2, 0) : null;
    threadLine = kernelThreadsStatus();
    setWasmThreads(1);
    rows.push([`${family}, ${cc} vector${cc > 1 ? 's' : ''}`, 'plain JS (TypeScript)', fmtTiming(ts.wall), mpairs(pairs, ts.wall.median), `${ts.cpu.toFixed(0)} ms`, mpairs(pairs, ts.cpu), '1.0×', '']);
    rows.push(['', 'wasm SIMD, 1 thread', fmtTiming(wasm.wall), mpairs(pairs, wasm.wall.median), `${wasm.cpu.toFixed(0)} ms`, mpairs(pairs, wasm.cpu), `**${(ts.wall.median / wasm.wall.median).toFixed(1)}×** (CPU ${(ts.cpu / wasm.cpu).toFixed(1)}×)`, err.toExponential(1)]);
    rows.push(['', 'wasm SIMD, 1 thread, every pair', fmtTiming(tAll), mpairs(pairs, tAll.median), '', '', `${(ts.wall.median / tAll.median).toFixed(1)}×`, '']);
    if (tThr) rows.push(['', `wasm SIMD, ${t2} threads, every pair`, fmtTiming(tThr), mpairs(pairs, tThr.median), '', '', `${(ts.wall.median / tThr.median).toFixed(1)}×`, '']);
  }
}
lines.push(`### Kernel product, n = ${n.toLocaleString('en-US')}, d = ${d}\n`);
lines.push(table(['kernel', 'engine', 'wall time', 'M pairs/s', 'CPU time', 'M pairs/CPU-s', 'speed-up vs plain JS', 'max rel. diff'], rows));
lines.push(`\nThreads (with setWasmThreads(2)): ${threadLine}; the machine has ${os.cpus().length} cores.${quick ? '' : ' Full mode runs the 16-vector rows only (--quick adds 1 vector at n = 3,000).'}`);
lines.push('Target (issue 9): RBF n = 20,000, d = 8, 16 vectors ≥ 5× the plain-JS time.');

// ---------------------------------------------------------------- 2. kernelMatvec forward and gradient at the op level
const no = quick ? 1000 : 4000;
const Xo = tt.tensor(rand(no * d, 3, 4), { shape: [no, d] }), Vo = tt.tensor(rand(no * c, 4), { shape: [no, c] }), Uo = tt.tensor(rand(no * c, 5), { shape: [no, c] });
const ls = tt.tensor(Array.from({ length: d }, (_, k) => 0.8 + 0.1 * k));
const fwd = (): tt.Tensor => tt.ops.kernelMatvec(Vo, { X: Xo, lengthscale: ls, variance: 1.3, noise: 0.1, kernel: 'matern52' });
const grad = (): unknown => tt.grad((Xa: tt.Tensor, l: tt.Tensor, s: tt.Tensor) => tt.sum(tt.mul(Uo, tt.ops.kernelMatvec(Vo, { X: Xa, lengthscale: l, variance: s, kernel: 'matern52' }))), { argnums: [0, 1, 2] })(Xo, ls, tt.tensor(1.3));
const opRows: (string | number)[][] = [];
for (const [name, fn] of [['forward (s·K + σ²I)·V', fwd], ['gradient w.r.t. X, ARD ℓ, s of Σ U∘(s·K·V)', grad]] as [string, () => unknown][]) {
  const saved = kernelWasmThresholds.pairs;
  kernelWasmThresholds.pairs = Infinity;
  const tTs = time(fn, 1, 0);
  kernelWasmThresholds.pairs = saved;
  const tW = time(fn, 3, 1);
  opRows.push([name, fmtTiming(tTs), fmtTiming(tW), `${(tTs.median / tW.median).toFixed(1)}×`]);
}
lines.push(`\n### tt.ops.kernelMatvec (Matérn-5/2, ARD), n = ${no.toLocaleString('en-US')}, d = ${d}, ${c} vectors\n`);
lines.push('The gradient runs the kernel product at orders 1 (w.r.t. the points, with a (d+1)·c-column block) and 0 (w.r.t. V), so it exercises every kernel the VJPs use. "TypeScript" sets kernelWasmThresholds.pairs = ∞ in the same process.\n');
lines.push(table(['op', 'TypeScript kernel', 'wasm kernel', 'speed-up'], opRows));

// ---------------------------------------------------------------- 2b. repeated kernelMatvec with the same X and ℓ
// (n = 4,000: the kernel dominates; n = 300, about the GP flagship's size: per-call overheads matter more, and its
// 19 KB of points stay under the resident cache's 64 KiB minimum, so only the division and allocation are saved)
// what a Krylov solve does (hundreds of matvecs, one vector each, untaped): with the memo the scaled points X / ℓ are
// the same array every call, so the wasm backend keeps them resident; without it (scaledPointsOptions.memo = false,
// the behaviour before) each call divides anew and copies the new array into wasm memory
for (const [nr, callsFull] of [[4000, 30], [300, 1000]]) {
  const calls = quick ? Math.ceil(callsFull / 3) : callsFull, rounds = quick ? 3 : 5;
  const Xr = tt.tensor(rand(nr * d, 6, 4), { shape: [nr, d] }), vr = tt.tensor(rand(nr, 7));
  const lsr = tt.tensor(Array.from({ length: d }, (_, k) => 0.9 + 0.05 * k));
  const call = (): tt.Tensor => tt.ops.kernelMatvec(vr, { X: Xr, lengthscale: lsr, variance: 1.3, noise: 0.1, kernel: 'rbf' });
  const perRound: Record<'off' | 'on', number[]> = { off: [], on: [] };
  const hits0 = scaledPointsStats.hits, res0 = residentStats()?.hits ?? 0;
  let resOn = 0;
  call(); // warm-up (tiers up the kernel, caches nothing that the "off" rounds could use: they make new arrays)
  for (let r = 0; r < rounds; r++) {
    for (const mode of ['off', 'on'] as const) {
      scaledPointsOptions.memo = mode === 'on';
      const r0 = residentStats()?.hits ?? 0;
      const t0 = performance.now();
      for (let i = 0; i < calls; i++) call();
      perRound[mode].push(calls / ((performance.now() - t0) / 1e3));
      if (mode === 'on') resOn += (residentStats()?.hits ?? 0) - r0;
    }
  }
  scaledPointsOptions.memo = true;
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const off = med(perRound.off), on = med(perRound.on);
  lines.push(`\n### Repeated tt.ops.kernelMatvec (RBF, ARD), n = ${nr.toLocaleString('en-US')}, d = ${d}, one vector: scaled points memoised vs recomputed\n`);
  lines.push(`${rounds} rounds of ${calls} calls each, "recomputed" (scaledPointsOptions.memo = false: X / ℓ divided anew every call, a new array for the wasm backend to copy in — the behaviour before) and "memoised" (the same scaled array every call, resident in wasm memory) interleaved; calls/s is the median over rounds. Memo hits: ${scaledPointsStats.hits - hits0}; resident-cache hits in the memoised rounds: ${resOn} (all rounds: ${(residentStats()?.hits ?? 0) - res0}).\n`);
  lines.push(table(['scaled points', 'calls/s (median)', 'rounds (calls/s)', 'speed-up'], [
    ['recomputed (before)', off.toFixed(1), perRound.off.map((x) => x.toFixed(1)).join(', '), '1.0×'],
    ['memoised (after)', on.toFixed(1), perRound.on.map((x) => x.toFixed(1)).join(', '), `${(on / off).toFixed(2)}×`],
  ]));
}

// ---------------------------------------------------------------- 3. examples before/after (child processes)
interface Run { label: string; example: string; args: string[] }
const skipExamples = process.argv.includes('--skip-examples');
const runs: Run[] = skipExamples ? [] : quick
  ? [
    { label: 'GP flagship, Boston n = 200, 2 Adam steps', example: 'gp-hyperparameters', args: ['--steps', '2'] },
    { label: 'GP synthetic n = 600, 1 step (matrix-free only)', example: 'gp-hyperparameters', args: ['--n', '600', '--cholesky-max', '500', '--large-steps', '1'] },
    { label: 'Hessian trace, 50 probes, short plots', example: 'hessian-trace', args: ['--probes', '50', '--curves', '2', '--max-samples', '20', '--ggn-probes', '10', '--unit-checks', '5'] },
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
if (skipExamples) lines.push('\n(Run with --skip-examples: the examples before/after section was left out.)');
if (!skipExamples) lines.push('\n### Examples before/after (whole process wall time)\n');
if (!skipExamples) lines.push(`"before" = TRACETAPE_WASM=0 (every kernel on the TypeScript loops), "after" = default (wasm SIMD kernels: matmul/matvec and the kernel products), one thread, started as \`node --import tsx examples/run.ts <example> --quiet …\` (includes start-up and, for the flagship, the dense Cholesky reference fit). One run each, before then after.\n`);
if (!skipExamples) lines.push(table(['run', 'before (TRACETAPE_WASM=0)', 'after (wasm)', 'speed-up'], exRows));

writeSection('kernel-wasm', 'Kernel products (RBF / Matérn) on WebAssembly SIMD vs plain JS; examples before/after', lines.join('\n'));
