/**
 * Smoke tests of the examples (this file: gp-hyperparameters, low-memory-trace, bootstrap, laplace-logdet): each runs
 * at a reduced size through its exported run(), quietly and without writing files, and its numbers are checked
 * against the example's own reference.
 */
import { expect } from 'chai';
import * as bootstrap from '../../examples/bootstrap.js';
import * as gp from '../../examples/gp-hyperparameters.js';
import * as lowMemory from '../../examples/low-memory-trace.js';
import * as laplace from '../../examples/laplace-logdet.js';

describe('examples (smoke)', function () {
  this.timeout(60000);

  it('gp-hyperparameters: the SLQ + CG fit reaches the exact NLL of the Cholesky fit (within 2%) on Boston data', async () => {
    const r = await gp.run({ n: 60, steps: 10, lr: 0.15, probes: 8, depth: 15, quiet: true, outDir: null });
    expect(r.data).to.equal('Boston house prices');
    expect(r.cholesky).to.not.equal(null);
    const chol = r.cholesky!;
    // Both fits start from the same point with the same Adam settings; the SLQ fit follows a stochastic estimate
    // (8 fixed probes), so its optimum differs slightly: the exact NLL there must be within 2% of the exact optimum.
    expect(r.nllRelativeGap).to.be.a('number');
    expect(r.nllRelativeGap!).to.be.below(0.02);
    // The loss must have decreased in both fits (from the common start).
    expect(chol.losses[chol.losses.length - 1]).to.be.below(chol.losses[0]);
    expect(r.slq.losses[r.slq.losses.length - 1]).to.be.below(r.slq.losses[0]);
    // The SLQ objective estimates the exact NLL at the same point: with 8 probes the logdet error is a few nats.
    expect(Math.abs(r.slq.objective - r.slq.exactNll!)).to.be.below(0.1 * Math.abs(r.slq.exactNll!) + 5);
    // Test RMSE (in $1000s; the target's SD is ≈ 9): both fits predict far better than the mean, and similarly.
    expect(chol.testRmse).to.be.below(7);
    expect(Math.abs(r.slq.testRmse - chol.testRmse)).to.be.below(0.25 * chol.testRmse);
  });

  it('low-memory-trace: the three estimators agree exactly, the θ-gradient is exp(θ), checkpointing holds nothing for backward', async () => {
    const n = 20_000, probes = 6;
    const r = await lowMemory.run({ n, probes, chunkSize: 2, quiet: true, outDir: null });
    const [all, chunked, ckpt] = r.variants;
    // Same probes in every variant: identical estimates up to summation order.
    for (const v of [chunked, ckpt]) {
      expect(v.trace).to.be.closeTo(all.trace, 1e-9 * all.trace);
      expect(v.gradDiffVsAllAtOnce).to.be.below(1e-6);
    }
    // Rademacher probes make the diagonal part exact: ∂/∂θ = exp(θ) to rounding.
    for (const v of r.variants) expect(v.gradThetaError).to.be.below(1e-12);
    // Hutchinson error of the coupling term: SD = c·√(2·2(n−1)/probes) ≈ 0.25·√(4·20000/6) ≈ 28.9; allow 6 SD.
    expect(Math.abs(all.trace - r.exactTrace)).to.be.below(6 * 28.9);
    // Memory: the taped variants hold at least one n-vector per probe for backward (in fact several); the
    // checkpointed one holds (almost) nothing between the passes, and peaks lower in both passes.
    expect(all.retainedBytes).to.be.above(probes * n * 8);
    expect(ckpt.retainedBytes).to.be.below(0.1 * all.retainedBytes);
    expect(ckpt.peakGradBytes).to.be.below(all.peakGradBytes);
    expect(ckpt.peakForwardBytes).to.be.below(all.peakForwardBytes);
  });

  it('bootstrap: the bootstrap SE matches the analytic √(p̂(1−p̂)/n), for both resamplers', async () => {
    const r = await bootstrap.run({ n: 200_000, resamples: 20_000, chunkSize: 500, check: 60, quiet: true, outDir: null });
    expect(r.pHat).to.be.closeTo(0.05, 5 * Math.sqrt(0.05 * 0.95 / 200_000));
    // 20 000 resamples: the SD estimate's relative SE is 1/√40000 = 0.5%, so 3% is 6 SE.
    expect(Math.abs(r.relativeError)).to.be.below(0.03);
    expect(r.main.mean).to.be.closeTo(r.pHat, 5 * r.analyticSe / Math.sqrt(20_000));
    // 60 literal index resamples: relative SE of the SD ≈ 1/√120 ≈ 9%, so allow 40% (> 4 SE).
    expect(r.check).to.not.equal(null);
    expect(Math.abs(r.check!.se / r.analyticSe - 1)).to.be.below(0.4);
    const total = Array.from(r.histogram.counts).reduce((a, b) => a + b, 0) + r.histogram.below + r.histogram.above;
    expect(total).to.equal(20_000);
  });

  it('laplace-logdet: SLQ log det and its δ-gradient match the exact dense values; tuned δ near the exact optimum', async () => {
    const r = await laplace.run({ hidden: 6, n: 30, trainSteps: 200, probes: 10, depth: 25, steps: 40, quiet: true, outDir: null });
    const a = r.atTrainDelta;
    // SLQ with 10 probes: log det within 10% (it is O(P) in size, the probe noise is O(√P)); the derivative
    // δ·tr((G + δI)⁻¹) is smoother: within 5%.
    expect(Math.abs(a.slq - a.exact)).to.be.below(0.1 * Math.abs(a.exact) + 5);
    expect(Math.abs(a.gradSlq - a.gradExact)).to.be.below(0.05 * Math.abs(a.gradExact));
    const [exact, slq] = r.tuned;
    // The evidence at the SLQ-tuned δ is within 1 nat of the evidence at the exact-tuned δ.
    expect(slq.exactLogZ).to.be.above(exact.exactLogZ - 1);
    expect(Math.abs(Math.log(slq.delta / exact.delta))).to.be.below(Math.log(2));
  });
});
