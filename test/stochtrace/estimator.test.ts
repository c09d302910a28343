// stochtrace samplers, integrands and estimators: unbiasedness and variance against closed forms, chunk-size invariance,
// gradients of the chunked checkpointed estimator against the unchunked one and against finite differences.
import { expect } from 'chai';
import * as tt from '../../src/index.js';

const st = tt.stochtrace;
type T = tt.Tensor;

/** A fixed symmetric n×n test matrix (entries ~N(0,1)/√n off the diagonal, a spread-out diagonal). */
function testMatrix(n: number, seed: number): { A: T; a: Float64Array } {
  const b = tt.random.normal(tt.random.key(seed), [n, n])._data;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = (b[i * n + j] + b[j * n + i]) / (2 * Math.sqrt(n)) + (i === j ? 1 + (i % 7) : 0);
  return { A: tt.tensor(a, { shape: [n, n] }), a };
}
const dense = (A: T) => (v: T): T => tt.matmul(A, v);

describe('stochtrace: samplers', () => {
  const key = tt.random.key(7);
  it('draw the same stream as tt.random, and any block of rows alone equals those rows of the full draw', () => {
    const r = st.rademacher(13, { num: 9 });
    expect(Array.from(r(key).data())).to.deep.equal(Array.from(tt.random.rademacher(key, [9, 13]).data()));
    const g = st.normal(tt.zeros([13]), { num: 9 });
    expect(Array.from(g(key).data())).to.deep.equal(Array.from(tt.random.normal(key, [9, 13]).data()));
    const s = st.sphere([13], { num: 9 });
    const full = tt.random.sphere(key, [9, 13])._data;
    s(key)._data.forEach((x, i) => expect(Math.abs(x - full[i])).to.be.below(1e-15));
    for (const smp of [r, g, s]) {
      const all = smp(key)._data;
      const block = smp.rows(key, 3, 4);
      expect(block.shape).to.deep.equal([4, 13]);
      expect(Array.from(block._data)).to.deep.equal(Array.from(all.subarray(3 * 13, 7 * 13)));
    }
  });

  it('have the right distributions: ±1 entries, sphere rows of norm √n, float32 on request, probe shapes kept', () => {
    const r = st.rademacher([4, 5], { num: 3 })(key);
    expect(r.shape).to.deep.equal([3, 4, 5]);
    expect(Array.from(r._data).every((x) => x === 1 || x === -1)).to.equal(true);
    const s = st.sphere(50, { num: 4 })(key)._data;
    for (let i = 0; i < 4; i++) {
      let ss = 0;
      for (let j = 0; j < 50; j++) ss += s[i * 50 + j] ** 2;
      expect(Math.abs(Math.sqrt(ss) - Math.sqrt(50))).to.be.below(1e-12);
    }
    expect(st.normal(8, { num: 2, dtype: 'float32' })(key).dtype).to.equal('float32');
    expect(st.rademacher(tt.zeros([6], { dtype: 'float32' }), { num: 2 })(key).dtype).to.equal('float32');
  });

  it('reject bad arguments', () => {
    expect(() => st.rademacher(10, {} as { num: number })).to.throw(tt.TracetapeError, /stochtrace.rademacher: options.num must be a positive integer/);
    expect(() => st.normal([3, 0], { num: 2 })).to.throw(/stochtrace.normal: like must have a non-empty shape of positive integers/);
    expect(() => st.sphere(5, { num: 2, size: 3 } as { num: number })).to.throw(/unknown option 'size'/);
    expect(() => st.rademacher(5, { num: 2 })(42 as unknown as tt.random.PRNGKey)).to.throw(/key must be a PRNGKey/);
  });
});

