/**
 * WebAssembly SIMD kernels (src/backend/wasm) against the plain-TypeScript loops in the same process: float64 matmul
 * (n = 512, 1,024; against the repo's register-blocked TypeScript gemm and a textbook triple loop), float64 matvec
 * (n = 4,096) against the measured DRAM read bandwidth (first call, second call, resident), batched matvec (16
 * right-hand sides), row vector × matrix, float32 matmul (n = 1,024) against TensorFlow.js's wasm backend (XNNPACK, one
 * thread, timed interleaved with ours) when @tensorflow/tfjs-backend-wasm is installed, and the tape's elementwise and
 * reduction loops (cpu backend TypeScript vs wasm SIMD, copies included) at 10³…10⁷ elements.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { gemm } from '../src/backend/cpu/matmul.js';
import { binary, unary } from '../src/backend/cpu/elementwise.js';
import { sumAxis } from '../src/backend/cpu/reduce.js';
import { wasmExp, wasmBinary, wasmDot, wasmSumChunked, wasmElementwiseThresholds } from '../src/backend/wasm/elementwise.js';
import { cpuBackend } from '../src/backend/cpu/index.js';
import { wasmMatmul, wasmSum, wasmStatus, residentStats, clearResidentCache, setWasmThreads } from '../src/backend/wasm/index.js';
import { quick, table, writeSection, fmtTiming, mib, type Timing } from './lib.js';

const lines: string[] = [];
type Arr = Float64Array | Float32Array;

function rand(n: number, seed: number, f32 = false): Arr {
  let s = seed >>> 0;
  const out = f32 ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = s / 4294967296 - 0.5; }
  return out;
}

function maxRelDiff(a: Arr, b: Arr): number {
  let m = 0, s = 0;
  for (let i = 0; i < a.length; i++) { m = Math.max(m, Math.abs(a[i] - b[i])); s = Math.max(s, Math.abs(b[i])); }
  return m / (s || 1);
}

const z = Int32Array.of(0);

/** Wall-clock timing plus the median CPU time of this process per run (ms): on a machine whose cores are shared with
 *  other jobs, CPU time excludes the time this process waited to be scheduled (it still includes V8's helper threads). */
interface Measured extends Timing { cpu: number }
function measure(fn: () => unknown, repeats: number, warmup = 1): Measured {
  for (let i = 0; i < warmup; i++) fn();
  const wall: number[] = [], cpu: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const c0 = process.cpuUsage(), t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const d = process.cpuUsage(c0);
    cpu.push((d.user + d.system) / 1000);
  }
  wall.sort((a, b) => a - b); cpu.sort((a, b) => a - b);
  const mid = Math.floor(repeats / 2);
  return { median: wall[mid], min: wall[0], max: wall[repeats - 1], repeats, cpu: cpu[mid] };
}
/** Two functions timed alternately (a, b, a, b, …) so that a change of load on a shared machine hits both alike. */
function measurePair(fa: () => unknown, fb: () => unknown, repeats: number, warmup = 1): [Measured, Measured] {
  for (let i = 0; i < warmup; i++) { fa(); fb(); }
  const wall: [number[], number[]] = [[], []], cpu: [number[], number[]] = [[], []];
  for (let i = 0; i < repeats; i++) {
    for (const [j, fn] of [[0, fa], [1, fb]] as const) {
      const c0 = process.cpuUsage(), t0 = performance.now();
      fn();
      wall[j].push(performance.now() - t0);
      const d = process.cpuUsage(c0);
      cpu[j].push((d.user + d.system) / 1000);
    }
  }
  const mid = Math.floor(repeats / 2);
  const summary = (j: 0 | 1): Measured => {
    const w = wall[j].sort((x, y) => x - y), c = cpu[j].sort((x, y) => x - y);
    return { median: w[mid], min: w[0], max: w[repeats - 1], repeats, cpu: c[mid] };
  };
  return [summary(0), summary(1)];
}

