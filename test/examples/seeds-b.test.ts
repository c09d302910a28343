/**
 * Smoke tests of the seed-02/04/05 examples (hessian-trace, pde-arnoldi, probed-gradients): each runs through its
 * `run()` at a reduced size, quietly and without files, and its numbers are checked against references
 * (closed forms, tape HVPs, statistical tolerances with fixed seeds).
 */
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { run as runHessianTrace } from '../../examples/hessian-trace.js';
import { ggnDiagonal, ggnVp, hessianDiagonal, linearize, mlpLoss, type MlpData, type MlpParams } from '../../examples/hessian-trace/mlp.js';
import { probeBlock } from '../../examples/hessian-trace/hutchinson.js';
import { run as runPdeArnoldi } from '../../examples/pde-arnoldi.js';
import { initialStates, trueCoefficient } from '../../examples/pde-arnoldi/fields.js';
import { run as runProbedGradients } from '../../examples/probed-gradients.js';
import { xconv2d } from '../../examples/probed-gradients/xconv.js';
import { dataRangeProbes, defaultSetup, misfitAndGradient, relErr, simulate, velocityModel } from '../../examples/probed-gradients/wave1d.js';

/** Max |a − b| over two flat arrays. */
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('examples: hessian-trace (seed 02)', () => {
  // A tiny MLP (12 inputs, 4 hidden, 10 classes, 16 samples: 88 parameters) where every unit-vector HVP is affordable.
  const key = tt.random.key(7);
  const [kx, ky, k1, k2, kp] = tt.random.split(key, 5);
  const X = tt.random.uniform(kx, [16, 12]);
  const labels = tt.random.uniform(ky, [16]).data().map((u) => Math.floor(10 * u));
  const Y = tt.tensor(Float64Array.from({ length: 160 }, (_, i) => (labels[Math.floor(i / 10)] === i % 10 ? 1 : 0)), { shape: [16, 10] });
  const data: MlpData = { X, Y };
  const params: MlpParams = { W1: tt.random.normal(k1, [12, 4]), W2: tt.random.normal(k2, [4, 10]) };
  const n1 = 48, n2 = 40;
  const loss = (W1: tt.Tensor, W2: tt.Tensor): tt.Tensor => mlpLoss(W1, W2, data);
  const unit = (i: number): [tt.Tensor, tt.Tensor] => {
    const v = new Float64Array(n1 + n2);
    v[i] = 1;
    return [tt.tensor(v.slice(0, n1), { shape: [12, 4] }), tt.tensor(v.slice(n1), { shape: [4, 10] })];
  };

  it('closed-form Hessian and GGN diagonals match unit-vector products from the tape (all 88 entries)', () => {
    const hd = hessianDiagonal(params, data), gd = ggnDiagonal(params, data);
    const hdFlat = [...hd.W1.data(), ...hd.W2.data()], gdFlat = [...gd.W1.data(), ...gd.W2.data()];
    const byHvp: number[] = [], byGgn: number[] = [];
    for (let i = 0; i < n1 + n2; i++) {
      const [e1, e2] = unit(i);
      const [h1, h2] = tt.hvp(loss, [params.W1, params.W2], [e1, e2]) as tt.Tensor[];
      byHvp.push(i < n1 ? h1.data()[i] : h2.data()[i - n1]);
      const g = ggnVp(params, data, { W1: e1, W2: e2 });
      byGgn.push(i < n1 ? g.W1.data()[i] : g.W2.data()[i - n1]);
    }
    // Same quantities by different algebra in float64: agreement to rounding (1e-12 absolute on O(1e-2) entries).
    expect(maxAbsDiff(hdFlat, byHvp)).to.be.below(1e-12);
    expect(maxAbsDiff(gdFlat, byGgn)).to.be.below(1e-12);
    // The Hessian differs from the GGN on W1 (the σ'' term) and agrees on W2 (logits are linear in W2).
    expect(maxAbsDiff(hdFlat.slice(0, n1), gdFlat.slice(0, n1))).to.be.above(1e-6);
    expect(maxAbsDiff(hdFlat.slice(n1), gdFlat.slice(n1))).to.be.below(1e-14);
  });

  it('batched HVPs, quadratic forms and GGN products equal per-probe tape products', () => {
    const curv = linearize(params, data);
    const block = probeBlock(kp, params, 0, 3);
    const hv = curv.hvp(block), gv = curv.ggnVp(block), q = curv.quadForms(block), gq = curv.ggnQuadForms(block);
    for (let k = 0; k < 3; k++) {
      const v1 = tt.tensor(block.V1.data().slice(k * n1, (k + 1) * n1), { shape: [12, 4] });
      const v2 = tt.tensor(block.V2.data().slice(k * n2, (k + 1) * n2), { shape: [4, 10] });
      const [h1, h2] = tt.hvp(loss, [params.W1, params.W2], [v1, v2]) as tt.Tensor[];
      expect(maxAbsDiff(h1.data(), hv.V1.data().slice(k * n1, (k + 1) * n1))).to.be.below(1e-12);
      expect(maxAbsDiff(h2.data(), hv.V2.data().slice(k * n2, (k + 1) * n2))).to.be.below(1e-12);
      const g = ggnVp(params, data, { W1: v1, W2: v2 });
      expect(maxAbsDiff(g.W1.data(), gv.V1.data().slice(k * n1, (k + 1) * n1))).to.be.below(1e-12);
      const vhv = tt.sum(tt.mul(h1, v1)).item() + tt.sum(tt.mul(h2, v2)).item();
      const vgv = tt.sum(tt.mul(g.W1, v1)).item() + tt.sum(tt.mul(g.W2, v2)).item();
      expect(q[k]).to.be.closeTo(vhv, 1e-10 * Math.max(1, Math.abs(vhv)));
      expect(gq[k]).to.be.closeTo(vgv, 1e-10 * Math.max(1, Math.abs(vgv)));
    }
  });

  it('run(): Hutchinson converges to the exact trace; batched and sequential estimators agree probe for probe', async () => {
    const r = await runHessianTrace({ batch: 32, hidden: 6, probes: 12, curves: 4, maxSamples: 60, plotBatch: 10, ggnProbes: 30, unitChecks: 20, quiet: true, outDir: null });
    expect(r.numParams).to.equal(784 * 6 + 60);
    // Closed-form diagonal versus unit-vector HVPs: rounding only.
    expect(r.diagonalCheck.maxAbsDiff).to.be.below(1e-12 * Math.max(1, r.diagonalCheck.maxAbsDiag));
    // Same probes: every full-Hessian estimator gives the same number up to rounding (the block-diagonal one differs).
    const seq = r.runtime[0].estimate;
    for (const row of r.runtime.filter((x) => x.method.startsWith('batched'))) expect(row.estimate).to.be.closeTo(seq, 1e-9 * Math.abs(seq));
    // Pooled over all runs (4 × 60 probes), the mean is within 4 standard errors of the exact trace (fixed seed).
    const sem = r.convergence.perProbeStd / Math.sqrt(4 * 60);
    const pooled = r.convergence.curves.reduce((s, c) => s + c[c.length - 1], 0) / 4;
    expect(Math.abs(pooled - r.exactTrace)).to.be.below(4 * sem);
    // GGN: tape and batched products agree probe for probe; the estimate is within 4 standard errors of the exact GGN trace.
    expect(r.ggn.batched).to.be.closeTo(r.ggn.sequential, 1e-9 * Math.abs(r.ggn.sequential));
    expect(Math.abs(r.ggn.batched - r.ggn.exact)).to.be.below(4 * r.ggn.perProbeStd / Math.sqrt(30));
  });
});