describe('stochtrace: estimator (acceptance)', function () {
  this.timeout(60000);
  const n = 500;
  const { A, a } = testMatrix(n, 3);
  let trA = 0, fro2 = 0, diag2 = 0;
  for (let i = 0; i < n; i++) { trA += a[i * n + i]; diag2 += a[i * n + i] ** 2; }
  for (const x of a) fro2 += x * x;

  it('is unbiased: over 200 keys the mean trace estimate lies within 3 standard errors of tr(A)', () => {
    const est = st.estimator(st.trace(), st.rademacher(n, { num: 5 }));
    const vals: number[] = [];
    for (let s = 0; s < 200; s++) vals.push((est(dense(A), tt.random.key(1000 + s)) as T).item());
    const m = vals.reduce((x, y) => x + y, 0) / vals.length;
    const v = vals.reduce((x, y) => x + (y - m) ** 2, 0) / (vals.length - 1);
    const se = Math.sqrt(v / vals.length);
    expect(Math.abs(m - trA), `mean ${m} vs tr ${trA}, se ${se}`).to.be.below(3 * se);
    // The standard error must also be the right size: the per-estimate variance is 2(‖A‖²_F − Σa²ᵢᵢ)/5.
    expect(se).to.be.above(0.5 * Math.sqrt(2 * (fro2 - diag2) / 5 / 200));
  });

  it('Rademacher single-probe variance is within 20% of 2(‖A‖²_F − Σ a²ᵢᵢ); meanAndSem reports the matching sem', () => {
    // 2,000 independent single-probe estimates: the sample variance has relative sd ≈ √(2/2000) ≈ 3%, so 20% is > 6 sd.
    const one = st.estimator(st.trace(), st.rademacher(n, { num: 1 }));
    const vals: number[] = [];
    for (let s = 0; s < 2000; s++) vals.push((one(dense(A), tt.random.key(50000 + s)) as T).item());
    const m = vals.reduce((x, y) => x + y, 0) / vals.length;
    const v = vals.reduce((x, y) => x + (y - m) ** 2, 0) / (vals.length - 1);
    const theory = 2 * (fro2 - diag2);
    expect(Math.abs(v / theory - 1), `variance ${v} vs ${theory}`).to.be.below(0.2);
    const ms = st.meanAndSem(st.trace(), st.rademacher(n, { num: 2000 }), { chunkSize: 250 })(dense(A), tt.random.key(9)) as { mean: T; sem: T };
    const semTheory = Math.sqrt(theory / 2000);
    expect(Math.abs(ms.sem.item() / semTheory - 1)).to.be.below(0.2);
    expect(Math.abs(ms.mean.item() - trA)).to.be.below(4 * semTheory);
  });

  it('estimates ‖A‖²_F (frobeniusSquared) and diag(A) (diagonal) within their standard errors', () => {
    const ms = st.meanAndSem(st.frobeniusSquared(), st.normal(n, { num: 400 }), { chunkSize: 64 })(dense(A), tt.random.key(11)) as { mean: T; sem: T };
    expect(Math.abs(ms.mean.item() - fro2)).to.be.below(4 * ms.sem.item());
    const d = st.meanAndSem(st.diagonal(), st.rademacher(n, { num: 400 }), { chunkSize: 100 })(dense(A), tt.random.key(12)) as { mean: T; sem: T };
    // Coordinate-wise z-scores: the largest of 500 roughly normal z-scores stays below 5.
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(d.mean._data[i] - a[i * n + i]) / d.sem._data[i]);
    expect(worst).to.be.below(5);
  });
});