/** The textbook float64 matmul: triple loop in i-k-j order over Float64Array, no unrolling or blocking (issue 9's "plain JS"). */
function naiveMatmul(a: Float64Array, b: Float64Array, c: Float64Array, n: number): void {
  c.fill(0);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      for (let j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
    }
  }
}

const gflops = (flops: number, t: Timing): string => (flops / (t.median * 1e6)).toFixed(2);
const gflopsCpu = (flops: number, t: Measured): string => (flops / (t.cpu * 1e6)).toFixed(2);

lines.push(`Kernels: ${wasmStatus()}. Every wasm timing below includes copying the operands into wasm memory and the product out `
  + '(except where a matrix is resident), since that is what `tt.matmul` pays. One thread; the machine\'s cores may be shared, so '
  + 'medians can be noisy; the ratios are measured side by side in this process. "per CPU-s" columns divide by the median CPU '
  + 'time of the process instead of wall time (it excludes time spent waiting for a shared core).\n');

// 1. Read bandwidth (128 MiB, or 64 MiB with --quick): the ceiling of a memory-bound matvec.
const big = rand(quick ? 1 << 23 : 1 << 24, 1) as Float64Array;
const scan = measure(() => big.indexOf(7), quick ? 3 : 5);
let sink = 0;
const loopRead = measure(() => { let s0 = 0, s1 = 0, s2 = 0, s3 = 0; for (let i = 0; i < big.length; i += 4) { s0 += big[i]; s1 += big[i + 1]; s2 += big[i + 2]; s3 += big[i + 3]; } sink += s0 + s1 + s2 + s3; }, quick ? 3 : 5);
const bwNative = big.byteLength / (scan.min * 1e6), bwLoop = big.byteLength / (loopRead.min * 1e6);
const bw = Math.max(bwNative, bwLoop);
const bwCpu = Math.max(big.byteLength / (scan.cpu * 1e6), big.byteLength / (loopRead.cpu * 1e6));
lines.push(`### Read bandwidth (${mib(big.byteLength)} array)\n`);
lines.push(table(['method', 'time', 'GB/s (best run)', 'GB/s per CPU-s (median)'], [
  ['native scan (Float64Array.indexOf)', fmtTiming(scan), bwNative.toFixed(1), (big.byteLength / (scan.cpu * 1e6)).toFixed(1)],
  ['JS loop, 4 accumulators', fmtTiming(loopRead), bwLoop.toFixed(1), (big.byteLength / (loopRead.cpu * 1e6)).toFixed(1)],
]));
lines.push(`\nCeilings used below: ${bw.toFixed(1)} GB/s (wall, best run), ${bwCpu.toFixed(1)} GB/s (per CPU-second).\n`);

// 2. float64 matmul.
const mmRows: (string | number)[][] = [];
const threadRows: (string | number)[][] = [];
for (const n of [512, 1024]) {
  const A = rand(n * n, 10 + n), B = rand(n * n, 20 + n), o1 = new Float64Array(n * n), o2 = new Float64Array(n * n);
  const flops = 2 * n ** 3;
  const tW = measure(() => cpuBackend.matmul(A, B, o1, n, n, n, z, z), quick ? 3 : 7);
  const tT = measure(() => gemm(A, 0, B, 0, o2, 0, n, n, n), quick || n >= 1024 ? 1 : 3);
  const o4 = new Float64Array(n * n);
  const tN = measure(() => naiveMatmul(A as Float64Array, B as Float64Array, o4, n), 1, 0);
  const err = maxRelDiff(o1, o2), errN = maxRelDiff(o4, o2);
  if (err > 1e-12) throw new Error(`wasm gemm disagrees with the TypeScript gemm: ${err}`);
  if (errN > 1e-12) throw new Error(`triple-loop matmul disagrees with the TypeScript gemm: ${errN}`);
  mmRows.push([n, fmtTiming(tW), gflops(flops, tW), gflopsCpu(flops, tW), fmtTiming(tT), gflops(flops, tT),
    `${(tT.median / tW.median).toFixed(1)}× (${(tT.cpu / tW.cpu).toFixed(1)}×)`, fmtTiming(tN), gflops(flops, tN),
    `${(tN.median / tW.median).toFixed(1)}× (${(tN.cpu / tW.cpu).toFixed(1)}×)`, err.toExponential(1)]);
  // the same product split over 2 threads (worker pool on a shared memory)
  const threads = setWasmThreads(2);
  if (threads > 1) {
    const o3 = new Float64Array(n * n);
    const t2 = measure(() => cpuBackend.matmul(A, B, o3, n, n, n, z, z), quick ? 3 : 7);
    const err2 = maxRelDiff(o3, o2);
    if (err2 > 1e-12) throw new Error(`threaded wasm gemm disagrees: ${err2}`);
    threadRows.push([n, threads, fmtTiming(t2), gflops(flops, t2), `${(tW.median / t2.median).toFixed(2)}×`, `${(tT.median / t2.median).toFixed(1)}×`]);
  }
  setWasmThreads(1);
}
lines.push('### float64 matmul (n×n · n×n)\n');
lines.push(table(['n', 'wasm SIMD (cpu backend)', 'GFLOP/s', 'per CPU-s', 'TypeScript gemm (4×4 register-blocked)', 'GFLOP/s',
  'wasm speed-up wall (CPU)', 'textbook triple loop (i-k-j, one run)', 'GFLOP/s', 'wasm speed-up wall (CPU)', 'max rel. diff'], mmRows));
