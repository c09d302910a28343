// stochtrace estimators with options.workers (worker_threads): values and gradients equal the in-process path for every
// built-in operator × {trace, diagonal, SLQ log}, progress reporting, the in-process fallback for second order, pool reuse
// and shutdown, and clear errors for what cannot be sent to a thread.
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { workerCount } from '../../src/stochtrace/workers/index.js';
import { chunkRanges } from '../../src/stochtrace/workers/runner.js';
import { decodeParams, encodeJob, type WireCache, type WorkerObjects } from '../../src/stochtrace/workers/wire.js';
import type { JobMessage } from '../../src/stochtrace/workers/protocol.js';
import { expectError } from '../support/errors.js';

const st = tt.stochtrace;
type T = tt.Tensor;
type Params = Record<string, unknown>;

/**
 * Relative difference ‖a − b‖ / ‖b‖ over all leaves. The two paths run the same per-chunk code (same probes, same ops), so
 * they differ only in the order the float64 chunk sums are added (per worker range, then across workers): 1e-12 leaves
 * room for that reordering on sums of ≤ 10 terms of one sign pattern, and would catch any wrong probe or missing term.
 */
function relDiff(a: unknown, b: unknown): number {
  const [la] = tt.tree.flatten(a);
  const [lb] = tt.tree.flatten(b);
  expect(la.length).to.equal(lb.length);
  let num = 0, den = 0;
  la.forEach((x, k) => {
    const xa = x._data, xb = lb[k]._data;
    expect(xa.length).to.equal(xb.length);
    for (let i = 0; i < xa.length; i++) { num += (xa[i] - xb[i]) ** 2; den += xb[i] ** 2; }
  });
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-300);
}

/** A scalar from any estimate (diagonal estimates are weighted so that every entry reaches the gradient). */
function scalarOf(r: unknown): T {
  const [leaves] = tt.tree.flatten(r);
  let acc: T = tt.tensor(0);
  for (const l of leaves) acc = tt.add(acc, l.size === 1 ? tt.sum(l) : tt.sum(tt.mul(l, tt.linspace(0.5, 1.5, l.size).reshape(l.shape))));
  return acc;
}

interface Case { name: string; op: tt.ops.Matvec<never>; params: () => Params; n: number }

function spdDense(n: number): T {
  const b = tt.random.normal(tt.random.key(11), [n, n])._data;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += b[i * n + k] * b[j * n + k];
    a[i * n + j] = s / n + (i === j ? 1 : 0);
  }
  return tt.tensor(a, { shape: [n, n] });
}

function csrCase(n: number): Params {
  // A symmetric, diagonally dominant tridiagonal matrix (duplicates on the diagonal add up): SPD.
  const rows: number[] = [], cols: number[] = [], vals: number[] = [];
  for (let i = 0; i < n; i++) {
    rows.push(i, i); cols.push(i, i); vals.push(2, 1 + (i % 3) * 0.5);
    if (i + 1 < n) { rows.push(i, i + 1); cols.push(i + 1, i); vals.push(-0.7, -0.7); }
  }
  return { pattern: tt.ops.csrPattern(rows, cols, [n, n]), values: tt.tensor(vals) };
}

const cases: Case[] = [
  { name: 'denseMatvec', op: tt.ops.denseMatvec as never, n: 24, params: () => ({ A: spdDense(24) }) },
  { name: 'csrMatvec', op: tt.ops.csrMatvec as never, n: 30, params: () => csrCase(30) },
  { name: 'laplacian2d', op: tt.ops.laplacian2d(6, 5) as never, n: 30, params: () => ({ k: tt.add(tt.random.uniform(tt.random.key(5), [5, 6]), 0.5) }) },
  {
    name: 'kernelMatvec', op: tt.ops.kernelMatvec as never, n: 40,
    params: () => ({ X: tt.random.normal(tt.random.key(6), [40, 2]), lengthscale: tt.tensor(0.8), variance: tt.tensor(1.5), noise: tt.tensor(0.2), kernel: 'rbf' }),
  },
];

