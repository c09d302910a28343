/**
 * Transpose-matvec benchmark. Section 1: y = Aᵀx (float64, A 4,096² row-major, resident in wasm memory) on the gemvt
 * kernel against the read bandwidth measured in this process and the plain TypeScript loop, plus other shapes (tall
 * thin, wide) and float32. Section 2: the Lanczos forward pass with reortho 'full' on tt.ops.laplacian2d
 * (n = 10⁴, 10⁵; K = 50, 100, 200), Gram–Schmidt on the wasm-resident basis (GramSchmidtRows) vs the TypeScript loops.
 */
import * as tt from '../src/index.js';
import { gemm } from '../src/backend/cpu/matmul.js';
import { cpuBackend } from '../src/backend/cpu/index.js';
import { wasmKernels } from '../src/backend/wasm/module.js';
import { wasmRuntime } from '../src/backend/wasm/matmul.js';
import { wasmSum, wasmStatus, residentStats, clearResidentCache } from '../src/backend/wasm/index.js';
import { gramSchmidtThresholds } from '../src/krylov/vectors.js';
import { quick, table, writeSection, fmtTiming, mib, gc, type Timing } from './lib.js';

const lines: string[] = [];
let sink = 0;
const z = Int32Array.of(0);

function rand(n: number, seed: number, f32 = false): Float64Array | Float32Array {
  let s = seed >>> 0;
  const out = f32 ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = s / 4294967296 - 0.5; }
  return out;
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0, s = 0;
  for (let i = 0; i < a.length; i++) { m = Math.max(m, Math.abs(a[i] - b[i])); s = Math.max(s, Math.abs(b[i])); }
  return m / (s || 1);
}

/** Median wall time (ms) of `fn`, with min and max, after `warmup` runs. */
function measure(fn: () => unknown, repeats: number, warmup = 1): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < repeats; i++) { const t0 = performance.now(); fn(); t.push(performance.now() - t0); }
  t.sort((a, b) => a - b);
  return { median: t[Math.floor(repeats / 2)], min: t[0], max: t[repeats - 1], repeats };
}

/** Wall-clock timing plus the median CPU time (ms) of this process per run (excludes time spent waiting for a shared core). */
interface Measured extends Timing { cpu: number }

/** Several functions timed round-robin (one run of each per round), so that a noisy neighbour affects all alike. */
function interleaved(fns: (() => unknown)[], rounds: number): Measured[] {
  for (const f of fns) f();
  const ts = fns.map(() => [] as number[]), cs = fns.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((f, i) => {
      const c0 = process.cpuUsage(), t0 = performance.now();
      f();
      ts[i].push(performance.now() - t0);
      const d = process.cpuUsage(c0);
      cs[i].push((d.user + d.system) / 1000);
    });
  }
  const mid = Math.floor(rounds / 2);
  return ts.map((t, i) => {
    t.sort((a, b) => a - b); cs[i].sort((a, b) => a - b);
    return { median: t[mid], min: t[0], max: t[rounds - 1], repeats: rounds, cpu: cs[i][mid] };
  });
}

/** CPU time of this process in ms since `c0` (user + system). */
function cpuSince(c0: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1000;
}

const K = wasmKernels();
if (!K) throw new Error(`gemvt bench: the wasm kernels are unavailable (${wasmStatus()})`);
const kernels = K;