describe('examples: pde-arnoldi (seed 04)', () => {
  it('Krylov u(T) matches the dense matrix exponential of the assembled operator (6×6 grid)', () => {
    const n = 6, N = 36, T = 0.01;
    const lap = tt.ops.laplacian2d(n, n);
    const k = tt.tensor(trueCoefficient(n));
    const cols: number[][] = [];
    for (let j = 0; j < N; j++) { const e = new Float64Array(N); e[j] = 1; cols.push(Array.from(lap(tt.tensor(e), k).data())); }
    const A = tt.transpose(tt.tensor(cols)); // column j of A is A e_j
    const u0 = initialStates(tt.random.key(3), n, 1)[0];
    const dense = tt.matmul(tt.linalg.expm(tt.mul(A, -T)), u0).data();
    const krylov = tt.krylov.funmArnoldi('exp', { depth: N })((v: tt.Tensor, kk: tt.Tensor) => tt.mul(lap(v, kk), -T), u0, k).data();
    // Full depth: the Krylov space is the whole space, so only rounding separates the two (relative 1e-10).
    expect(maxAbsDiff(dense, krylov)).to.be.below(1e-10 * Math.max(...Array.from(dense, Math.abs)));
  });

  it('run(): adjoint gradient equals backprop, forward error falls with depth, the fit lowers loss and field error', async () => {
    const r = await runPdeArnoldi({ grid: 12, control: 4, observations: 2, depth: 14, epochs: 25, lr: 0.08, quiet: true, outDir: null });
    // Two independent gradient codes (adjoint system vs taped iteration) in float64.
    expect(r.gradientCheck?.relDiff).to.be.below(1e-8);
    for (let i = 1; i < r.forwardError.length; i++) expect(r.forwardError[i].relErr).to.be.below(r.forwardError[i - 1].relErr);
    expect(r.losses[r.losses.length - 1]).to.be.below(0.2 * r.losses[0]);
    expect(r.fieldErrors[r.fieldErrors.length - 1]).to.be.below(r.fieldErrors[0]);
    // Per gradient: depth forward matvecs plus depth matvec VJPs per observation.
    expect(r.matvecsPerGradient).to.equal(2 * 2 * 14);
  });
});

