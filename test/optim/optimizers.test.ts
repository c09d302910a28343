// adam and sgd against hand-written reference updates (plain JS arithmetic in the documented operation order, so equality
// is exact), purity, pytrees with static leaves, learning-rate schedules, and bad input.
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { expectError } from '../support/errors.js';

const { optim } = tt;
type Params = { w: tt.Tensor; nested: { b: tt.Tensor; tag: string } };

const P0 = { w: [1, -2, 3], b: [[0.5, -0.25]] };
const params0 = (): Params => ({ w: tt.tensor(P0.w), nested: { b: tt.tensor(P0.b), tag: 'static' } });
/** A deterministic gradient sequence in plain numbers: g_k(x) = sin(x + k) + 0.3 x (depends on the params and step). */
const gradAt = (x: number, k: number): number => Math.sin(x + k) + 0.3 * x;
const gradTree = (p: Params, k: number): Params => ({
  w: tt.tensor(Array.from(p.w._data, (x) => gradAt(x, k))),
  nested: { b: tt.tensor([Array.from(p.nested.b._data, (x) => gradAt(x, k))]), tag: 'static' },
});
const flat = (p: Params): number[] => [...Array.from(p.w._data), ...Array.from(p.nested.b._data)];


describe('optim: adam', () => {
  it('matches a hand-written Adam for 6 steps exactly (nested pytree, static leaf kept)', () => {
    const lr = 0.1, b1 = 0.8, b2 = 0.95, eps = 1e-3;
    const opt = optim.adam({ lr, beta1: b1, beta2: b2, eps });
    let p = params0();
    let state = opt.init(p);
    const x = flat(p), m = x.map(() => 0), v = x.map(() => 0);
    for (let k = 0; k < 6; k++) {
      const g = gradTree(p, k);
      [p, state] = opt.update(g, state, p) as [Params, typeof state];
      const t = k + 1;
      for (let i = 0; i < x.length; i++) {
        const gi = gradAt(x[i], k);
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * (gi * gi);
        const mhat = m[i] / (1 - b1 ** t), vhat = v[i] / (1 - b2 ** t);
        x[i] = x[i] - (lr * mhat) / (Math.sqrt(vhat) + eps);
      }
      expect(flat(p)).to.deep.equal(x);
      expect(p.nested.tag).to.equal('static');
      expect(p.nested.b.shape).to.deep.equal([1, 2]);
      expect(state.count).to.equal(t);
    }
    const [mu] = tt.tree.flatten(state.mu);
    expect(mu.flatMap((l) => Array.from(l._data))).to.deep.equal(m);
  });

  it('uses the defaults lr 1e-3, beta1 0.9, beta2 0.999, eps 1e-8: the first step moves each entry by lr·g/(|g| + eps)', () => {
    const opt = optim.adam();
    const p = tt.tensor([2, -3]);
    const g = tt.tensor([0.5, -4]);
    const [next] = opt.update(g, opt.init(p), p) as [tt.Tensor, unknown];
    // After one step m̂ = g and v̂ = g² exactly, so the step is lr·g/(|g| + eps).
    expect(Array.from(next._data)).to.deep.equal([2 - (1e-3 * 0.5) / (0.5 + 1e-8), -3 - (1e-3 * -4) / (4 + 1e-8)]);
  });

  it('is pure: inputs are not mutated and a state can be reused', () => {
    const opt = optim.adam({ lr: 0.5 });
    const p = params0();
    const s0 = opt.init(p);
    const g = gradTree(p, 0);
    const [a] = opt.update(g, s0, p) as [Params, unknown];
    const [b] = opt.update(g, s0, p) as [Params, unknown];
    expect(flat(p)).to.deep.equal([...P0.w, ...P0.b[0]]);
    expect(s0.count).to.equal(0);
    expect(tt.tree.flatten(s0.mu)[0].every((l) => l._data.every((z) => z === 0))).to.equal(true);
    expect(flat(a)).to.deep.equal(flat(b));
  });

  it('keeps float32 params float32', () => {
    const opt = optim.adam({ lr: 0.1 });
    const p = tt.tensor([1, 2], { dtype: 'float32' });
    const [next] = opt.update(tt.tensor([1, 1], { dtype: 'float32' }), opt.init(p), p) as [tt.Tensor, unknown];
    expect(next.dtype).to.equal('float32');
  });

  it('accepts a learning-rate schedule called with the update count', () => {
    const seen: number[] = [];
    const opt = optim.sgd({ lr: (c) => { seen.push(c); return 0.5 / (1 + c); } });
    let p = tt.tensor([1]);
    let s = opt.init(p);
    const ref = [1];
    for (let k = 0; k < 3; k++) {
      [p, s] = opt.update(tt.tensor([2]), s, p) as [tt.Tensor, typeof s];
      ref[0] = ref[0] - (0.5 / (1 + k)) * 2;
    }
    expect(seen).to.deep.equal([0, 1, 2]);
    expect(Array.from(p._data)).to.deep.equal(ref);
  });
});