// ---------------------------------------------------------------- section 1: y = Aᵀx ---------------------------------
{
  const n = 4096;
  const A = rand(n * n, 1) as Float64Array, x = rand(n, 2) as Float64Array;
  const y = new Float64Array(n), yRef = new Float64Array(n);
  // read bandwidth in this process: native scan and a JS loop over a large array, and a wasm SIMD sum over A itself
  const big = rand(quick ? 1 << 23 : 1 << 24, 3) as Float64Array;
  const scan = measure(() => big.indexOf(7), quick ? 3 : 5);
  const loopRead = measure(() => {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let i = 0; i < big.length; i += 4) { s0 += big[i]; s1 += big[i + 1]; s2 += big[i + 2]; s3 += big[i + 3]; }
    sink += s0 + s1 + s2 + s3;
  }, quick ? 3 : 5);
  clearResidentCache();
  cpuBackend.matmul(x, A, y, 1, n, n, z, z); // first sight of A: TypeScript loops; from the second use on A is resident
  const rounds = quick ? 7 : 21;
  const [tW, tSum] = interleaved([() => cpuBackend.matmul(x, A, y, 1, n, n, z, z), () => { sink += wasmSum(A) ?? 0; }], rounds);
  const [tT] = interleaved([() => gemm(x, 0, A, 0, yRef, 0, 1, n, n)], quick ? 3 : 7);
  const err = maxRelDiff(y, yRef);
  if (err > 1e-12) throw new Error(`gemvt bench: wasm Aᵀx disagrees with the TypeScript loop (${err})`);
  const gbs = (ms: number): number => A.byteLength / (ms * 1e6);
  const bwNative = big.byteLength / (scan.min * 1e6), bwLoop = big.byteLength / (loopRead.min * 1e6);
  const ceiling = Math.max(bwNative, bwLoop, gbs(tSum.min));
  const row = (label: string, t: Measured): (string | number)[] =>
    [label, fmtTiming(t), ((2 * n * n) / (t.median * 1e6)).toFixed(2), gbs(t.median).toFixed(1), gbs(t.min).toFixed(1), `${(100 * gbs(t.min) / ceiling).toFixed(0)}%`, gbs(t.cpu).toFixed(1)];
  lines.push(`Kernels: ${wasmStatus()}. One thread; the machine's cores and memory bus may be shared with other jobs, so `
    + 'absolute numbers are noisy: the wasm kernel and the read probe over the same matrix are timed round-robin.\n');
  lines.push(`### float64 y = Aᵀx, A ${n}×${n} row-major (${mib(A.byteLength)})\n`);
  lines.push(`Read bandwidth in this process (best run): native scan (Float64Array.indexOf, ${mib(big.byteLength)}) ${bwNative.toFixed(1)} GB/s; `
    + `JS loop with 4 accumulators ${bwLoop.toFixed(1)} GB/s; WebAssembly SIMD sum over A itself (resident) ${gbs(tSum.min).toFixed(1)} GB/s. `
    + `Ceiling used: ${ceiling.toFixed(1)} GB/s (the best of the three).\n`);
  lines.push(table(['kernel', 'time', 'GFLOP/s', 'A read GB/s (median)', 'GB/s (best)', 'best of ceiling', 'GB/s per CPU-s (median)'], [
    row('wasm gemvt via tt matmul of a row vector (A resident; x in, y out)', tW),
    row('(read probe: wasm SIMD sum of the resident A)', tSum),
    row('plain TypeScript loop (cpu gemm, i-p-j)', tT),
  ]));
  lines.push(`\nMedians side by side: gemvt at ${(100 * tSum.median / tW.median).toFixed(0)}% of the read probe's speed; `
    + `${(tT.median / tW.median).toFixed(1)}× the TypeScript loop (${(tT.cpu / tW.cpu).toFixed(1)}× in CPU time). Max rel. diff vs the TypeScript loop: ${err.toExponential(1)}.\n`);
  clearResidentCache();
}

// other shapes, straight on the kernels (operands already in wasm memory): gemvt against the read probe and the
// TypeScript loop (the previous row-vector kernel, gevm, was removed once gemvt had replaced it everywhere)
{
  const shapes: [number, number, string][] = [
    [4096, 4096, 'square'], [100, 100000, 'wide (Gram–Schmidt: K = 100 rows, n = 10⁵)'], [200, 10000, 'wide (K = 200, n = 10⁴)'],
    [100000, 8, 'tall thin (k = 8)'], [100000, 3, 'tall thin (k = 3)'], [20000, 17, 'tall thin (k = 17)'], [4096, 64, 'k = 64'],
  ];
  const rows: (string | number)[][] = [];
  const heap = wasmRuntime()!.heap;
  for (const f32 of [false, true]) {
    for (const [m, k, label] of (f32 ? shapes.slice(0, 2) : shapes)) {
      const es = f32 ? 4 : 8;
      const bytes = m * k * es;
      const A = rand(m * k, 7 + m, f32), x = rand(m, 8, f32);
      const Ta = f32 ? Float32Array : Float64Array;
      const aPtr = heap.alloc(bytes), xPtr = heap.alloc(m * es), yPtr = heap.alloc(k * es);
      if (aPtr < 0 || xPtr < 0 || yPtr < 0) throw new Error('gemvt bench: wasm memory exhausted');
      const view = (p: number, len: number): Float64Array | Float32Array => new Ta(kernels.memory.buffer, p, len);
      view(aPtr, m * k).set(A); view(xPtr, m).set(x);
      const yT = new Ta(k);
      const fns = [
        () => { view(yPtr, k).fill(0); if (f32) kernels.gemvt_f32(aPtr, xPtr, yPtr, m, k); else kernels.gemvt_f64(aPtr, xPtr, yPtr, m, k); },
        () => { sink += f32 ? 0 : kernels.sum_f64(aPtr, m * k); },
      ];
      const [tN, tS] = interleaved(fns, quick ? 5 : 11);
      fns[0]();
      const yW = view(yPtr, k).slice();
      const tT = measure(() => gemm(x, 0, A, 0, yT, 0, 1, m, k), quick ? 2 : 5);
      const err = maxRelDiff(yW, yT);
      if (err > (f32 ? 1e-4 : 1e-12)) throw new Error(`gemvt bench: ${m}×${k} disagrees (${err})`);
      const g = (t: Timing): string => (bytes / (t.median * 1e6)).toFixed(1);
      heap.free(aPtr); heap.free(xPtr); heap.free(yPtr);
      rows.push([f32 ? 'float32' : 'float64', `${m}×${k}`, label, g(tN), f32 ? '—' : g(tS), g(tT), `${(tT.median / tN.median).toFixed(1)}×`]);
    }
  }
  lines.push('### Aᵀx on other shapes (operands in wasm memory; A read GB/s, medians of round-robin runs)\n');
  lines.push(table(['dtype', 'A (m×k)', 'shape', 'gemvt', 'read probe (wasm sum of A)', 'TypeScript loop', 'gemvt vs TS'], rows));
  lines.push('');
}

