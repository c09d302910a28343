/**
 * Peer benchmark 4 (issue 7): GP negative log marginal likelihood + gradient by SLQ (tt.krylov.logdet) + CG (tt.krylov.cg)
 * against exact dense Cholesky — tracetape's tt.linalg.cholesky where it fits (n ≤ 2,000) and SciPy's cho_factor/trtri —
 * at n = 2,000 … 20,000 points, for a compactly supported (Wendland) kernel whose sparse matvec makes the matrix-free
 * path O(nnz) per product: time, peak memory, relative error of value and gradient against the exact answer.
 */
import * as tt from '../src/index.js';
import { quick, table, writeSection, MemoryProbe, mib } from './lib.js';
import { PeerTimeout, pythonLine, runPython, skipReason } from './peers/python.js';
import { errorLine, ms, ratio, relDiff, sci, verdict } from './peers/report.js';

const sizes = quick ? [1000, 2000, 5000] : [2000, 5000, 10000, 20000];
/** Largest n for tracetape's dense Cholesky (O(n³) scalar JavaScript, forward and backward). */
const DENSE_TT_MAX = quick ? 1000 : 2000;
const neighbours = 30; // expected points within the support radius
const variance = 1, noise = 0.1;
const probes = quick ? 10 : 20, depth = quick ? 25 : 30, cgTol = 1e-8;

/** Wendland φ(t) = (1 − t)₊⁴ (4t + 1) (positive definite in ≤ 3 dimensions, support t < 1). */
interface Problem { n: number; lengthscale: number; X: Float64Array; y: Float64Array; pattern: tt.ops.CsrPattern; r: tt.Tensor; nnz: number }

/** Uniform points in the unit square, a smooth target with deterministic noise, and all pairs closer than the support radius (grid hashing). */
function problem(n: number): Problem {
  const lengthscale = Math.sqrt(neighbours / (Math.PI * n));
  const X = tt.random.uniform(tt.random.key(n), [n, 2]).data() as Float64Array;
  const eps = tt.random.normal(tt.random.key(n + 1), [n]).data();
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(6 * X[2 * i]) * Math.cos(4 * X[2 * i + 1]) + 0.3 * eps[i]);
  const cells = Math.max(1, Math.floor(1 / lengthscale));
  const buckets: number[][] = Array.from({ length: cells * cells }, () => []);
  const cell = (v: number): number => Math.min(cells - 1, Math.floor(v * cells));
  for (let i = 0; i < n; i++) buckets[cell(X[2 * i + 1]) * cells + cell(X[2 * i])].push(i);
  const rows: number[] = [], cols: number[] = [], dist: number[] = [];
  for (let i = 0; i < n; i++) { rows.push(i); cols.push(i); dist.push(0); }
  for (let i = 0; i < n; i++) {
    const cx = cell(X[2 * i]), cy = cell(X[2 * i + 1]);
    for (let by = Math.max(0, cy - 1); by <= Math.min(cells - 1, cy + 1); by++) {
      for (let bx = Math.max(0, cx - 1); bx <= Math.min(cells - 1, cx + 1); bx++) {
        for (const j of buckets[by * cells + bx]) {
          if (j === i) continue;
          const d = Math.hypot(X[2 * i] - X[2 * j], X[2 * i + 1] - X[2 * j + 1]);
          if (d < lengthscale) { rows.push(i); cols.push(j); dist.push(d); }
        }
      }
    }
  }
  return { n, lengthscale, X, y, pattern: tt.ops.csrPattern(rows, cols, [n, n]), r: tt.tensor(Float64Array.from(dist)), nnz: rows.length };
}

/** Hyperparameters (logs), the differentiated argument. */
interface Theta { logLengthscale: tt.Tensor; logVariance: tt.Tensor; logNoise: tt.Tensor }
interface GpParams { csr: tt.ops.CsrParams; noise: tt.Tensor }

function gpParams(p: Problem, th: Theta): GpParams {
  const t = tt.div(p.r, tt.exp(th.logLengthscale));
  const phi = tt.mul(tt.pow(tt.relu(tt.sub(1, t)), 4), tt.add(tt.mul(t, 4), 1));
  return { csr: { pattern: p.pattern, values: tt.mul(phi, tt.exp(th.logVariance)) }, noise: tt.exp(th.logNoise) };
}

let probe: MemoryProbe | null = null;
const matvec = (v: tt.Tensor, q: GpParams): tt.Tensor => { probe?.tick(); return tt.add(tt.ops.csrMatvec(v, q.csr), tt.mul(v, q.noise)); };

/** ½ yᵀK⁻¹y + ½ log det K by CG and SLQ. */
function nllSlq(p: Problem, th: Theta): tt.Tensor {
  const q = gpParams(p, th);
  const y = tt.tensor(p.y);
  const alpha = tt.krylov.cg(matvec, y, q, { tol: cgTol });
  const logdet = tt.krylov.logdet(matvec, q, { key: tt.random.key(7), n: p.n, probes, depth });
  return tt.mul(tt.add(tt.dot(y, alpha), logdet), 0.5);
}

