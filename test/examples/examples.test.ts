/**
 * Smoke tests of the examples (this file: gp-hyperparameters, low-memory-trace, bootstrap, laplace-logdet): each runs
 * at a reduced size through its exported run(), quietly and without writing files, and its numbers are checked
 * against the example's own reference.
 */
import { expect } from 'chai';
import * as bootstrap from '../../examples/bootstrap.js';

describe('examples (smoke)', function () {
  this.timeout(60000);

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
});
