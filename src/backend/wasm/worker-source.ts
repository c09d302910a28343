/**
 * The kernel workers of threads.ts: the layout of a worker's control block (Int32 words over a SharedArrayBuffer) and
 * the worker's own source text (run by the platform prelude of worker-host.ts), which serves jobs of three kinds — gemm
 * row chunks, bootstrap resample means and stationary kernel-product row chunks — all dynamically scheduled from a
 * shared counter in the pool's memory.
 */

/**
 * Bytes of one worker's control block (32 Int32 words): 0 state, 1–8 gemm operands, 9 job kind, 10–11 gemm chunking,
 * 13–15 written by the worker, 16–27 bootstrap arguments or 16–29 kernel-product arguments (jobs never overlap);
 * words 12 and 30–31 are free for other job kinds.
 */
export const CONTROL_BYTES = 128;
/** Control words: the worker's state, then the gemm job's operands (byte addresses and sizes; F64: 1 for float64). */
export const STATE = 0, A = 1, B = 2, C = 3, M = 4, K = 5, N = 6, WORK = 7, F64 = 8;
/** Which job a posted worker runs (an OP_* code), and where the bootstrap and kernel-product jobs' argument words start. */
export const OP = 9, ARGS = 16;
/** Job kinds. */
export const OP_GEMM = 0, OP_BOOTSTRAP = 1, OP_KPROD = 2;
/** gemm: rows per chunk, and the byte address of the shared chunk counter (an Int32 in the pool's memory). */
export const CHUNK = 10, CTR = 11;
/** Written by the worker: rows of gemm products it has computed, jobs (of any kind) it has completed, whether its last job threw. */
export const ROWS = 13, JOBS = 14, ERR = 15;
/** Worker states. */
export const IDLE = 0, POSTED = 1, DONE = 2, EXIT = 3, STARTING = 4, FAILED = 5;
/** Bootstrap argument words (from ARGS on), in the order bootstrapLoop destructures them. */
export const BOOTSTRAP_ARGS = ['data', 'n', 'k0', 'k1', 'rlo', 'rhi', 'count', 'out', 'scratch', 'counter', 'grain', 'counts'] as const;
/**
 * Kernel-product argument words (from ARGS on, words 16–29), in the order kprodChunks destructures them: the profile
 * shape's mode and deg, byte addresses of x1, x2, v and out, m, d, c, this thread's work area, n rows, rows per chunk,
 * the shared counter's address, and the address of the shape's four float64 parameters (a, c0, c1, c2).
 */
export const KPROD_ARGS = ['mode', 'deg', 'x1', 'x2', 'v', 'out', 'm', 'd', 'c', 'work', 'n', 'chunk', 'counter', 'params'] as const;

/**
 * gemm job, dynamically scheduled: the calling thread and its workers take 4-row-aligned chunks of the rows of C from a
 * shared counter until none is left, so a thread slowed down by other load simply takes fewer chunks. Every row is
 * computed whole by one gemm call with the same k order, so results do not depend on who computed what.
 */
const GEMM_CHUNKS = `function gemmChunks(ex, memory, c) {
  const f64 = c[${F64}] !== 0, es = f64 ? 8 : 4, gemm = f64 ? ex.gemm_f64 : ex.gemm_f32;
  const a = c[${A}], b = c[${B}], out = c[${C}], m = c[${M}], k = c[${K}], n = c[${N}], work = c[${WORK}], chunk = c[${CHUNK}];
  const ctr = new Int32Array(memory.buffer, c[${CTR}], 1);
  for (;;) {
    const r = Atomics.add(ctr, 0, chunk);
    if (r >= m) return;
    const rows = Math.min(chunk, m - r);
    gemm(a + r * k * es, b, out + r * n * es, rows, k, n, work);
    c[${ROWS}] += rows;
  }
}`;

/**
 * Bootstrap job (threads.ts runs the same loop on the calling thread): grab `grain` resamples at a time from a shared
 * counter and compute their means into out[j]. Every resample is computed whole by one thread, so the results do not
 * depend on how many threads share the work. Arguments (BOOTSTRAP_ARGS): byte addresses in the shared memory; r0 =
 * rhi·2^32 + rlo is the first resample's index; counts: this thread's n zeroed byte counters, or 0 for the gather kernel.
 */
const BOOTSTRAP_LOOP = `function bootstrapLoop(ex, memory, c) {
  const [${BOOTSTRAP_ARGS.join(', ')}] = c.slice(${ARGS}, ${ARGS + BOOTSTRAP_ARGS.length});
  const ctr = new Int32Array(memory.buffer, counter, 1);
  for (;;) {
    const j = Atomics.add(ctr, 0, grain);
    if (j >= count) return;
    const r = (rlo >>> 0) + j;
    ex.bootstrap_means_f64(data, n, k0, k1, r, rhi + (r >= 4294967296 ? 1 : 0), Math.min(grain, count - j), out + 8 * j, scratch, counts);
  }
}`;

/**
 * Kernel-product job (kernel-threads.ts runs the same loop on the calling thread): grab `chunk` rows of x1 (a multiple
 * of 4, the kernel's row block) at a time from a shared counter and run kprod_f64 on them. Every row is computed whole
 * by one thread with the same arithmetic, so the results do not depend on how many threads share the work.
 */
const KPROD_CHUNKS = `function kprodChunks(ex, memory, w) {
  const [${KPROD_ARGS.join(', ')}] = w.slice(${ARGS}, ${ARGS + KPROD_ARGS.length});
  const f = new Float64Array(memory.buffer, params, 4);
  const ctr = new Int32Array(memory.buffer, counter, 1);
  for (;;) {
    const r = Atomics.add(ctr, 0, chunk);
    if (r >= n) return;
    ex.kprod_f64(mode, f[0], f[1], f[2], f[3], deg, x1, x2, v, out, m, d, c, work, r, Math.min(n, r + chunk));
  }
}`;

/** The worker's loop; the platform prelude (worker-host.ts) calls serve(init) with the WorkerInit. */
export const WORKER_SOURCE = `
${GEMM_CHUNKS}
${BOOTSTRAP_LOOP}
${KPROD_CHUNKS}
function serve({ module, memory, control, tile }) {
  const c = new Int32Array(control);
  let ex;
  try {
    ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
    ex.set_tile(tile);
  } catch (e) {
    Atomics.store(c, ${STATE}, ${FAILED});
    Atomics.notify(c, ${STATE});
    return;
  }
  Atomics.compareExchange(c, ${STATE}, ${STARTING}, ${IDLE}); // ready (unless a job was posted already)
  Atomics.notify(c, ${STATE});
  for (;;) {
    let s;
    while ((s = Atomics.load(c, ${STATE})) !== ${POSTED}) {
      if (s === ${EXIT}) return;
      Atomics.wait(c, ${STATE}, s);
    }
    try {
      if (c[${OP}] === ${OP_BOOTSTRAP}) bootstrapLoop(ex, memory, c);
      else if (c[${OP}] === ${OP_KPROD}) kprodChunks(ex, memory, c);
      else gemmChunks(ex, memory, c);
      c[${ERR}] = 0;
    } catch (e) {
      c[${ERR}] = 1;
    }
    c[${JOBS}]++;
    Atomics.store(c, ${STATE}, ${DONE});
    Atomics.notify(c, ${STATE});
  }
}
`;