// batched matvec A·V (V with c = 1…64 columns): which existing kernel should run it? The cpu backend (float64: one gemv
// per column for c = 2–4, the packed gemm from c = 5) against the packed gemm kernel called directly on the same resident
// operands, and the TypeScript loops.
{
  const n = quick ? 1024 : 2048;
  const A = rand(n * n, 90) as Float64Array;
  const rt = wasmRuntime()!;
  const pa = rt.heap.alloc(A.byteLength), pb = rt.heap.alloc(n * 64 * 8), pc = rt.heap.alloc(n * 64 * 8);
  const work = rt.heap.alloc((kernels.F64_MC.value as number) * (kernels.F64_KC.value as number) * 8 + (kernels.F64_KC.value as number) * (kernels.F64_NC.value as number) * 8);
  if (pa < 0 || pb < 0 || pc < 0 || work < 0) throw new Error('gemvt bench: wasm memory exhausted');
  new Float64Array(kernels.memory.buffer, pa, n * n).set(A);
  const rows: (string | number)[][] = [];
  for (const c of [1, 2, 3, 4, 6, 8, 16, 64]) {
    const V = rand(n * c, 91 + c) as Float64Array, o1 = new Float64Array(n * c), o2 = new Float64Array(n * c);
    new Float64Array(kernels.memory.buffer, pb, n * c).set(V);
    cpuBackend.matmul(A, V, o1, n, n, c, z, z); // first sight
    const fns = [() => cpuBackend.matmul(A, V, o1, n, n, c, z, z), () => gemm(A, 0, V, 0, o2, 0, n, n, c)];
    if (c > 1) fns.push(() => kernels.gemm_f64(pa, pb, pc, n, n, c, work));
    const [tW, tT, tP] = interleaved(fns, quick ? 3 : 7);
    const err = maxRelDiff(o1, o2);
    if (err > 1e-12) throw new Error(`gemvt bench: batched matvec c = ${c} disagrees (${err})`);
    const fl = 2 * n * n * c;
    const g = (t: Measured): string => `${(fl / (t.median * 1e6)).toFixed(2)} (${(fl / (t.cpu * 1e6)).toFixed(2)})`;
    rows.push([c, c === 1 ? 'gemv' : c <= 4 ? `gemv per column (×${c})` : 'packed gemm', g(tW), tP ? g(tP) : '—', g(tT), `${(tT.median / tW.median).toFixed(1)}×`]);
  }
  for (const p of [pa, pb, pc, work]) rt.heap.free(p);
  clearResidentCache();
  lines.push(`### Batched float64 matvec A·V, A ${n}² resident, V with c columns\n`);
  lines.push('GFLOP/s wall (per CPU-second) of the median round-robin run; "packed gemm kernel" calls gemm_f64 directly on operands already in wasm memory (no copies), the cpu backend copies V in and the product out.\n');
  lines.push(table(['c', 'cpu backend runs', 'cpu backend', 'packed gemm kernel', 'TypeScript gemm', 'cpu backend vs TS'], rows));
  lines.push('');
}

