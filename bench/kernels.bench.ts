/**
 * Compute kernels: dense f64 matvec (cpu gemv vs a bare Float64Array loop vs the measured DRAM read bandwidth), matmul on
 * cpu and gpujs, the RBF kernelMatvec at n = 10⁴, d = 8 on both backends, and the memory of an n = 10⁵ kernel matvec.
 */
import * as tt from '../src/index.js';
import { cpuBackend, gpujsBackend, gemm, gemv } from '../src/backend/index.js';
import { time, quick, table, writeSection, fmtTiming, MemoryProbe, mib, gc } from './lib.js';

const lines: string[] = [];
function rand(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = s / 4294967296 - 0.5; }
  return out;
}

// 1. Read bandwidth on an array far larger than the caches (128 MiB): a native scan (indexOf of an absent value) and a
//    JS loop with four accumulators, in this process, as the ceiling a memory-bound matvec can reach.
const big = rand(quick ? 1 << 23 : 1 << 24, 1);
const bytes = big.length * 8;
const scan = time(() => big.indexOf(7), quick ? 3 : 5);
let sink = 0;
const loopRead = time(() => { let s0 = 0, s1 = 0, s2 = 0, s3 = 0; for (let i = 0; i < big.length; i += 4) { s0 += big[i]; s1 += big[i + 1]; s2 += big[i + 2]; s3 += big[i + 3]; } sink += s0 + s1 + s2 + s3; }, quick ? 3 : 5);
const bwNative = bytes / (scan.min * 1e6), bwLoop = bytes / (loopRead.min * 1e6);
const bw = Math.max(bwNative, bwLoop);
lines.push(`### Read bandwidth (${mib(bytes)} array)\n`);
lines.push(table(['method', 'time', 'GB/s (best run)'], [
  ['native scan (Float64Array.indexOf)', fmtTiming(scan), bwNative.toFixed(1)],
  ['JS loop, 4 accumulators', fmtTiming(loopRead), bwLoop.toFixed(1)],
]));
lines.push(`\nCeiling used below: ${bw.toFixed(1)} GB/s → a float64 matvec (8 bytes per 2 flops) is bounded by ${(bw / 4).toFixed(2)} GFLOP/s.\n`);

// 2. Dense f64 matvec.
function bareMatvec(a: Float64Array, x: Float64Array, out: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) { let s = 0; const r = i * n; for (let j = 0; j < n; j++) s += a[r + j] * x[j]; out[i] = s; }
}
const mvRows: (string | number)[][] = [];
for (const n of quick ? [1024, 2048] : [1024, 2048, 3072, 4096]) {
  const A = rand(n * n, 2 + n), x = rand(n, 3), o1 = new Float64Array(n), o2 = new Float64Array(n), o3 = new Float64Array(n);
  const z = Int32Array.of(0);
  const tBackend = time(() => cpuBackend.matmul(A, x, o1, n, n, 1, z, z));
  const tTs = time(() => gemv(A, 0, x, 0, o3, 0, n, n));
  const tBare = time(() => bareMatvec(A, x, o2, n));
  const At = tt.tensor(A, { shape: [n, n] }), xt = tt.tensor(x);
  const tOp = time(() => tt.ops.denseMatvec(xt, At));
  let err = 0;
  for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(o1[i] - o2[i]), Math.abs(o3[i] - o2[i]));
  if (err > 1e-9 * n) throw new Error(`gemv disagrees with the bare loop: ${err}`);
  const gf = (t: number): number => (2 * n * n) / (t * 1e6);
  const frac = (t: number): string => `${(100 * gf(t) / (bw / 4)).toFixed(0)}%`;
  mvRows.push([n, `${mib(n * n * 8)}`, gf(tBackend.median).toFixed(2), frac(tBackend.median), gf(tTs.median).toFixed(2), frac(tTs.median),
    gf(tOp.median).toFixed(2), gf(tBare.median).toFixed(2), `${(gf(tBackend.median) / gf(tBare.median)).toFixed(2)}×`]);
}
lines.push('### Dense float64 matvec (cpu backend)\n');
lines.push(table(['n', 'matrix', 'cpu backend GFLOP/s', 'of bound', 'TypeScript gemv GFLOP/s', 'of bound', 'tt.ops.denseMatvec GFLOP/s', 'bare loop GFLOP/s', 'backend / bare'], mvRows));
lines.push(`\n"cpu backend" is what tensors use: ${cpuBackend.info().detail ?? 'TypeScript loops'}. "TypeScript gemv" is the plain-JS kernel (four rows per pass so each load of x feeds four multiply-adds). "of bound" is the fraction of the bandwidth-bound GFLOP/s above; matrices of 8 MiB may sit partly in the last-level cache, so the fraction can exceed what DRAM alone allows; n = 4,096 (128 MiB) is the DRAM-bound case. Target: ≥ 60% of the bound.\n`);