lines.push('\nTwo baselines: the repo\'s TypeScript gemm (the cpu backend\'s fallback, already unrolled 4×4) and the textbook '
  + 'float64 triple loop (i-k-j order, no unrolling; what issue 9 measured as "plain JS", 0.8 GFLOP/s). '
  + 'Targets (issue 9): ≥ 6 GFLOP/s on one core, ≥ 8× the plain-JS baseline.\n');
if (threadRows.length > 0) {
  lines.push('Split over worker threads (setWasmThreads(2); wall time, so on a machine whose cores are busy with other jobs the second thread may gain little):\n');
  lines.push(table(['n', 'threads', 'time', 'GFLOP/s', 'vs one thread', 'vs plain TypeScript'], threadRows));
  lines.push('\nTarget (issue 9): ≥ 10 GFLOP/s with 2 workers.\n');
}

// 3. float64 matvec n = 4,096 (128 MiB matrix): the first call runs the TypeScript gemv (no copy), the second copies it into the
//    resident cache, later calls read it in wasm memory.
{
  const n = 4096;
  const A = rand(n * n, 30) as Float64Array, x = rand(n, 31), y = new Float64Array(n), yRef = new Float64Array(n);
  clearResidentCache();
  const t0 = performance.now(); cpuBackend.matmul(A, x, y, n, n, 1, z, z); const first = performance.now() - t0;
  const t1 = performance.now(); cpuBackend.matmul(A, x, y, n, n, 1, z, z); const second = performance.now() - t1;
  const resident = measure(() => cpuBackend.matmul(A, x, y, n, n, 1, z, z), quick ? 5 : 15, 0);
  const tsGemv = measure(() => gemm(A, 0, x, 0, yRef, 0, n, n, 1), quick ? 3 : 7);
  const err = maxRelDiff(y, yRef);
  if (err > 1e-12) throw new Error(`wasm gemv disagrees: ${err}`);
  const gbs = (ms: number): number => A.byteLength / (ms * 1e6);
  // streaming read of the same resident matrix in wasm memory (SIMD sum): the fastest read this process achieves
  const scanWasm = measure(() => { sink += wasmSum(A) ?? 0; }, quick ? 5 : 15);
  const ceiling = Math.max(bw, gbs(scanWasm.min));
  const row = (label: string, ms: number, t?: Timing): (string | number)[] =>
    [label, t ? fmtTiming(t) : `${ms.toFixed(2)} ms`, ((2 * n * n) / (ms * 1e6)).toFixed(2), gbs(ms).toFixed(1), `${(100 * gbs(ms) / ceiling).toFixed(0)}%`];
  lines.push(`### float64 matvec, n = ${n} (${mib(A.byteLength)} matrix)\n`);
  lines.push(`Read ceiling: ${ceiling.toFixed(1)} GB/s, the best of the JavaScript read loops above and a WebAssembly SIMD sum over this resident matrix (best run).\n`);
  lines.push(table(['kernel', 'time', 'GFLOP/s', 'matrix read GB/s', 'of read ceiling'], [
    row('first call (large matrix seen once: TypeScript gemv, no copy)', first),
    row('wasm, second call (copied into the resident cache)', second),
    row('wasm, matrix resident (median)', resident.median, resident),
    row('wasm, matrix resident (best run)', resident.min),
    row('plain TypeScript gemv', tsGemv.median, tsGemv),
    row('(read probe: wasm SIMD sum of the resident matrix, median)', scanWasm.median, scanWasm),
  ]));
  lines.push(`\nResident matvec vs the read probe on the same resident matrix: ${(100 * scanWasm.median / resident.median).toFixed(0)}% (medians, wall), ${(100 * scanWasm.cpu / resident.cpu).toFixed(0)}% (CPU time).`);
  lines.push(`\nPer CPU-second (medians): resident wasm ${gbs(resident.cpu).toFixed(1)} GB/s = ${(100 * gbs(resident.cpu) / bwCpu).toFixed(0)}% of the per-CPU-second read bandwidth; TypeScript gemv ${gbs(tsGemv.cpu).toFixed(1)} GB/s.`);
  const st = residentStats();
  lines.push(`\nTarget: resident matvec ≥ 70% of the read bandwidth (this machine's DRAM was measured at ~27 GB/s one thread when idle, ECOSYSTEM-NOTES). Resident cache after this section: ${st?.entries ?? 0} matrices, ${mib(st?.bytes ?? 0)} (limit ${mib(st?.limit ?? 0)}); wasm memory ${mib(st?.memoryBytes ?? 0)}. Speed-up resident vs TypeScript: ${(tsGemv.median / resident.median).toFixed(1)}×.\n`);
  clearResidentCache();
}

