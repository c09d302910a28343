// optim.minimize: convergence with stated bounds on a quadratic (closed-form gradient-descent contraction) and on
// Rosenbrock, callbacks and early stopping, tolerance, pytree params, non-finite detection and bad input.
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { expectError } from '../support/errors.js';

const { optim } = tt;


// f(x) = ½ (x − c)ᵀ A (x − c), A = Q diag(1, 3, 10) Qᵀ with Q a fixed rotation: μ = 1, L = 10.
const theta = 0.7, cs = Math.cos(theta), sn = Math.sin(theta);
const Q = [[cs, -sn, 0], [sn, cs, 0], [0, 0, 1]];
const eig = [1, 3, 10];
const Aarr = Q.map((_, i) => Q.map((__, j) => eig.reduce((s, e, k) => s + Q[i][k] * e * Q[j][k], 0)));
const A = tt.tensor(Aarr);
const c = tt.tensor([1, -2, 0.5]);
const quad = (p: { x: tt.Tensor }): tt.Tensor => {
  const d = tt.sub(p.x, c);
  return tt.mul(0.5, tt.dot(d, tt.matmul(A, d)));
};
const dist = (x: tt.Tensor): number => Math.hypot(...Array.from(x._data, (v, i) => v - c._data[i]));

describe('optim: minimize', () => {
  it('gradient descent with lr = 1/L contracts the error by at least (1 − μ/L) per step on a quadratic', () => {
    const x0 = tt.tensor([4, 4, 4]);
    const e0 = dist(x0);
    const errors: number[] = [];
    const r = optim.minimize(quad, { x: x0 }, {
      optimizer: optim.sgd({ lr: 1 / 10 }), steps: 60,
      onStep: ({ params }) => { errors.push(dist(params.x)); },
    });
    expect(r.steps).to.equal(60);
    expect(r.reason).to.equal('steps');
    expect(r.losses.length).to.equal(60);
    // e_{k+1} = (I − A/L) e_k and ‖I − A/L‖₂ = 1 − μ/L = 0.9: the bound holds at every step (1e-12 slack for rounding).
    for (let k = 0; k < errors.length; k++) expect(errors[k]).to.be.at.most(0.9 ** k * e0 * (1 + 1e-12) + 1e-15);
    expect(dist(r.params.x)).to.be.at.most(0.9 ** 60 * e0 * (1 + 1e-12));
    // The loss decreases monotonically for gradient descent with lr ≤ 1/L.
    for (let k = 1; k < r.losses.length; k++) expect(r.losses[k]).to.be.below(r.losses[k - 1]);
  });

  it('Adam reaches the minimiser of the quadratic to 1e-6 and stops on the gradient tolerance', () => {
    const r = optim.minimize(quad, { x: tt.tensor([4, 4, 4]) }, { optimizer: optim.adam({ lr: 0.05 }), steps: 5000, tolerance: 1e-7 });
    expect(r.reason).to.equal('tolerance');
    expect(r.gradNorm).to.be.at.most(1e-7);
    // ‖x − c‖ ≤ ‖∇f‖ / μ with μ = 1, so the stopping rule guarantees 1e-7; assert 1e-6.
    expect(dist(r.params.x)).to.be.below(1e-6);
    expect(r.losses.length).to.equal(r.steps + 1);
  });

  it('converges on Rosenbrock from (−1.2, 1) with Adam and with Nesterov SGD (nested pytree params)', () => {
    type P = { point: { a: tt.Tensor; b: tt.Tensor }; label: string };
    const rosen = (p: P): tt.Tensor => tt.add(tt.square(tt.sub(1, p.point.a)), tt.mul(100, tt.square(tt.sub(p.point.b, tt.square(p.point.a)))));
    const start = (): P => ({ point: { a: tt.tensor(-1.2), b: tt.tensor(1) }, label: 'rosenbrock' });
    // Adam: stop at ‖∇f‖ ≤ 1e-7. Near (1, 1) the Hessian's smallest eigenvalue is ~0.4, so the distance is ≲ 3e-7; assert 1e-5.
    const r1 = optim.minimize(rosen, start(), { optimizer: optim.adam({ lr: 0.05 }), steps: 4000, tolerance: 1e-7 });
    expect(r1.reason).to.equal('tolerance');
    expect(r1.params.label).to.equal('rosenbrock');
    expect(Math.hypot(r1.params.point.a.item() - 1, r1.params.point.b.item() - 1)).to.be.below(1e-5);
    // Nesterov SGD (lr 1e-3, momentum 0.9): a fixed budget of 3000 steps; the valley is slow, assert loss < 1e-8 and distance < 1e-3.
    const r2 = optim.minimize(rosen, start(), { optimizer: optim.sgd({ lr: 1e-3, momentum: 0.9, nesterov: true }), steps: 3000 });
    expect(r2.losses[r2.losses.length - 1]).to.be.below(1e-8);
    expect(Math.hypot(r2.params.point.a.item() - 1, r2.params.point.b.item() - 1)).to.be.below(1e-3);
  });

  it('onStep sees step, loss, params and the gradient norm; returning false stops before updating', () => {
    const seen: { step: number; loss: number; gradNorm: number }[] = [];
    const x0 = tt.tensor([4, 4, 4]);
    const r = optim.minimize(quad, { x: x0 }, {
      optimizer: optim.sgd({ lr: 0.05 }), steps: 100,
      onStep: ({ step, loss, params, gradNorm }) => {
        if (step === 0) {
          expect(params.x).to.equal(x0);
          // Closed forms at x0: f = ½ dᵀAd and ∇f = A d.
          const d = Array.from(x0._data, (v, i) => v - c._data[i]);
          const Ad = Aarr.map((row) => row.reduce((s, a, j) => s + a * d[j], 0));
          expect(loss).to.be.closeTo(0.5 * d.reduce((s, di, i) => s + di * Ad[i], 0), 1e-12);
          expect(gradNorm).to.be.closeTo(Math.hypot(...Ad), 1e-12);
        }
        seen.push({ step, loss, gradNorm });
        return step < 4;
      },
    });
    expect(seen.map((s) => s.step)).to.deep.equal([0, 1, 2, 3, 4]);
    expect(r.reason).to.equal('callback');
    expect(r.steps).to.equal(4);
    expect(r.losses).to.deep.equal(seen.map((s) => s.loss));
    // The returned params are those the last callback saw (no update after `false`).
    expect(quad(r.params as { x: tt.Tensor }).item()).to.equal(seen[4].loss);
  });

  it('defaults to Adam (lr 1e-3)', () => {
    const r = optim.minimize(quad, { x: tt.tensor([4, 4, 4]) }, { steps: 2 });
    const ref = optim.adam({ lr: 1e-3 });
    const p0 = { x: tt.tensor([4, 4, 4]) };
    let s = ref.init(p0), p: { x: tt.Tensor } = p0;
    for (let k = 0; k < 2; k++) [p, s] = ref.update(tt.grad(quad)(p), s, p) as [{ x: tt.Tensor }, typeof s];
    expect(Array.from(r.params.x._data)).to.deep.equal(Array.from(p.x._data));
  });

  it('reports a non-finite loss with the step number instead of continuing', () => {
    // Gradient descent with lr = 1 on f = ½·10·x² diverges (|1 − 10| > 1) until the loss overflows to Infinity.
    const f = (p: tt.Tensor): tt.Tensor => tt.mul(5, tt.square(p));
    expectError(() => optim.minimize(f, tt.tensor([1]), { optimizer: optim.sgd({ lr: 1 }), steps: 1000 }), 'optim.minimize', 'expected finite values');
    expectError(() => optim.minimize(() => tt.log(tt.tensor(-1)), tt.tensor([1]), { steps: 3 }), 'optim.minimize', 'at step 0');
  });

  it('bad input', () => {
    const p = { x: tt.tensor([1, 2, 3]) };
    expectError(() => optim.minimize(quad, p, { steps: 0 }), 'optim.minimize', 'steps must be a positive integer');
    expectError(() => optim.minimize(quad, p, {} as { steps: number }), 'optim.minimize', 'steps must be a positive integer');
    expectError(() => optim.minimize(quad, p, { steps: 2, optimizer: 'adam' as unknown as tt.optim.Optimizer }), 'optim.minimize', 'optimizer must be an optimizer');
    expectError(() => optim.minimize(quad, p, { steps: 2, onStep: 3 as unknown as () => void }), 'optim.minimize', 'onStep must be a function');
    expectError(() => optim.minimize(quad, p, { steps: 2, tolerance: -1 }), 'optim.minimize', 'tolerance must be a non-negative number');
    expectError(() => optim.minimize(quad, p, { steps: 2, lr: 0.1 } as unknown as { steps: number }), 'optim.minimize', "unknown option 'lr'");
    expectError(() => optim.minimize('f' as unknown as typeof quad, p, { steps: 2 }), 'optim.minimize', 'loss must be a function');
    expectError(() => optim.minimize(quad, { x: 3 } as unknown as typeof p, { steps: 2 }), 'optim.minimize', 'params must be a pytree with at least one Tensor leaf');
  });
});