// ---------------------------------------------------------------- section 2: Lanczos forward --------------------------
const lanczosLines: string[] = [];
{
  const sides = quick ? [100] : [100, 317];
  const depths = quick ? [50, 100] : [50, 100, 200];
  const rows: (string | number)[][] = [];
  let worst = 0;
  for (const side of sides) {
    const n = side * side;
    const lap = tt.ops.laplacian2d(side, side, { spacing: 1 });
    const kField = tt.ones([n]);
    const timing = { matvec: 0, matvecCpu: 0 };
    const matvec = (v: tt.Tensor, k: tt.Tensor): tt.Tensor => {
      const c0 = process.cpuUsage(), t0 = performance.now();
      const out = lap(v, k);
      timing.matvec += performance.now() - t0;
      timing.matvecCpu += cpuSince(c0);
      return out;
    };
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[i] = 1 + Math.sin(0.37 * (i + 1));
    const v0 = tt.tensor(d);
    for (const depth of depths) {
      const repeats = quick ? 2 : n > 20000 ? 1 : 3;
      interface Runs { total: number[]; cpu: number[]; gs: number[]; gsCpu: number[]; alphas: Float64Array; betas: Float64Array }
      const run = (wasm: boolean, into: Runs): void => {
        gramSchmidtThresholds.wasmMinLength = wasm ? 256 : Infinity;
        gc();
        timing.matvec = 0; timing.matvecCpu = 0;
        const c0 = process.cpuUsage(), t0 = performance.now();
        const res = tt.noGrad(() => tt.krylov.lanczos(matvec, v0, kField, { depth, reortho: 'full' }));
        const t = performance.now() - t0, c = cpuSince(c0);
        into.total.push(t); into.cpu.push(c); into.gs.push(t - timing.matvec); into.gsCpu.push(c - timing.matvecCpu);
        into.alphas = res.alphas.data() as Float64Array; into.betas = res.betas.data() as Float64Array;
      };
      const fresh = (): Runs => ({ total: [], cpu: [], gs: [], gsCpu: [], alphas: new Float64Array(0), betas: new Float64Array(0) });
      const w = fresh(), s = fresh();
      for (let r = 0; r < repeats; r++) { run(true, w); run(false, s); } // alternating, so both see the same load
      gramSchmidtThresholds.wasmMinLength = 256;
      const med = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const gsFlops = 4 * n * depth * (depth + 1); // two passes of h = Q w and w −= Qᵀ h against k+1 rows, k < K
      const diff = Math.max(maxRelDiff(w.alphas, s.alphas), maxRelDiff(w.betas, s.betas));
      worst = Math.max(worst, diff);
      rows.push([n, depth, `${med(w.total).toFixed(0)} ms`, `${med(s.total).toFixed(0)} ms`, `${(med(s.total) / med(w.total)).toFixed(1)}×`,
        `${med(w.cpu).toFixed(0)} / ${med(s.cpu).toFixed(0)} ms`,
        (gsFlops / (med(w.gs) * 1e6)).toFixed(2), (gsFlops / (med(s.gs) * 1e6)).toFixed(2),
        (gsFlops / (med(w.gsCpu) * 1e6)).toFixed(2), (gsFlops / (med(s.gsCpu) * 1e6)).toFixed(2), `${mib(8 * depth * n)}`, diff.toExponential(1)]);
    }
  }
  lanczosLines.push('### Lanczos forward, reortho \'full\', tt.ops.laplacian2d (unit spacing, k ≡ 1), float64\n');
  lanczosLines.push('`tt.krylov.lanczos` under `tt.noGrad`; "wasm": Gram–Schmidt on the basis mirrored in wasm memory (GramSchmidtRows, '
    + 'gemv_f64 + gemvt_f64); "TS": the same code with the wasm path switched off (gramSchmidtThresholds.wasmMinLength = ∞), i.e. '
    + 'the TypeScript projectRows/combineRows loops. GS GFLOP/s = 4nK(K+1) flops (two classical Gram–Schmidt passes, each '
    + 'h = Q w and w −= Qᵀh over k+1 rows at step k) divided by the forward time minus the time spent in the matvec (so it also '
    + `counts the O(nK) vector work of the three-term recurrence: a lower bound on the GS rate); "per CPU-s" divides by this process's CPU time instead of wall time (excluding time spent waiting for a shared core). wasm and TS runs alternate. Median of ${quick ? 2 : '3 (1 at n ≈ 10⁵)'} runs.\n`);
  lanczosLines.push(table(['n', 'K', 'forward (wasm)', 'forward (TS)', 'speed-up', 'forward CPU time (wasm / TS)', 'GS GFLOP/s (wasm)', 'GS GFLOP/s (TS)', 'GS GFLOP/s per CPU-s (wasm)', 'per CPU-s (TS)', 'K vectors', 'max rel. diff α, β'], rows));
  const st = residentStats();
  lanczosLines.push(`\nThe wasm path keeps a second copy of the basis (K·n float64) in wasm memory during the forward; the WebAssembly memory `
    + `never shrinks, so its capacity stays at the largest size used (now ${mib(st?.memoryBytes ?? 0)}) and is reused by later kernels. `
    + `Largest relative difference of α, β between the two paths: ${worst.toExponential(1)} (different summation order).\n`);
}

if (sink === 12345.678) console.log(sink);
writeSection('gemvt', 'Transpose-matvec (wasm gemvt) and Lanczos Gram–Schmidt on the wasm-resident basis', [...lines, ...lanczosLines].join('\n'));
