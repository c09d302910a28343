/**
 * Tests of the preconditioned SLQ logdet (logdet's `preconditioner` option, lowRankPreconditioner, the low-rank-plus-shift
 * pieces): log det P and P^{-1/2} against dense references, exactness at full depth with basis probes, gradients against
 * central differences for fixed probes, and the variance reduction over fixed keys.
 */
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { lowRankShiftParts, applyInverseSqrt } from '../../src/krylov/low-rank-shift.js';
import { rng, randMatrix, randVector, randomPoints, relErr, rbfOperator, type RbfParams } from './helpers.js';
import { expectError } from '../support/errors.js';

/**
 * K(θ) = σ_f² exp(−‖x_i − x_j‖²/(2ℓ²)) + σ_n² I with θ = (log ℓ, log σ_f, log σ_n): helpers.rbfOperator's matvec and
 * dense K, ∂K/∂θ for references, and the pivoted-Cholesky preconditioner pieces a user operator supplies
 * (float64 access for the pivots, differentiable columns σ_f² exp(−D²[:, I]/(2ℓ²)), differentiable shift σ_n²).
 */
function rbfFixture(points: Float64Array, n: number): {
  matvec: (v: tt.Tensor, p: RbfParams) => tt.Tensor;
  dense: (p: RbfParams) => { K: Float64Array; dK: [Float64Array, Float64Array, Float64Array] };
  preconditioner: (rank: number, tol?: number) => tt.krylov.LowRankPreconditionerOptions<RbfParams>;
} {
  const { matvec, dense: denseParts, D2, unitKernel } = rbfOperator(points, n);
  const dense = (p: RbfParams): { K: Float64Array; dK: [Float64Array, Float64Array, Float64Array] } => {
    const { K, dEll, dSf, dSn } = denseParts(p);
    return { K, dK: [dEll, dSf, dSn] };
  };
  const preconditioner = (rank: number, tol?: number): tt.krylov.LowRankPreconditionerOptions<RbfParams> => ({
    rank,
    tol,
    access: (p) => {
      const E = unitKernel(p.logEll.item());
      const sf2 = Math.exp(2 * p.logSf.item());
      return {
        size: n,
        shift: Math.exp(2 * p.logSn.item()),
        diag: () => new Float64Array(n).fill(sf2),
        column: (i: number) => { const c = new Float64Array(n); for (let a = 0; a < n; a++) c[a] = sf2 * E[a * n + i]; return c; },
      };
    },
    columns: (p, idx) => {
      const k = idx.length, d = new Float64Array(n * k);
      for (let a = 0; a < n; a++) for (let b = 0; b < k; b++) d[a * k + b] = D2[a * n + idx[b]];
      return tt.mul(tt.exp(tt.div(tt.tensor(d, { shape: [n, k] }), tt.mul(-2, tt.exp(tt.mul(2, p.logEll))))), tt.exp(tt.mul(2, p.logSf)));
    },
    shift: (p) => tt.exp(tt.mul(2, p.logSn)),
  });
  return { matvec, dense, preconditioner };
}

/** log det K and tr(K⁻¹ ∂K) for each ∂K, densely (K⁻¹ by tt.linalg.inv, log det by slogdet). */
function denseReference(K: Float64Array, dK: Float64Array[], n: number): number[] {
  const Kt = tt.tensor(K, { shape: [n, n] });
  const Kinv = tt.linalg.inv(Kt);
  return [tt.linalg.slogdet(Kt).logabsdet.item(), ...dK.map((D) => tt.sum(tt.mul(Kinv, tt.tensor(D, { shape: [n, n] }))).item())];
}

/** Probes √n·e_i (i = 1…n): their mean of n·e_iᵀ f(A) e_i is tr f(A) exactly, so SLQ at full depth is exact. */
const basisSampler = (n: number) => (): tt.Tensor => tt.mul(tt.eye(n), Math.sqrt(n));

const theta = (): RbfParams => ({ logEll: tt.tensor(Math.log(1.5)), logSf: tt.tensor(0.1), logSn: tt.tensor(Math.log(0.3)) });