describe('optim: minimize with a stochastic loss', () => {
  it('passes foldIn(key, step) to the loss: fresh, reproducible draws each step', () => {
    const key = tt.random.key(2024);
    const keys: string[] = [];
    // E over z ~ N(0, I) of ½‖x − z‖² is ½‖x‖² + n/2, minimised at x = 0; SGD with lr 0.1 averages the draws.
    const loss = (p: tt.Tensor, k: tt.random.PRNGKey): tt.Tensor => {
      keys.push(String(k));
      return tt.mul(0.5, tt.sum(tt.square(tt.sub(p, tt.random.normal(k, [4])))));
    };
    const run = () => optim.minimize(loss, tt.tensor([3, -3, 3, -3]), { optimizer: optim.sgd({ lr: 0.1 }), steps: 200, key });
    const a = run();
    const first = keys.splice(0);
    const b = run();
    expect(keys).to.deep.equal(first);
    expect(first.slice(0, 3)).to.deep.equal([0, 1, 2].map((k) => String(tt.random.foldIn(key, k))));
    expect(new Set(first).size).to.equal(200);
    expect(Array.from(a.params._data)).to.deep.equal(Array.from(b.params._data));
    // The iterate is x_k = 0.9^k x_0 + 0.1 Σ 0.9^(k−1−j) z_j: after 200 steps the x_0 term is ~1e-9 and each entry is
    // N(0, 0.01/(1 − 0.81)) = N(0, 0.0526); |entry| < 5 sd = 1.15.
    for (const v of a.params._data) expect(Math.abs(v)).to.be.below(5 * Math.sqrt(0.01 / 0.19));
    expectError(() => optim.minimize(loss, tt.tensor([1]), { steps: 1, key: 5 as unknown as tt.random.PRNGKey }), 'optim.minimize', 'key must be a PRNGKey');
  });
});