// 3. Matmul on both backends.
const mmRows: (string | number)[][] = [];
const slower: string[] = [];
for (const n of quick ? [256, 512] : [512, 768, 1024]) {
  const a = rand(n * n, 5), b = rand(n * n, 6), o = new Float64Array(n * n);
  const z = Int32Array.of(0);
  const tc = time(() => cpuBackend.matmul(a, b, o, n, n, n, z, z), quick ? 2 : 3);
  const tts = time(() => gemm(a, 0, b, 0, o, 0, n, n, n), quick ? 2 : 3);
  const tg = time(() => gpujsBackend.matmul(a, b, o, n, n, n, z, z), quick ? 2 : 3);
  const gf = (t: number): number => (2 * n ** 3) / (t * 1e6);
  mmRows.push([n, fmtTiming(tc), gf(tc.median).toFixed(2), gf(tts.median).toFixed(2), fmtTiming(tg), gf(tg.median).toFixed(2)]);
  if (tg.median > tc.median) slower.push(`matmul n = ${n} (${(tg.median / tc.median).toFixed(1)}× slower)`);
}
lines.push(`### Matmul, cpu (float64) vs gpujs (${gpujsBackend.info().mode}, float32)\n`);
lines.push(table(['n', 'cpu backend time', 'cpu backend GFLOP/s', 'TypeScript gemm GFLOP/s', 'gpujs time', 'gpujs GFLOP/s'], mmRows));

// 4. gpujs matvec for the same sizes (argument copies dominate in webasm).
const gvRows: (string | number)[][] = [];
for (const n of quick ? [1024] : [1024, 2048]) { // n = 4,096 has 2^24 entries: past the gpujs index limit, it would run on cpu
  const A = rand(n * n, 7), x = rand(n, 8), o = new Float64Array(n);
  const z = Int32Array.of(0);
  const tc = time(() => cpuBackend.matmul(A, x, o, n, n, 1, z, z));
  const tg = time(() => gpujsBackend.matmul(A, x, o, n, n, 1, z, z));
  gvRows.push([n, fmtTiming(tc), fmtTiming(tg)]);
  if (tg.median > tc.median) slower.push(`matvec n = ${n} (${(tg.median / tc.median).toFixed(1)}× slower)`);
}
lines.push('\n### Matvec, cpu vs gpujs\n');
lines.push(table(['n', 'cpu', 'gpujs'], gvRows));

// 5. RBF kernelMatvec n = 10⁴, d = 8 on both backends.
const nk = quick ? 2000 : 10000, dk = 8;
const Xk = tt.tensor(rand(nk * dk, 9), { shape: [nk, dk] }), vk = tt.tensor(rand(nk, 10));
const kRows: (string | number)[][] = [];
const kTimes: Record<string, number> = {};
for (const backend of ['cpu', 'gpujs'] as const) {
  tt.setBackend(backend);
  const t = time(() => tt.ops.kernelMatvec(vk, { X: Xk, lengthscale: 1.5 }), quick ? 2 : 3, 1);
  kTimes[backend] = t.median;
  kRows.push([backend, backend === 'cpu' ? 'typescript f64' : `${tt.backendInfo().mode} f32`, fmtTiming(t), ((nk * nk) / (t.median * 1e3)).toFixed(1)]);
}
tt.setBackend('cpu');
if (kTimes.gpujs > kTimes.cpu) slower.push(`RBF kernelMatvec n = ${nk} (${(kTimes.gpujs / kTimes.cpu).toFixed(1)}× slower)`);
lines.push(`\n### RBF kernelMatvec, n = ${nk}, d = ${dk} (kernel evaluated on the fly)\n`);
lines.push(table(['backend', 'engine', 'time', 'M kernel pairs / s'], kRows));

// 6. Memory at n = 10⁵: forward kernel matvec, peak heap above baseline vs the n × n matrix it never forms.
const nm = quick ? 10000 : 100000, dm = 2;
const Xm = tt.tensor(rand(nm * dm, 11), { shape: [nm, dm] }), vm = tt.tensor(rand(nm, 12));
gc();
const probe = new MemoryProbe();
probe.start();
const t0 = performance.now();
const out = tt.ops.kernelMatvec(vm, { X: Xm, lengthscale: 0.3 });
const secs = (performance.now() - t0) / 1000;
const mem = probe.result();
sink += out._data[0];
lines.push(`\n### Memory: RBF kernelMatvec at n = ${nm}, d = ${dm} (cpu)\n`);
lines.push(table(['n', 'time', 'peak heap + ArrayBuffers above baseline', 'peak RSS above baseline', 'dense n×n float64 would need'], [
  [nm, `${secs.toFixed(1)} s`, mib(mem.heapBytes), mib(mem.rssBytes), mib(nm * nm * 8)],
]));
lines.push(`\nThe operator keeps O(n·(d + c)) numbers: points, the vector and the result (${mib(nm * (dm + 2) * 8)} here).\n`);

const info = gpujsBackend.info();
lines.push(`\n### gpujs on this machine\n\ngpu.js mode: **${info.mode}** (${info.detail}).`);
lines.push(slower.length > 0
  ? `\nOn this CPU-only machine the gpujs backend is **slower than the cpu backend** for: ${slower.join('; ')}. gpu.js here runs WebAssembly on one core and copies every array argument into wasm memory on each call; its purpose is GPUs (WebGL/WebGPU in browsers), where none was available for this run.`
  : '\nOn this machine the gpujs backend was not slower than cpu in any measured case.');
lines.push('\nNo GPU was available to this run (no GPU on the machine and none lent to the task), so no WebGPU/WebGL figures are reported.');
if (sink === 12345.678) console.log(sink);

writeSection('kernels', 'Compute kernels: matvec vs bandwidth, matmul, kernel matvec on cpu and gpujs', lines.join('\n'));