describe('optim: sgd', () => {
  for (const variant of [{ momentum: 0, nesterov: false }, { momentum: 0.7, nesterov: false }, { momentum: 0.7, nesterov: true }]) {
    it(`matches a hand-written SGD for 6 steps exactly (momentum ${variant.momentum}, nesterov ${variant.nesterov})`, () => {
      const lr = 0.05;
      const opt = optim.sgd({ lr, ...variant });
      let p = params0();
      let state = opt.init(p);
      const x = flat(p), vel = x.map(() => 0);
      for (let k = 0; k < 6; k++) {
        [p, state] = opt.update(gradTree(p, k), state, p) as [Params, typeof state];
        for (let i = 0; i < x.length; i++) {
          const gi = gradAt(x[i], k);
          if (variant.momentum === 0) { x[i] = x[i] - lr * gi; continue; }
          vel[i] = variant.momentum * vel[i] + gi;
          x[i] = x[i] - lr * (variant.nesterov ? gi + variant.momentum * vel[i] : vel[i]);
        }
        expect(flat(p)).to.deep.equal(x);
      }
      expect(state.count).to.equal(6);
      expect(state.velocity === null).to.equal(variant.momentum === 0);
    });
  }
});

describe('optim: bad input throws TracetapeError', () => {
  it('bad options', () => {
    expectError(() => optim.adam({ lr: -1 }), 'optim.adam', 'lr must be a positive finite number');
    expectError(() => optim.adam({ beta1: 1 }), 'optim.adam', 'beta1 must be a number in [0, 1)');
    expectError(() => optim.adam({ beta2: -0.1 }), 'optim.adam', 'beta2 must be a number in [0, 1)');
    expectError(() => optim.adam({ eps: NaN }), 'optim.adam', 'eps must be');
    expectError(() => optim.adam({ learningRate: 0.1 } as unknown as tt.optim.AdamOptions), 'optim.adam', "unknown option 'learningRate'");
    expectError(() => optim.sgd({} as tt.optim.SgdOptions), 'optim.sgd', 'lr must be');
    expectError(() => optim.sgd(undefined as unknown as tt.optim.SgdOptions), 'optim.sgd', 'options must be an object');
    expectError(() => optim.sgd({ lr: 0.1, momentum: 1.5 }), 'optim.sgd', 'momentum must be a number in [0, 1)');
    expectError(() => optim.sgd({ lr: 0.1, nesterov: true }), 'optim.sgd', 'nesterov: true needs momentum > 0');
    expectError(() => optim.sgd({ lr: 0.1, momentum: 0.5, nesterov: 'yes' as unknown as boolean }), 'optim.sgd', 'nesterov must be a boolean');
  });
  it('mismatched params, grads and state', () => {
    const opt = optim.adam();
    const p = { a: tt.tensor([1, 2]), b: tt.tensor(3) };
    const s = opt.init(p);
    expectError(() => opt.update({ a: tt.tensor([1, 2, 3]), b: tt.tensor(1) }, s, p), 'optim.adam.update', 'grads leaf 0 has shape [3] but params leaf 0 has shape [2]');
    expectError(() => opt.update({ a: tt.tensor([1, 2]) }, s, p), 'optim.adam.update', 'grads has 1 Tensor leaves but params has 2');
    expectError(() => opt.update(p, optim.sgd({ lr: 1 }).init(p) as unknown as tt.optim.AdamState, p), 'optim.adam.update', 'of kind sgd');
    expectError(() => opt.update(p, s, { a: tt.tensor([1, 2, 3]), b: tt.tensor(3) }), 'optim.adam.update', 'grads leaf 0 has shape [2] but params leaf 0 has shape [3]');
    expectError(() => opt.update({ a: tt.tensor([1, 2], { dtype: 'float32' }), b: tt.tensor(1) }, s, p), 'optim.adam.update', 'dtype float32');
    expectError(() => opt.init({ a: 1 }), 'optim.adam.init', 'at least one Tensor leaf');
    const sched = optim.sgd({ lr: () => NaN });
    expectError(() => sched.update(p, sched.init(p), p), 'optim.sgd.update', 'lr schedule must return a non-negative finite number');
  });
});