describe('stochtrace: chunking and gradients', function () {
  this.timeout(60000);
  const n = 40;
  const { A } = testMatrix(n, 5);
  // A(θ) v = exp(d) ⊙ v + s · A v + (A (exp(d) ⊙ v)) · 0.1: nonlinear in both parameters, not symmetric.
  const mv = (v: T, p: tt.PyTree): T => {
    const { d, s } = p as { d: T; s: T };
    const ev = tt.mul(tt.exp(d), v);
    return tt.add(tt.add(ev, tt.mul(s, tt.matmul(A, v))), tt.mul(tt.matmul(A, ev), 0.1));
  };
  const params = { d: tt.tensor(Array.from({ length: n }, (_, i) => Math.sin(i) * 0.3)), s: tt.tensor(0.7) };
  const key = tt.random.key(21);
  const integrands = { trace: st.trace(), diagonal: st.diagonal(), traceAndDiagonal: st.traceAndDiagonal(), frobeniusSquared: st.frobeniusSquared() };
  const samplers = { rademacher: st.rademacher(n, { num: 24 }), normal: st.normal(n, { num: 24 }), sphere: st.sphere(n, { num: 24 }) };
  const scalarLoss = (out: tt.PyTree): T => {
    const [leaves] = tt.tree.flatten(out);
    return leaves.map((l) => tt.sum(tt.sin(l))).reduce((x, y) => tt.add(x, y));
  };

  for (const [iname, integ] of Object.entries(integrands)) {
    for (const [sname, smp] of Object.entries(samplers)) {
      it(`${iname} with ${sname} probes: value and gradient do not depend on the chunk size (1e-10, float64)`, () => {
        const run = (chunkSize: number | undefined, checkpoint?: boolean) => tt.valueAndGrad((p: tt.PyTree) =>
          scalarLoss(st.estimator(integ as tt.stochtrace.Integrand, smp, { chunkSize, checkpoint })(mv, key, p)))(params);
        const [v0, g0] = run(undefined); // all 24 probes at once, taped
        for (const [cs, ck] of [[1, true], [5, true], [24, true], [7, false]] as [number, boolean][]) {
          const [v, g] = run(cs, ck);
          // Only the association order of the sums differs: agreement to 1e-10 relative is float rounding.
          expect(Math.abs(v.item() - v0.item())).to.be.below(1e-10 * Math.max(1, Math.abs(v0.item())));
          const [a] = tt.tree.flatten(g), [b] = tt.tree.flatten(g0);
          a.forEach((t, k) => t._data.forEach((x, i) => expect(Math.abs(x - b[k]._data[i]), `chunk ${cs} leaf ${k}[${i}]`).to.be.below(1e-10 * Math.max(1, Math.abs(b[k]._data[i])))));
        }
      });
    }
  }

  it('the chunked checkpointed estimator is one tape node with only the parameters as parents', () => {
    const [out] = tt.vjp((p: tt.PyTree) => st.estimator(st.trace(), samplers.rademacher, { chunkSize: 4 })(mv, key, p) as T, params);
    const node = (out as T)._node as unknown as { name: string; parents: T[] };
    // The mean is div(sum node, 24); its parent is the chunked-sum node.
    const sumNode = node.parents[0]._node as unknown as { name: string; parents: T[] };
    expect(sumNode.name).to.equal('stochtrace.estimator:chunkedSum');
    expect(sumNode.parents.length).to.equal(2);
    expect(sumNode.parents.every((p) => p._leaf)).to.equal(true);
  });

  it('passes finite-difference checks to second order (estimator and meanAndSem, chunked)', () => {
    // Central differences in float64 (eps 1e-6 / 1e-4 for HVPs): errors ~1e-8 relative; rtol 1e-5.
    const small = { d: tt.tensor(Array.from({ length: n }, (_, i) => Math.cos(i) * 0.2)), s: tt.tensor(0.4) };
    const f1 = (d: T, s: T): T => tt.sin(st.estimator(st.trace(), st.rademacher(n, { num: 6 }), { chunkSize: 4 })(mv, key, { d, s }) as T);
    tt.testing.checkGrads(f1, [small.d, small.s], { rtol: 1e-5, order: 2, directions: 4 });
    const f2 = (d: T, s: T): T => {
      const r = st.meanAndSem(st.traceAndDiagonal(), st.normal(n, { num: 6 }), { chunkSize: 4 })(mv, key, { d, s }) as { mean: { trace: T; diagonal: T }; sem: { trace: T; diagonal: T } };
      return tt.add(tt.add(r.mean.trace, tt.sum(tt.square(r.sem.diagonal))), r.sem.trace);
    };
    tt.testing.checkGrads(f2, [small.d, small.s], { rtol: 1e-5, order: 2, directions: 4 });
  });

  it('reports progress in forward and backward; the last forward report equals the result', () => {
    const seen: tt.stochtrace.EstimatorProgress[] = [];
    const est = st.meanAndSem(st.trace(), samplers.rademacher, { chunkSize: 10, onProgress: (p) => seen.push(p) });
    const [val] = tt.valueAndGrad((p: tt.PyTree) => (est(mv, key, p) as { mean: T }).mean)(params);
    expect(seen.map((p) => `${p.phase}:${p.done}/${p.total}`)).to.deep.equal(['forward:10/24', 'forward:20/24', 'forward:24/24', 'backward:10/24', 'backward:20/24', 'backward:24/24']);
    const last = seen[2];
    expect(Math.abs((last.estimate as T).item() - val.item())).to.be.below(1e-12 * Math.abs(val.item()));
    const r = est(mv, key, params) as { mean: T; sem: T };
    expect(Math.abs((last.sem as T).item() - r.sem.item())).to.be.below(1e-9 * r.sem.item());
  });

  it('accepts a plain sampler function and reports bad input and non-finite matvecs', () => {
    const V = tt.random.rademacher(key, [24, n]);
    const a = st.estimator(st.trace(), () => V, { chunkSize: 5 })(mv, key, params) as T;
    const b = st.estimator(st.trace(), samplers.rademacher)(mv, key, params) as T;
    expect(Math.abs(a.item() - b.item())).to.be.below(1e-12 * Math.abs(b.item()));
    const est = st.estimator(st.trace(), samplers.rademacher, { chunkSize: 5 });
    expect(() => est((v) => tt.log(tt.sub(v, 1)), key)).to.throw(tt.TracetapeError, /stochtrace.estimator: chunk 0 produced a non-finite value/);
    expect(() => est((v) => tt.sum(v), key)).to.throw(/matvec must return a Tensor shaped like the probe \[40\], received \[\]/);
    expect(() => est(mv, 3 as unknown as tt.random.PRNGKey, params)).to.throw(/key must be a PRNGKey/);
    expect(() => st.estimator(st.trace(), samplers.rademacher, { chunk: 3 } as tt.stochtrace.EstimatorOptions)).to.throw(/unknown option 'chunk'/);
    expect(() => st.estimator(st.trace(), samplers.rademacher, { chunkSize: 0 })).to.throw(/options.chunkSize must be a positive integer/);
    expect(() => st.meanAndSem(st.trace(), st.rademacher(n, { num: 1 }))(mv, key, params)).to.throw(/needs at least 2 probes/);
  });
});