// 4. Batched matvec: 16 right-hand sides on a 2,048² matrix (Hutchinson probe blocks), resident matrix vs TypeScript.
{
  const n = 2048, c = 16;
  const A = rand(n * n, 40), V = rand(n * c, 41), o1 = new Float64Array(n * c), o2 = new Float64Array(n * c);
  cpuBackend.matmul(A, V, o1, n, n, c, z, z); // first sight
  const tW = measure(() => cpuBackend.matmul(A, V, o1, n, n, c, z, z), quick ? 3 : 7);
  const tT = measure(() => gemm(A, 0, V, 0, o2, 0, n, n, c), quick ? 1 : 3);
  const err = maxRelDiff(o1, o2);
  if (err > 1e-12) throw new Error(`wasm batched matvec disagrees: ${err}`);
  lines.push(`### Batched float64 matvec, ${n}² matrix × ${c} vectors\n`);
  lines.push(table(['kernel', 'time', 'GFLOP/s', 'per CPU-s'], [
    ['wasm SIMD (matrix resident after its second use)', fmtTiming(tW), gflops(2 * n * n * c, tW), gflopsCpu(2 * n * n * c, tW)],
    ['plain TypeScript gemm', fmtTiming(tT), gflops(2 * n * n * c, tT), gflopsCpu(2 * n * n * c, tT)],
  ]));
  lines.push(`\nSpeed-up: ${(tT.median / tW.median).toFixed(1)}× wall, ${(tT.cpu / tW.cpu).toFixed(1)}× CPU time.\n`);
  clearResidentCache();
}