describe('examples: probed-gradients (seed 05)', () => {
  it('xconv2d: forward and input gradient equal conv2d; the probed weight gradient is unbiased', () => {
    const [kx, kw, kt] = tt.random.split(tt.random.key(11), 3);
    const x = tt.random.normal(kx, [2, 2, 6, 6]), w = tt.random.normal(kw, [3, 2, 3, 3]), target = tt.random.normal(kt, [2, 3, 3, 3]);
    const opts = { padding: 1, stride: 2 };
    const xc = xconv2d({ probes: 4, ...opts });
    const lossExact = (xx: tt.Tensor, ww: tt.Tensor): tt.Tensor => tt.sum(tt.square(tt.sub(tt.nn.conv2d(xx, ww, opts), target)));
    const lossProbed = (key: tt.random.PRNGKey) => (xx: tt.Tensor, ww: tt.Tensor): tt.Tensor => tt.sum(tt.square(tt.sub(xc(xx, ww, key), target)));
    expect(maxAbsDiff(xc(x, w, tt.random.key(1)).data(), tt.nn.conv2d(x, w, opts).data())).to.equal(0);
    const [gx, gw] = tt.grad(lossExact, { argnums: [0, 1] })(x, w) as tt.Tensor[];
    const [px] = tt.grad(lossProbed(tt.random.key(2)), { argnums: [0, 1] })(x, w) as tt.Tensor[];
    expect(maxAbsDiff(px.data(), gx.data())).to.be.below(1e-12);
    // Mean of 400 independent probed gradients (r = 4): its error shrinks like 1/√400 relative to one draw's error;
    // demanding < 0.25 × the single-draw error leaves a 5× margin over the expected 0.05 (fixed seeds).
    const draws = 400;
    const acc = new Float64Array(gw.size);
    let single = 0;
    for (let d = 0; d < draws; d++) {
      const g = (tt.grad(lossProbed(tt.random.key(1000 + d)), { argnums: 1 })(x, w) as tt.Tensor).data();
      single += relErr(g, gw.data()) / draws;
      for (let i = 0; i < acc.length; i++) acc[i] += g[i] / draws;
    }
    expect(relErr(acc, gw.data())).to.be.below(0.25 * single);
  });

  it('FWI: data-range probes with r = n_t (a full orthonormal basis) reproduce the exact adjoint gradient', () => {
    const setup = defaultSetup(31, 60);
    const observed = simulate(setup, velocityModel(setup, 1.5, [[0.5, 0.1, 0.5]]));
    const s0 = velocityModel(setup, 1.5, []);
    const exact = misfitAndGradient(setup, s0, observed);
    const Q = dataRangeProbes(tt.random.key(5), observed, setup.nt, setup.receivers.length, setup.nt);
    // Σ_j q_j q_jᵀ = I up to rounding, so the probed imaging condition is the exact one.
    expect(relErr(misfitAndGradient(setup, s0, observed, Q, setup.nt).grad, exact.grad)).to.be.below(1e-10);
  });

  it('run(): probed-gradient errors fall with r, the adjoint matches the tape, randomized SVD matches the spectrum', async () => {
    const r = await runProbedGradients({
      maxProbes: 32, reps: 3, errorBatch: 8, trainSteps: 4, trainBatch: 10, testSize: 20, trainProbes: 4,
      grid: 41, steps: 150, fwiIters: 3, fwiProbes: 4, svdRank: 4, memChannels: 8, memSize: 16, quiet: true, outDir: null,
    });
    const first = (e: { meanRelErr: number }[]): number => e[0].meanRelErr;
    const last = (e: { meanRelErr: number }[]): number => e[e.length - 1].meanRelErr;
    // r = 2 → 32 is 16× more probes: 1/√r predicts a 4× smaller error; we require at least 2× (3 draws each, fixed seed).
    expect(last(r.xconv.errors.conv1)).to.be.below(0.5 * first(r.xconv.errors.conv1));
    expect(last(r.xconv.errors.conv2)).to.be.below(0.5 * first(r.xconv.errors.conv2));
    expect(last(r.fwi.errors)).to.be.below(0.5 * first(r.fwi.errors));
    expect(r.xconv.slopes.conv2).to.be.within(-0.8, -0.25);
    expect(r.fwi.adjointVsTape).to.be.below(1e-10);
    expect(r.xconv.training).to.have.length(2);
    // Measured (mocha runs node with --expose-gc): the exact stack keeps its inputs and their 9× im2col columns
    // (~5 MiB here), the probed one only Zᵀx plus the layer outputs (~0.5 MiB); we require a 3× saving.
    const { exactBytes, probedBytes } = r.xconv.measuredMemory;
    expect(exactBytes).to.be.a('number');
    expect(exactBytes as number).to.be.above(3 * (probedBytes as number));
    expect(r.fwi.inversion).to.have.length(3);
    // Randomized SVD (one power iteration, oversampling 10) of a wavefield matrix: top singular values to 1e-3,
    // approximation error within 1% of the Eckart–Young optimum.
    expect(r.rsvd.maxRelSingularValueErr).to.be.below(1e-3);
    expect(r.rsvd.approxErr).to.be.below(1.01 * r.rsvd.optimalErr);
  });
});