describe('krylov.logdet with a low-rank-plus-shift preconditioner', () => {
  it('log det P and P^{-1/2} of P = UUᵀ + sI match dense slogdet and (P^{-1/2})² P = I, P^{-1/2} symmetric', () => {
    const r = rng(11);
    const n = 30, s = 0.3;
    // Full-rank U, and a rank-deficient U with repeated columns (G = UᵀU has zero and tied eigenvalues).
    const U1 = randMatrix(r, n, 6);
    const U2 = tt.concat([U1, tt.slice(U1, [0, 0], [n, 2])], 1);
    for (const U of [U1, U2]) {
      const P = tt.add(tt.matmul(U, tt.transpose(U)), tt.mul(tt.eye(n), s));
      const parts = lowRankShiftParts('test', { U, shift: s });
      // Tolerance: k×k eigh + O(nk) products in float64, condition of P ≤ ~50 here.
      expect(Math.abs(parts.logdet.item() - tt.linalg.slogdet(P).logabsdet.item())).to.be.below(1e-10);
      const R = applyInverseSqrt(tt.eye(n), parts.inverseSqrt);
      expect(relErr(R, tt.transpose(R))).to.be.below(1e-12);
      expect(relErr(tt.matmul(R, tt.matmul(P, R)), tt.eye(n))).to.be.below(1e-10);
    }
    // k = 0: P = sI.
    const P0 = lowRankShiftParts('test', { U: tt.zeros([n, 0]), shift: s });
    expect(Math.abs(P0.logdet.item() - n * Math.log(s))).to.be.below(1e-12);
  });

  it('log det P and P^{-1/2} v are differentiable in U and s (central differences, also at tied/zero eigenvalues of UᵀU)', () => {
    const r = rng(12);
    const n = 12;
    const v = randVector(r, n), w = randVector(r, n);
    const f = (U: tt.Tensor, s: tt.Tensor): tt.Tensor => {
      const parts = lowRankShiftParts('test', { U, shift: s });
      return tt.add(parts.logdet, tt.sum(tt.mul(w, applyInverseSqrt(v, parts.inverseSqrt))));
    };
    const U1 = randMatrix(r, n, 4);
    tt.testing.checkGrads(f, [U1, tt.tensor(0.4)], { rtol: 1e-6 });
    // Two identical columns: UᵀU has a zero eigenvalue and UUᵀ's nonzero part is still smooth in U.
    const U2 = tt.concat([U1, tt.slice(U1, [0, 0], [n, 1])], 1);
    tt.testing.checkGrads(f, [U2, tt.tensor(0.4)], { rtol: 1e-6 });
  });

  it('at full depth with basis probes, value and gradient equal dense log det K and tr(K⁻¹∂K) (user operator and the plain estimate)', function () {
    this.timeout(60000);
    const n = 40;
    const { matvec, dense, preconditioner } = rbfFixture(randomPoints(rng(13), n, 5), n);
    const p0 = theta();
    const { K, dK } = dense(p0);
    const ref = denseReference(K, dK, n);
    for (const pre of [undefined, preconditioner(8), preconditioner(40)]) {
      const [val, g] = tt.valueAndGrad((p: RbfParams) => tt.krylov.logdet(matvec, p, { key: tt.random.key(0), n, depth: n, sampler: basisSampler(n), preconditioner: pre }))(p0) as [tt.Tensor, RbfParams];
      const got = [val.item(), g.logEll.item(), g.logSf.item(), g.logSn.item()];
      // Exact arithmetic gives equality; the tolerance covers Lanczos at depth n with full reorthogonalisation in float64.
      got.forEach((x, i) => expect(Math.abs(x - ref[i]) / Math.abs(ref[i]), `rank ${pre?.rank ?? 0}, quantity ${i}: ${x} vs ${ref[i]}`).to.be.below(1e-8));
    }
  });

  it('tt.ops.kernelMatvec works with {rank} alone: exact at full depth, gradients reach X, lengthscale, variance and noise', function () {
    this.timeout(60000);
    const n = 30;
    const r = rng(14);
    const X = tt.tensor(randomPoints(r, n, 4), { shape: [n, 2] });
    const params = { X, lengthscale: tt.tensor(1.2), variance: tt.tensor(0.8), noise: tt.tensor(0.05) };
    const exact = tt.valueAndGrad((p: typeof params) => tt.linalg.slogdet(tt.ops.kernelMatvec(tt.eye(n), p)).logabsdet)(params) as [tt.Tensor, typeof params];
    const est = tt.valueAndGrad((p: typeof params) => tt.krylov.logdet(tt.ops.kernelMatvec, p, { key: tt.random.key(1), n, depth: n, sampler: basisSampler(n), preconditioner: { rank: 10 } }))(params) as [tt.Tensor, typeof params];
    // Same exactness argument as above; the dense reference differentiates slogdet of the materialised kernel matrix.
    expect(Math.abs(est[0].item() - exact[0].item()) / Math.abs(exact[0].item())).to.be.below(1e-8);
    for (const k of ['X', 'lengthscale', 'variance', 'noise'] as const) expect(relErr(est[1][k], exact[1][k]), k).to.be.below(1e-7);
  });

  it('the preconditioned gradient is the exact derivative of the estimate for fixed probes (central differences)', function () {
    this.timeout(60000);
    const n = 60;
    const { matvec, preconditioner } = rbfFixture(randomPoints(rng(15), n, 5), n);
    const pre = preconditioner(12);
    const f = (le: tt.Tensor, ls: tt.Tensor, ln: tt.Tensor): tt.Tensor =>
      tt.krylov.logdet(matvec, { logEll: le, logSf: ls, logSn: ln }, { key: tt.random.key(7), n, probes: 4, depth: 12, preconditioner: pre });
    // Same key ⇒ same probes, and the pivots are re-chosen at each evaluation but do not change under ±1e-6 perturbations,
    // so the estimate is a smooth function of θ; the Lanczos adjoint is exact up to float64 round-off.
    tt.testing.checkGrads(f, [tt.tensor(0.3), tt.tensor(0.1), tt.tensor(-1.2)], { rtol: 1e-6 });
  });

  it('a factor function (params) => {U, shift} is accepted and gives the same result as the options form with the same pivots', () => {
    const n = 50;
    const { matvec, preconditioner } = rbfFixture(randomPoints(rng(16), n, 5), n);
    const p0 = theta();
    const factor = tt.krylov.lowRankPreconditioner(matvec, p0, preconditioner(10));
    expect(factor.rank).to.equal(10);
    expect(new Set(factor.pivots).size).to.equal(10);
    const run = (pre: tt.krylov.LogdetPreconditioner<RbfParams>): [tt.Tensor, RbfParams] =>
      tt.valueAndGrad((p: RbfParams) => tt.krylov.logdet(matvec, p, { key: tt.random.key(2), n, probes: 3, depth: 10, preconditioner: pre }))(p0) as [tt.Tensor, RbfParams];
    const [v1, g1] = run(factor);
    const [v2, g2] = run(preconditioner(10));
    expect(Math.abs(v1.item() - v2.item())).to.be.below(1e-12 * Math.abs(v1.item()));
    for (const k of ['logEll', 'logSf', 'logSn'] as const) expect(relErr(g1[k], g2[k])).to.be.below(1e-12);
  });

  it('streams probes in chunks with the same value and gradient as one chunk', () => {
    const n = 50;
    const { matvec, preconditioner } = rbfFixture(randomPoints(rng(17), n, 5), n);
    const run = (chunkSize?: number): [tt.Tensor, RbfParams] =>
      tt.valueAndGrad((p: RbfParams) => tt.krylov.logdet(matvec, p, { key: tt.random.key(5), n, probes: 6, depth: 10, chunkSize, preconditioner: preconditioner(8) }))(theta()) as [tt.Tensor, RbfParams];
    const [v1, g1] = run();
    const [v2, g2] = run(4);
    expect(Math.abs(v1.item() - v2.item())).to.be.below(1e-10 * Math.abs(v1.item()));
    // onProgress reports the full estimate (log det P + the running SLQ mean); after the last chunk it equals the result.
    let last = NaN;
    tt.krylov.logdet(matvec, theta(), { key: tt.random.key(5), n, probes: 6, depth: 10, chunkSize: 4, preconditioner: preconditioner(8), onProgress: (pr) => { last = (pr.estimate as tt.Tensor).item(); } });
    expect(Math.abs(last - v1.item())).to.be.below(1e-10 * Math.abs(v1.item()));
    for (const k of ['logEll', 'logSf', 'logSn'] as const) expect(relErr(g2[k], g1[k])).to.be.below(1e-10);
  });

  it('stops pivoting once the residual trace is ≤ tol · shift (a kernel of numerical rank ≤ 3)', () => {
    // Points at 3 distinct locations: K_f has rank 3, so the residual vanishes after 3 pivots whatever rank is asked for.
    const n = 24, pts = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) { pts[2 * i] = i % 3; pts[2 * i + 1] = 0; }
    const { matvec, preconditioner } = rbfFixture(pts, n);
    const f = tt.krylov.lowRankPreconditioner(matvec, theta(), preconditioner(10));
    expect(f.rank).to.equal(3);
    expect(f.residualTrace).to.be.below(1e-12);
    expect(f(theta()).U.shape).to.deep.equal([n, 3]);
  });

  it('reduces the Monte-Carlo error: RMS over 10 keys of every gradient error is below half the plain estimate\'s (n = 200)', function () {
    this.timeout(120000);
    const n = 200;
    const { matvec, dense, preconditioner } = rbfFixture(randomPoints(rng(18), n, 7), n);
    const p0 = theta();
    const { K, dK } = dense(p0);
    const ref = denseReference(K, dK, n);
    const rms = (pre: tt.krylov.LogdetPreconditioner<RbfParams> | undefined): number[] => {
      const sq = [0, 0, 0, 0];
      for (let seed = 0; seed < 10; seed++) {
        const [val, g] = tt.valueAndGrad((p: RbfParams) => tt.krylov.logdet(matvec, p, { key: tt.random.key(100 + seed), n, probes: 4, depth: 16, preconditioner: pre }))(p0) as [tt.Tensor, RbfParams];
        [val.item(), g.logEll.item(), g.logSf.item(), g.logSn.item()].forEach((x, i) => { sq[i] += ((x - ref[i]) / ref[i]) ** 2; });
      }
      return sq.map((x) => Math.sqrt(x / 10));
    };
    const plain = rms(undefined);
    // Pivots chosen once at θ₀ (the factor function form), as in an optimisation step.
    const pre = rms(tt.krylov.lowRankPreconditioner(matvec, p0, preconditioner(60)));
    // Measured when written: plain ≈ [3%, 13%, 10%, 2%], rank 60 ≈ [0.01%, 0.2%, 0.05%, 0.01%] (relative errors, value then
    // ∂/∂log ℓ, ∂/∂log σ_f, ∂/∂log σ_n); the factor-2 margin below leaves room for any other seed set.
    pre.forEach((x, i) => expect(x, `quantity ${i}: preconditioned RMS ${x} vs plain ${plain[i]}`).to.be.below(0.5 * plain[i]));
  });

  it('rejects bad preconditioner options', () => {
    const n = 20;
    const { matvec, preconditioner } = rbfFixture(randomPoints(rng(19), n, 4), n);
    const p0 = theta();
    const base = { key: tt.random.key(0), n, probes: 2, depth: 4 };
    expectError(() => tt.krylov.logdet(matvec, p0, { ...base, preconditioner: { rank: 4 } }), 'logdet', 'options.access');
    expectError(() => tt.krylov.logdet(matvec, p0, { ...base, preconditioner: { ...preconditioner(4), columns: undefined } }), 'logdet', 'options.columns');
    expectError(() => tt.krylov.logdet(matvec, p0, { ...base, preconditioner: { ...preconditioner(4), shift: () => 0 } }), 'logdet', 'shift must be a finite number > 0');
    expectError(() => tt.krylov.logdet(matvec, p0, { ...base, preconditioner: { ...preconditioner(4), rank: 0 } }), 'logdet', 'rank');
    expectError(() => tt.krylov.logdet(matvec, p0, { ...base, preconditioner: { ...preconditioner(4), rnak: 3 } as unknown as tt.krylov.LowRankPreconditionerOptions<RbfParams> }), 'logdet', "unknown option 'rnak'");
    expectError(() => tt.krylov.logdet(matvec, p0, { ...base, preconditioner: () => ({ U: tt.zeros([n + 1, 2]), shift: 1 }) }), 'logdet', `expected [${n}, k]`);
    expectError(() => tt.krylov.logdet(matvec, p0, { ...base, preconditioner: () => ({ U: tt.zeros([n, 2]), shift: -1 }) }), 'logdet', 'finite and > 0');
    expectError(() => tt.krylov.logdet(matvec, p0, { ...base, preconditioner: 3 as unknown as tt.krylov.LogdetPreconditioner<RbfParams> }), 'logdet', 'preconditioner must be');
    const X = tt.tensor(randomPoints(rng(20), n, 4), { shape: [n, 2] });
    expectError(() => tt.krylov.logdet(tt.ops.kernelMatvec, { X }, { ...base, preconditioner: { rank: 4 } }), 'logdet', 'params.noise > 0');
    expectError(() => tt.krylov.logdet(matvec, p0, { ...base, workers: 2, preconditioner: preconditioner(4) }), 'logdet', 'workers cannot be combined with preconditioner');
  });
});