describe('stochtrace: float32', () => {
  it('float32 probes and operator give a float32 estimate close to the float64 one', () => {
    const n = 64;
    const { A } = testMatrix(n, 13);
    const A32 = tt.tensor(Float32Array.from(A._data), { shape: [n, n] });
    const key = tt.random.key(3);
    const e64 = st.estimator(st.trace(), st.rademacher(n, { num: 20 }), { chunkSize: 6 })((v) => tt.matmul(A, v), key) as T;
    const e32 = st.estimator(st.trace(), st.rademacher(n, { num: 20, dtype: 'float32' }), { chunkSize: 6 })((v) => tt.matmul(A32, v), key) as T;
    expect(e32.dtype).to.equal('float32');
    // Same ±1 probes; float32 rounding of A and of the sums: relative difference ~1e-6, bound 1e-4.
    expect(Math.abs(e32.item() - e64.item())).to.be.below(1e-4 * Math.abs(e64.item()));
  });
});

describe('stochtrace: typed parameters', () => {
  it('estimators accept matvecs with typed params (type-checked by tsc) and differentiate through them', () => {
    const typed = (v: T, p: { d: T; s: T }): T => tt.mul(tt.mul(v, p.d), p.s);
    const d = tt.tensor([1, 2, 3]), s = tt.tensor(2);
    const key = tt.random.key(0);
    const e = st.estimator(st.trace(), st.rademacher(3, { num: 4 }), { chunkSize: 2 })(typed, key, { d, s }) as T;
    const h = st.hutchpp(st.normal(3, { num: 4 }), { sketchSize: 3 })(typed, key, { d, s }); // Gaussian sketch: full rank a.s.
    const x = st.xtrace(st.normal(3, { num: 2 }))(typed, key, { d, s });
    const b = st.bekasDiagonal(st.rademacher(3, { num: 2 }))(typed, key, { d, s });
    // tr(2·diag(1,2,3)) = 12: exact for Rademacher probes (diagonal matrix) and for Hutch++ with a full-rank sketch.
    expect(Number.isFinite(x.estimate.item()) && Number.isFinite(x.error.item())).to.equal(true);
    for (const v of [e.item(), h.item(), tt.sum(b).item()]) expect(Math.abs(v - 12)).to.be.below(1e-12);
    const g = tt.grad((ss: T) => st.estimator(st.trace(), st.rademacher(3, { num: 4 }), { chunkSize: 1 })(typed, key, { d, s: ss }) as T)(s) as T;
    expect(Math.abs(g.item() - 6)).to.be.below(1e-12);
  });
});
