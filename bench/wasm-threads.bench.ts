/**
 * The wasm gemm split over worker threads (src/backend/wasm/threads.ts) in Node: float64 matmul n = 512, 1,024 (and
 * 2,048 without --quick) on one thread, and on 2 threads with the static split (threadChunking.perThread = 1: one slab
 * per thread) and with the default dynamic chunks (about four per thread, taken from a shared counter). The three run
 * interleaved round by round so that load from other jobs hits them alike; wall and process-CPU medians, and the time
 * the calling thread waited for its worker once no chunk was left. The browser numbers (Web Workers, main thread
 * spin-wait vs a worker's Atomics.wait) are printed by `npm run test:browser` (test/browser/threads.browser.ts).
 */
import { cpuBackend } from '../src/backend/cpu/index.js';
import { setWasmThreads, threadChunking, wasmThreadsInfo, wasmThreadsReady, terminateWasmThreads } from '../src/backend/wasm/index.js';
import { quick, table, writeSection } from './lib.js';

function rand(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = s / 4294967296 - 0.5; }
  return out;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const z = Int32Array.of(0);

interface Config { label: string; threads: number; perThread: number; wall: number[]; cpu: number[]; waited: number[] }

const lines: string[] = [];
setWasmThreads(2);
const threads = await wasmThreadsReady();
if (threads < 2) {
  lines.push(`Worker threads unavailable here: ${wasmThreadsInfo().status}.`);
} else {
  const rows: (string | number)[][] = [];
  const rounds = quick ? 3 : 7;
  for (const n of quick ? [512, 1024] : [512, 1024, 2048]) {
    const A = rand(n * n, 10 + n), B = rand(n * n, 20 + n), ref = new Float64Array(n * n), out = new Float64Array(n * n);
    const flops = 2 * n ** 3;
    const configs: Config[] = [
      { label: '1 thread', threads: 1, perThread: 4, wall: [], cpu: [], waited: [] },
      { label: '2 threads, static split (1 slab per thread)', threads: 2, perThread: 1, wall: [], cpu: [], waited: [] },
      { label: '2 threads, dynamic chunks (default, ~4 per thread)', threads: 2, perThread: 4, wall: [], cpu: [], waited: [] },
    ];
    setWasmThreads(1);
    cpuBackend.matmul(A, B, ref, n, n, n, z, z);
    for (let r = -1; r < rounds; r++) { // round -1 warms every path (residency, work buffers)
      for (const c of configs) {
        setWasmThreads(c.threads);
        threadChunking.perThread = c.perThread;
        const w0 = wasmThreadsInfo().waitedMs, c0 = process.cpuUsage(), t0 = performance.now();
        cpuBackend.matmul(A, B, out, n, n, n, z, z);
        const wall = performance.now() - t0, cu = process.cpuUsage(c0);
        if (!out.every((v, i) => Object.is(v, ref[i]))) throw new Error(`${c.label}: result differs from one thread's`);
        if (r >= 0) { c.wall.push(wall); c.cpu.push((cu.user + cu.system) / 1000); c.waited.push(wasmThreadsInfo().waitedMs - w0); }
      }
    }
    threadChunking.perThread = 4;
    const single = median(configs[0].wall);
    for (const c of configs) {
      const w = median(c.wall);
      rows.push([n, c.label, `${w.toFixed(0)} ms (${Math.min(...c.wall).toFixed(0)}–${Math.max(...c.wall).toFixed(0)})`, (flops / w / 1e6).toFixed(2), `${(single / w).toFixed(2)}×`,
        `${median(c.cpu).toFixed(0)} ms`, c.threads > 1 ? `${median(c.waited).toFixed(1)} ms` : '—']);
    }
  }
  lines.push(`float64 matmul n×n · n×n through the cpu backend (wasm SIMD gemm, shared-memory worker pool); ${rounds} interleaved rounds, medians; `
    + 'results identical to one thread\'s bit for bit (checked every run). Wall time: on a machine whose cores are busy with other jobs the second thread gains little, '
    + 'and a static split waits for whichever thread the scheduler slowed down.\n');
  lines.push(table(['n', 'configuration', 'wall time', 'GFLOP/s', 'vs 1 thread', 'process CPU time', 'caller waited for worker'], rows));
}
terminateWasmThreads();
writeSection('wasm-threads', 'WebAssembly gemm over worker threads (Node): static split vs dynamic chunks', lines.join('\n'));