/** The same NLL exactly: K densified by the sparse product with the identity, then tt.linalg.cholesky. */
function nllDense(p: Problem, th: Theta): tt.Tensor {
  const q = gpParams(p, th);
  const K = tt.add(tt.ops.csrMatvec(tt.eye(p.n), q.csr), tt.mul(tt.eye(p.n), q.noise));
  const L = tt.linalg.cholesky(K);
  const a = tt.linalg.solveTriangular(L, tt.tensor(p.y), { lower: true });
  return tt.add(tt.mul(tt.sum(tt.square(a)), 0.5), tt.sum(tt.log(tt.diagonal(L))));
}

interface Result { seconds: number; nll: number; grad: number[]; peak: number }
function run(f: (p: Problem, th: Theta) => tt.Tensor, p: Problem): Result {
  const th: Theta = { logLengthscale: tt.tensor(Math.log(p.lengthscale)), logVariance: tt.tensor(Math.log(variance)), logNoise: tt.tensor(Math.log(noise)) };
  const vg = tt.valueAndGrad((t: Theta) => f(p, t));
  probe = new MemoryProbe();
  probe.start();
  const t0 = performance.now();
  const [value, g] = vg(th);
  const seconds = (performance.now() - t0) / 1000;
  const peak = probe.result().heapBytes;
  probe = null;
  return { seconds, nll: value.item(), grad: [g.logLengthscale.item(), g.logVariance.item(), g.logNoise.item()], peak };
}

const log = (msg: string): void => { process.stderr.write(`[peers-gp] ${msg}\n`); };
const problems = sizes.map(problem);
log(`problems built: ${problems.map((p) => `n = ${p.n}, nnz = ${p.nnz}`).join('; ')}`);
interface SciRow { n: number; nll: number; grad: number[]; totalMs: number; factorMs: number; gradMs: number; buildMs: number; peakBytes: number }
let sci_: SciRow[] | null = null;
let sciCheck: number | null = null;
let scipyNote = skipReason(['numpy', 'scipy']);
const scipyFailed = new Map<number, string>();
const scipyTimedOut = new Map<number, number>();
if (scipyNote === null) {
  sci_ = [];
  // One process per size, so a size that runs out of time does not take the smaller ones with it.
  for (const [i, p] of problems.entries()) {
    try {
      const res = runPython<{ rows: SciRow[]; selfCheck: number | null }>('gp_scipy.py', {
        cases: [{ n: p.n, lengthscale: p.lengthscale, variance, noise, X: Array.from(p.X), y: Array.from(p.y) }], selfCheck: i === 0,
      }, (quick ? 100 : p.n >= 20000 ? 420 : 150) * 1000);
      sci_.push(...res.rows);
      if (res.selfCheck !== null) sciCheck = res.selfCheck;
      log(`SciPy n = ${p.n}: ${(res.rows[0].totalMs / 1000).toFixed(2)} s`);
    } catch (e) {
      scipyFailed.set(p.n, errorLine(e));
      if (e instanceof PeerTimeout) scipyTimedOut.set(p.n, e.seconds);
      log(`SciPy n = ${p.n} failed: ${errorLine(e)}`);
    }
  }
}

const rows: (string | number)[][] = [];
const errRows: (string | number)[][] = [];
const speed: { n: number; slq: number; dense: number }[] = [];
const slqSeconds = new Map<number, number>();
run(nllSlq, problems[0]); // warm-up (JIT) on the smallest problem
for (const p of problems) {
  const slq = run(nllSlq, p);
  log(`n = ${p.n}: SLQ+CG ${slq.seconds.toFixed(2)} s`);
  slqSeconds.set(p.n, slq.seconds);
  const dense = p.n <= DENSE_TT_MAX ? run(nllDense, p) : null;
  if (dense) log(`n = ${p.n}: tracetape dense ${dense.seconds.toFixed(2)} s`);
  const sp = sci_?.find((r) => r.n === p.n) ?? null;
  const exact = sp ? { nll: sp.nll, grad: sp.grad, by: 'SciPy' } : dense ? { nll: dense.nll, grad: dense.grad, by: 'tracetape dense' } : null;
  rows.push([p.n, p.nnz, `${slq.seconds.toFixed(2)} s`, mib(slq.peak),
    dense ? `${dense.seconds.toFixed(2)} s` : `not run (n > ${DENSE_TT_MAX})`, dense ? mib(dense.peak) : '—',
    sp ? `${(sp.totalMs / 1000).toFixed(2)} s (build ${ms(sp.buildMs / 1000)}, factor+solve ${ms(sp.factorMs / 1000)}, inverse+gradient ${ms(sp.gradMs / 1000)})` : '—',
    sp ? mib(sp.peakBytes) : scipyFailed.has(p.n) ? `failed: ${scipyFailed.get(p.n)}` : '—',
    sp ? ratio(sp.totalMs / 1000, slq.seconds) : '—', dense ? ratio(dense.seconds, slq.seconds) : '—']);
  if (exact) {
    errRows.push([p.n, exact.by, slq.nll.toFixed(4), exact.nll.toFixed(4), sci(Math.abs(slq.nll - exact.nll) / Math.abs(exact.nll)),
      sci(relDiff(slq.grad, exact.grad)), dense && sp ? sci(relDiff(dense.grad, sp.grad)) : '—']);
  }
  if (sp) speed.push({ n: p.n, slq: slq.seconds, dense: sp.totalMs / 1000 });
}