// 5. Row vector times a matrix (xᵀB, as in the backward pass of a matvec): the transpose-matvec kernel gemvt, B resident.
{
  const n = 2048;
  const x = rand(n, 60), B = rand(n * n, 61), o1 = new Float64Array(n), o2 = new Float64Array(n);
  cpuBackend.matmul(x, B, o1, 1, n, n, z, z); // first sight of B: TypeScript loops
  const tW = measure(() => cpuBackend.matmul(x, B, o1, 1, n, n, z, z), quick ? 5 : 15);
  const tT = measure(() => gemm(x, 0, B, 0, o2, 0, 1, n, n), quick ? 5 : 15);
  const err = maxRelDiff(o1, o2);
  if (err > 1e-12) throw new Error(`wasm xᵀB (gemvt) disagrees: ${err}`);
  lines.push(`### Row vector × matrix, 1×${n} · ${n}² (float64)\n`);
  lines.push(table(['kernel', 'time', 'GFLOP/s', 'per CPU-s'], [
    ['wasm SIMD gemvt (B resident after its second use)', fmtTiming(tW), gflops(2 * n * n, tW), gflopsCpu(2 * n * n, tW)],
    ['plain TypeScript gemm', fmtTiming(tT), gflops(2 * n * n, tT), gflopsCpu(2 * n * n, tT)],
  ]));
  lines.push(`\nSpeed-up: ${(tT.median / tW.median).toFixed(1)}× wall, ${(tT.cpu / tW.cpu).toFixed(1)}× CPU time.\n`);
  clearResidentCache();
}

// 6. float32 matmul n = 1,024, against TensorFlow.js's wasm backend (XNNPACK) when installed. Fair comparison: both one
//    thread (tfjs: setThreadsCount(1), and its threaded build is not used in Node, which the section reports), both
//    float32 with float32 accumulation, operands already in each library's memory (tfjs tensors created once; our A and
//    B resident from their second use), each timing includes copying the product out to a Float32Array (tfjs dataSync,
//    ours out.set), and the two are timed alternately so that load changes on a shared machine hit both alike.
{
  const n = 1024, flops = 2 * n ** 3;
  const A = rand(n * n, 50, true) as Float32Array, B = rand(n * n, 51, true) as Float32Array;
  const o1 = new Float32Array(n * n), o2 = new Float32Array(n * n);
  const ourThreads = setWasmThreads(1);
  const ours = (): boolean => wasmMatmul(A, B, o1, n, n, n, z, z);
  const tT = measure(() => gemm(A, 0, B, 0, o2, 0, n, n, n), 1);
  const rows: (string | number)[][] = [];
  let note = '';
  try {
    const tf = await import('@tensorflow/tfjs-core');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/';
    const files = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
    wasm.setWasmPaths(Object.fromEntries(files.map((f) => [f, dir + f])));
    wasm.setThreadsCount(1);
    const warn = console.warn;
    console.warn = (): void => {}; // tfjs's "install tfjs-node" banner
    const ok = await tf.setBackend('wasm').finally(() => { console.warn = warn; });
    if (!ok) throw new Error("backend 'wasm' did not initialise");
    await tf.ready();
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const mt = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    const ta = tf.tensor2d(A, [n, n]), tb = tf.tensor2d(B, [n, n]);
    const run = (): Float32Array => { const c = tf.matMul(ta, tb); const d = c.dataSync() as Float32Array; c.dispose(); return d; };
    const [tW, tF] = measurePair(ours, run, quick ? 5 : 9, 2);
    const errTf = maxRelDiff(run(), o2);
    const err = maxRelDiff(o1, o2);
    if (err > 1e-4) throw new Error(`wasm f32 gemm disagrees: ${err}`);
    rows.push([`tracetape wasm SIMD f32x4 (4×8 micro-kernel, f32 accumulation, threads in effect: ${ourThreads})`, fmtTiming(tW), gflops(flops, tW), gflopsCpu(flops, tW), '1.00×']);
    rows.push([`TensorFlow.js wasm (XNNPACK, SIMD ${simd ? 'on' : 'off'}, threads: setThreadsCount(1), getThreadsCount() = ${wasm.getThreadsCount()}, `
      + `multithread build ${mt ? 'available' : 'unavailable in this runtime'}; includes dataSync)`, fmtTiming(tF), gflops(flops, tF), gflopsCpu(flops, tF), `${(tF.median / tW.median).toFixed(2)}×`]);
    rows.push(['plain TypeScript gemm (f64 accumulation, one run)', fmtTiming(tT), gflops(flops, tT), gflopsCpu(flops, tT), `${(tT.median / tW.median).toFixed(2)}×`]);
    note = `\ntracetape speed relative to tfjs-wasm: ${(tF.median / tW.median).toFixed(2)}× wall (medians), ${(tF.min / tW.min).toFixed(2)}× (best runs), `
      + `${(tF.cpu / tW.cpu).toFixed(2)}× CPU time (target ≥ 1.0×; timed alternately, ${tW.repeats} pairs). Max rel. diff vs the f64-accumulated reference: `
      + `tracetape ${err.toExponential(1)}, tfjs ${errTf.toExponential(1)}.\n`;
  } catch (e) {
    const tW = measure(ours, quick ? 3 : 7);
    rows.push([`tracetape wasm SIMD f32x4 (4×8 micro-kernel, f32 accumulation, threads in effect: ${ourThreads})`, fmtTiming(tW), gflops(flops, tW), gflopsCpu(flops, tW), '1.00×']);
    rows.push(['plain TypeScript gemm (f64 accumulation, one run)', fmtTiming(tT), gflops(flops, tT), gflopsCpu(flops, tT), `${(tT.median / tW.median).toFixed(2)}×`]);
    note = `\nTensorFlow.js wasm comparison skipped: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}.\n`;
  }
  lines.push(`### float32 matmul, n = ${n}\n`);
  lines.push(table(['kernel', 'time', 'GFLOP/s', 'per CPU-s', 'time / tracetape time'], rows));
  lines.push(note);
  lines.push('Micro-kernel shape: 4×8 (8 f32x4 accumulators) is the largest tile whose loop V8 (Node 20, x64: 15 allocatable '
    + 'xmm registers) compiles without spills; 6×8 and 5×8 tiles, and 2× or 4× unrolling over k, made V8 hoist the loads '
    + 'and spill accumulators to the stack (measured slower, see src/backend/wasm/kernels.wat).\n');
}