const integrands: { name: string; make: () => tt.stochtrace.Integrand<never, never> }[] = [
  { name: 'trace', make: () => st.trace() as never },
  { name: 'diagonal', make: () => st.diagonal() as never },
  { name: 'SLQ log', make: () => tt.krylov.slqIntegrand('log', { depth: 8 }) as never },
];

describe('stochtrace: workers option', function () {
  this.timeout(120000);
  const key = tt.random.key(42);

  after(async () => { await st.shutdownWorkers(); });

  it('splits chunks into contiguous, even ranges', () => {
    expect(chunkRanges(5, 2)).to.deep.equal([[0, 2], [2, 5]]);
    expect(chunkRanges(1, 2)).to.deep.equal([[0, 1]]);
    expect(chunkRanges(7, 3)).to.deep.equal([[0, 2], [2, 4], [4, 7]]);
  });

  it('sends parameter data once: a job reusing the last job\'s tensors and patterns sends only their ids', () => {
    const p = csrCase(6) as { pattern: tt.ops.CsrPattern; values: T };
    const params = { ...p, scale: 2, name: 'x', nested: [tt.slice(tt.tensor([1, 2, 3]), [1], [2])] };
    const job = { type: 'forward', fn: 'test', params } as unknown as JobMessage;
    const cache: WireCache = { known: new Set() };
    const objects: WorkerObjects = { byRef: new Map() };
    const first = encodeJob('test', job, cache);
    cache.known = first.known;
    const back1 = decodeParams(first.message.params, objects) as typeof params;
    expect(first.message.params.leaves.every((l) => l.data !== undefined)).to.equal(true);
    expect(Array.from(back1.values._data)).to.deep.equal(Array.from(p.values._data));
    expect(Array.from(back1.nested[0]._data)).to.deep.equal([2, 3]);
    expect(back1.scale).to.equal(2);
    expect(back1.name).to.equal('x');
    const pat = back1.pattern as tt.ops.CsrPattern;
    expect(pat).to.be.instanceOf(tt.ops.CsrPattern);
    expect(Array.from(pat.indptr)).to.deep.equal(Array.from(p.pattern.indptr));
    const second = encodeJob('test', job, cache);
    expect(second.message.params.leaves.every((l) => l.data === undefined)).to.equal(true);
    expect(JSON.stringify(second.message.params.def)).to.not.include('csrPattern');
    const back2 = decodeParams(second.message.params, objects) as typeof params;
    expect(back2.values).to.equal(back1.values);
    expect(back2.pattern).to.equal(back1.pattern);
  });

  for (const c of cases) {
    it(`${c.name}: values and gradients equal the in-process path (trace, diagonal, SLQ log)`, () => {
      const params = c.params();
      const sampler = st.rademacher(c.n, { num: 7 });
      for (const integ of integrands) {
        const loss = (opts: tt.stochtrace.EstimatorOptions) => (p: Params): T => scalarOf(st.estimator(integ.make(), sampler, opts)(c.op as never, key, p as never));
        const [v0, g0] = tt.valueAndGrad(loss({}))(params);
        const [v1, g1] = tt.valueAndGrad(loss({ workers: 2, chunkSize: 2 }))(params);
        const [v2, g2] = tt.valueAndGrad(loss({ workers: 1 }))(params);
        expect(relDiff(v1, v0), `${c.name} × ${integ.name} value`).to.be.below(1e-12);
        expect(relDiff(g1, g0), `${c.name} × ${integ.name} gradient`).to.be.below(1e-12);
        expect(relDiff(v2, v0), `${c.name} × ${integ.name} value (1 worker)`).to.be.below(1e-12);
        expect(relDiff(g2, g0), `${c.name} × ${integ.name} gradient (1 worker)`).to.be.below(1e-12);
      }
    });
  }

  it('meanAndSem, traceAndDiagonal and krylov.logdet agree too; gradients of the SLQ logdet match central differences', () => {
    const c = cases[3];
    const params = c.params();
    const sampler = st.rademacher(c.n, { num: 6 });
    const ms = (w: number) => (p: Params): T => {
      const r = st.meanAndSem(st.traceAndDiagonal(), sampler, { workers: w, chunkSize: w > 0 ? 1 : undefined })(c.op as never, key, p as never);
      return tt.add(scalarOf(r.mean), scalarOf(r.sem));
    };
    const [a0, ga0] = tt.valueAndGrad(ms(0))(params);
    const [a2, ga2] = tt.valueAndGrad(ms(2))(params);
    expect(relDiff(a2, a0)).to.be.below(1e-12);
    expect(relDiff(ga2, ga0)).to.be.below(1e-12);

    const X = params.X as T;
    const logdet = (w: number) => (ls: T, vr: T, nz: T): T =>
      tt.krylov.logdet(tt.ops.kernelMatvec, { X, lengthscale: ls, variance: vr, noise: nz }, { key, probes: 6, depth: 12, n: c.n, workers: w || undefined });
    const args: [T, T, T] = [tt.tensor(0.8), tt.tensor(1.5), tt.tensor(0.2)];
    const [l0, gl0] = tt.valueAndGrad(logdet(0), { argnums: [0, 1, 2] })(...args);
    const [l2, gl2] = tt.valueAndGrad(logdet(2), { argnums: [0, 1, 2] })(...args);
    expect(relDiff(l2, l0)).to.be.below(1e-12);
    expect(relDiff(gl2, gl0)).to.be.below(1e-12);
    // Independent check of the worker gradients: central differences of the same estimator (fixed probes) in float64.
    // The Lanczos adjoint is exact for the computed quadrature, so only the FD truncation error (~eps²) remains.
    tt.testing.checkGrads(logdet(2), args, { eps: 1e-5, rtol: 1e-6 });
  });

  it('reports progress from the workers: probes done rise to num in both phases, and the last forward estimate is the result', () => {
    const c = cases[2];
    const params = c.params();
    const seen: tt.stochtrace.EstimatorProgress[] = [];
    const est = st.estimator(st.diagonal(), st.rademacher(c.n, { num: 9 }), { workers: 2, chunkSize: 2, onProgress: (p) => seen.push(p) });
    const [value] = tt.valueAndGrad((p: Params) => scalarOf(est(c.op as never, key, p as never)))(params);
    const fwd = seen.filter((p) => p.phase === 'forward');
    const bwd = seen.filter((p) => p.phase === 'backward');
    // 9 probes in chunks of 2: 5 chunks, split [0, 2) and [2, 5) → 5 forward and 5 backward reports.
    expect(fwd.length).to.equal(5);
    expect(bwd.length).to.equal(5);
    for (const ph of [fwd, bwd]) {
      ph.forEach((p, i) => { expect(p.total).to.equal(9); if (i > 0) expect(p.done).to.be.above(ph[i - 1].done); });
      expect(ph[ph.length - 1].done).to.equal(9);
    }
    const last = fwd[fwd.length - 1];
    const direct = est(c.op as never, key, params as never) as T;
    expect(relDiff(last.estimate, direct)).to.be.below(1e-12);
    expect(relDiff(scalarOf(last.estimate), value)).to.be.below(1e-12);
    const sem = (last.sem as T)._data;
    expect(Array.from(sem).every((x) => Number.isFinite(x) && x >= 0)).to.equal(true);
  });

  it('differentiating the backward (Hessian-vector product) recomputes chunks in-process and agrees', () => {
    const n = 20;
    const A = spdDense(n);
    const sampler = st.rademacher(n, { num: 5 });
    const f = (w: number) => (M: T): T => st.estimator(st.frobeniusSquared(), sampler, { workers: w, chunkSize: 2 })(tt.ops.denseMatvec, key, M) as T;
    const dir = tt.random.normal(tt.random.key(9), [n, n]);
    const [h0] = tt.hvp(f(0), [A], [dir]);
    const [h2] = tt.hvp(f(2), [A], [dir]);
    expect(relDiff(h2, h0)).to.be.below(1e-12);
  });

  it('relays errors raised in a worker (non-finite chunk) and stays usable afterwards', () => {
    const n = 10;
    const a = spdDense(n).data();
    a[3 * n + 7] = NaN; // every A v then has a NaN in row 3; the workers' per-chunk finiteness check reports it
    const bad = tt.tensor(a, { shape: [n, n] });
    const est = st.estimator(st.diagonal(), st.rademacher(n, { num: 4 }), { workers: 2 });
    expectError(() => est(tt.ops.denseMatvec, key, bad), 'stochtrace.estimator', 'produced a non-finite value');
    const good = spdDense(n);
    expect(relDiff(est(tt.ops.denseMatvec, key, good), st.estimator(st.diagonal(), st.rademacher(n, { num: 4 }))(tt.ops.denseMatvec, key, good))).to.be.below(1e-12);
  });

  it('rejects closures and other things that cannot be sent to a thread, with the reason', () => {
    const n = 10;
    const A = spdDense(n);
    const smp = st.rademacher(n, { num: 4 });
    const est = st.estimator(st.trace(), smp, { workers: 2 });
    expectError(() => est((v: T, p: T) => tt.matmul(p, v), key, A), 'stochtrace.estimator', 'needs a built-in operator passed as the matvec itself');
    expectError(() => est((v: T, p: T) => tt.ops.denseMatvec(v, p), key, A), 'stochtrace.estimator', 'a closure cannot be sent to them');
    expectError(() => st.estimator((mv: tt.stochtrace.Matvec<T>, v: T, p: T) => tt.sum(tt.mul(v, mv(v, p))), smp, { workers: 2 }), 'stochtrace.estimator', 'needs a built-in integrand');
    expectError(() => st.estimator(tt.krylov.slqIntegrand((M: T) => M, { depth: 3 }) as never, smp, { workers: 2 }), 'stochtrace.estimator', 'needs a built-in integrand');
    expectError(() => st.estimator(st.trace(), (k: tt.random.PRNGKey) => tt.random.rademacher(k, [4, n]), { workers: 2 }), 'stochtrace.estimator', 'needs a built-in sampler');
    expectError(() => st.estimator(st.trace(), smp, { workers: 2, checkpoint: false }), 'stochtrace.estimator', 'checkpoint: false cannot be combined');
    expectError(() => st.estimator(st.trace(), smp, { workers: 1.5 }), 'stochtrace.estimator', 'options.workers must be an integer');
    expectError(() => st.estimator(st.trace(), smp, { workers: -1 }), 'stochtrace.estimator', 'options.workers must be an integer');
    expectError(() => st.estimator(st.trace(), smp, { workers: 2 })(tt.ops.denseMatvec, key, { A, tag: new Date(0) } as never), 'stochtrace.estimator', 'cannot be sent to worker threads');
    // A parallel estimate started from onProgress of another would need the same (blocked) workers.
    const nested = st.estimator(st.trace(), smp, {
      workers: 2, chunkSize: 1,
      onProgress: () => { est(tt.ops.denseMatvec, key, A); },
    });
    expectError(() => nested(tt.ops.denseMatvec, key, A), 'stochtrace.estimator', 'the worker pool is busy');
    expect((est(tt.ops.denseMatvec, key, A) as T).item()).to.be.a('number');
  });
  // Last: after the restart the pool has one worker, and starting a worker under tsx costs seconds.
  it('reuses one pool across estimates and restarts it after shutdownWorkers', async () => {
    const c = cases[0];
    const params = c.params();
    const est = st.estimator(st.trace(), st.rademacher(c.n, { num: 4 }), { workers: 2 });
    const a = (est(c.op as never, key, params as never) as T).item();
    expect(workerCount()).to.equal(2);
    expect((est(c.op as never, key, params as never) as T).item()).to.equal(a);
    expect(workerCount()).to.equal(2);
    await st.shutdownWorkers();
    expect(workerCount()).to.equal(0);
    // One worker after the restart (starting a worker under tsx costs seconds): same estimate, the ranges merge exactly.
    const one = st.estimator(st.trace(), st.rademacher(c.n, { num: 4 }), { workers: 1 });
    expect(relDiff(one(c.op as never, key, params as never), tt.tensor(a))).to.be.below(1e-12);
    expect(workerCount()).to.equal(1);
  });

});