const largest = speed.find((s) => s.n === 20000);
const slq20k = slqSeconds.get(20000);
const scipy20kLimit = scipyTimedOut.get(20000);
const target = largest
  ? verdict(largest.slq < largest.dense, 'SLQ+CG logdet+gradient at n = 20,000 faster than dense Cholesky',
    `tracetape SLQ+CG ${largest.slq.toFixed(2)} s vs SciPy dense Cholesky ${largest.dense.toFixed(2)} s`)
  : slq20k !== undefined && scipy20kLimit !== undefined
    ? verdict(slq20k < scipy20kLimit, 'SLQ+CG logdet+gradient at n = 20,000 faster than dense Cholesky',
      `tracetape SLQ+CG ${slq20k.toFixed(2)} s; SciPy dense Cholesky did not finish within ${scipy20kLimit} s and was stopped`)
    : `- Target “SLQ+CG logdet+gradient at n = 20,000 faster than dense Cholesky”: not measured in this run (${quick ? '--quick stops at n = 5,000' : scipyNote ?? scipyFailed.get(20000) ?? 'no SciPy result'}).`;

writeSection('peers-gp', 'Peers: GP log-likelihood + gradient, SLQ + CG vs dense Cholesky (issue 7, benchmark 4)', `
Negative log marginal likelihood ½ yᵀK⁻¹y + ½ log det K and its gradient with respect to (log ℓ, log s, log σ²), for
K = s·φ(r/ℓ) + σ²I with the compactly supported Wendland kernel φ(t) = (1 − t)₊⁴(4t + 1) on n uniform points in the unit
square (ℓ chosen so that about ${neighbours} points fall inside the support; s = ${variance}, σ² = ${noise}), float64.
Matrix-free: \`tt.krylov.cg\` (tol ${cgTol}, implicit VJP) + \`tt.krylov.logdet\` (SLQ, ${probes} Rademacher probes,
depth ${depth}, Lanczos adjoint) over \`tt.ops.csrMatvec\` + σ²v, one \`tt.valueAndGrad\` call. Exact: tracetape densifies the
same K (sparse product with the identity) and runs \`tt.linalg.cholesky\` + \`solveTriangular\` under \`valueAndGrad\`
(only up to n = ${DENSE_TT_MAX}: O(n³) scalar JavaScript); SciPy builds the dense K (cKDTree pairs), \`cho_factor\`/\`cho_solve\`
for the value, and for the gradient's trace terms K⁻¹ read on the sparsity pattern from the inverted factor (LAPACK
\`trtri\`; cheaper than the full inverse \`potri\`), one thread; its gradient code is checked in this run against central differences of a direct dense NLL at n = 300
(relative error ${sci(sciCheck)}). Times are one run each
(tracetape after a warm-up on the smallest problem). Memory: tracetape's peak JS heap + ArrayBuffers above baseline
(sampled at every matvec and at the end); SciPy's peak traced by tracemalloc (NumPy registers its buffers). ${pythonLine()}
${scipyNote ? `\nSciPy peer ${scipyNote.startsWith('skipped') ? scipyNote : `— ${scipyNote}`}.\n` : ''}
${table(['n', 'nnz(K)', 'tracetape SLQ+CG', 'its peak memory', 'tracetape dense Cholesky', 'its peak memory', 'SciPy dense Cholesky', 'its peak memory', 'speed-up of SLQ+CG vs SciPy', 'speed-up vs tracetape dense'], rows)}

Accuracy of the stochastic estimate against the exact dense answer (SLQ's error is Monte-Carlo error of ${probes} probes plus
quadrature error; the last column cross-checks the two exact implementations):

${table(['n', 'exact by', 'NLL (SLQ+CG)', 'NLL (exact)', 'relative error of NLL', '‖g_SLQ − g_exact‖/‖g_exact‖', '‖g_tt dense − g_SciPy‖/‖g_SciPy‖'], errRows)}

${target}
`);