// 7. The tape's elementwise and reduction loops (cpu backend, float64): the TypeScript loop the backend runs against the
//    wasm SIMD kernel including the copies into and out of wasm memory (streamed through a 64 KiB-per-operand staging
//    buffer), at 10³…10⁷ elements (10⁶ with --quick). Each timing repeats the call over ~10⁶ elements in all.
{
  const sizes = quick ? [1e3, 1e4, 1e5, 1e6] : [1e3, 1e4, 1e5, 1e6, 1e7];
  const ewRows: (string | number)[][] = [];
  const saved = wasmElementwiseThresholds.exp;
  for (const n of sizes) {
    const a = rand(n, 70) as Float64Array, b = rand(n, 71) as Float64Array, o1 = new Float64Array(n), o2 = new Float64Array(n);
    const negA = a.map((v) => 40 * v - 20); // exp arguments in [−40, 20)
    const reps = Math.max(1, Math.round(1e6 / n));
    const loop = (fn: () => void) => (): void => { for (let r = 0; r < reps; r++) fn(); };
    const nsPer = (t: Measured): number => (t.cpu * 1e6) / (reps * n); // CPU time: robust to waiting for a shared core
    const row = (op: string, ts: string, tT: Measured, tW: Measured, diff: string): void => {
      ewRows.push([op, n.toExponential(0).replace('e+', 'e'), ts, nsPer(tT).toFixed(2), nsPer(tW).toFixed(2), `${(tT.cpu / tW.cpu).toFixed(2)}× (${(tT.median / tW.median).toFixed(2)}×)`, diff]);
    };
    const pairs = quick ? 3 : 5;
    const savedBinary = wasmElementwiseThresholds.binary, savedSum = wasmElementwiseThresholds.sum;
    wasmElementwiseThresholds.binary = Infinity; // the TypeScript loops below
    wasmElementwiseThresholds.sum = Infinity;
    for (const op of ['add', 'mul'] as const) {
      const [tT, tW] = measurePair(loop(() => binary(op, a, b, o1, null, null)), loop(() => wasmBinary(op, a, b, o2)), pairs);
      row(op, 'one loop, o[i] = a[i] ∘ b[i]', tT, tW, maxRelDiff(o2, o1) === 0 ? 'identical' : maxRelDiff(o2, o1).toExponential(1));
    }
    wasmElementwiseThresholds.exp = Infinity; // the TypeScript loop (Math.exp)
    const tsExp = loop(() => unary('exp', negA, o1));
    const [tT, tW] = measurePair(tsExp, loop(() => wasmExp(negA, o2)), pairs);
    wasmElementwiseThresholds.exp = saved;
    let expErr = 0;
    for (let i = 0; i < n; i++) expErr = Math.max(expErr, Math.abs(o2[i] - o1[i]) / o1[i]);
    row('exp', 'Math.exp loop', tT, tW, `${expErr.toExponential(1)} (rel.)`);
    const s1 = new Float64Array(1);
    let w = 0, t = 0;
    const [tS, tSW] = measurePair(loop(() => { s1[0] = 0; sumAxis(a, s1, 1, n, 1); t = s1[0]; }), loop(() => { w = wasmSumChunked(a) ?? 0; }), pairs);
    row('sum', 'sumAxis, 4 accumulators', tS, tSW, (Math.abs(w - t) / Math.abs(t)).toExponential(1));
    const d1 = new Float64Array(1);
    const [tD, tDW] = measurePair(loop(() => gemm(a, 0, b, 0, d1, 0, 1, n, 1)), loop(() => { w = wasmDot(a, b) ?? 0; }), pairs);
    row('dot', 'gemm 1×n·n×1, 4 accumulators', tD, tDW, (Math.abs(w - d1[0]) / Math.abs(d1[0])).toExponential(1));
    const [tB] = measurePair(loop(() => cpuBackend.matmul(a, b, d1, 1, n, 1, z, z)), () => {}, pairs);
    ewRows.push(['dot', n.toExponential(0).replace('e+', 'e'), '(cpu backend matmul 1×n·n×1, what tt.dot runs: wasm gemv from n = 2,048, operands resident from their second use)',
      nsPer(tB).toFixed(2), '', `${(tB.cpu / tDW.cpu).toFixed(2)}× (${(tB.median / tDW.median).toFixed(2)}×) vs wasm`, '']);
    const [t1] = measurePair(loop(() => { let acc = 0; for (let i = 0; i < n; i++) acc += a[i] * b[i]; sink += acc; }), () => {}, pairs);
    ewRows.push(['dot', n.toExponential(0).replace('e+', 'e'), '(one-accumulator loop, for reference)', nsPer(t1).toFixed(2), '', `${(t1.cpu / tDW.cpu).toFixed(2)}× (${(t1.median / tDW.median).toFixed(2)}×) vs wasm`, '']);
    wasmElementwiseThresholds.binary = savedBinary;
    wasmElementwiseThresholds.sum = savedSum;
  }
  lines.push('### Elementwise and reductions (float64): cpu backend TypeScript loops vs wasm SIMD with copies\n');
  lines.push(table(['op', 'n', 'TypeScript loop', 'TS ns/element (CPU)', 'wasm ns/element (CPU, copies included)', 'TS / wasm: CPU time (wall)', 'wasm vs TS difference'], ewRows));
  const th = wasmElementwiseThresholds;
  lines.push('\nTimed alternately (TS, wasm, …), medians of the process CPU time per call (wall-time ratio in parentheses). '
    + `Wired into the cpu backend (float64, wasmElementwiseThresholds): exp from ${th.exp} elements, same-length add/sub/mul/div from `
    + `${th.binary} (bitwise identical results), row sums (sumAxis) from ${th.sum}. Not wired: dot (tt.dot is a 1×n·n×1 matmul, which `
    + 'already runs the wasm matvec kernel from n = 2,048 with its operands resident). Note: tt.sum reduces in src/ops/reduce.ts '
    + 'with its own loop and does not call the backend\'s sumAxis.\n');
}

if (sink === 12345.678) console.log(sink);
writeSection('wasm', 'WebAssembly SIMD kernels (cpu backend): matmul, matvec, float32, elementwise', lines.join('\n'));
