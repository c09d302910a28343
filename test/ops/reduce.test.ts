// Reductions (sum, mean, max, logsumexp, sumTo): values against plain-loop references over every axis
// combination and keepdims, stability, tie handling, float32 preservation, and gradients to second order.
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { rand, unravel, ravel, expectClose, probe, size } from './helpers.js';

type Kind = 'sum' | 'mean' | 'max' | 'logsumexp';

/** Loop reference: reduce `x` over `axes` with `kind`, returning values and the (keepdims or not) shape. */
function reduceRef(x: tt.Tensor, axes: number[], keepdims: boolean, kind: Kind): { values: number[]; shape: number[] } {
  const shape = x.shape;
  const kept = shape.map((d, a) => (axes.includes(a) ? 1 : d));
  const groups: number[][] = Array.from({ length: size(kept) }, () => []);
  const d = x.data();
  for (let p = 0; p < d.length; p++) {
    const idx = unravel(p, shape).map((v, a) => (axes.includes(a) ? 0 : v));
    groups[ravel(idx, kept)].push(d[p]);
  }
  const values = groups.map((g) => {
    if (kind === 'sum') return g.reduce((a, b) => a + b, 0);
    if (kind === 'mean') return g.reduce((a, b) => a + b, 0) / g.length;
    if (kind === 'max') return Math.max(...g);
    const m = Math.max(...g);
    return m + Math.log(g.reduce((a, b) => a + Math.exp(b - m), 0));
  });
  return { values, shape: keepdims ? kept : shape.filter((_, a) => !axes.includes(a)) };
}

const fns: Record<Kind, (x: tt.Tensor, axis?: number | number[], keepdims?: boolean) => tt.Tensor> = {
  sum: tt.sum, mean: tt.mean, max: tt.max, logsumexp: tt.logsumexp,
};
// Axis arguments: all, one, negative, several (unsorted), and the normalised axes they mean for rank 3.
const axisCases: [number | number[] | undefined, number[]][] = [
  [undefined, [0, 1, 2]], [0, [0]], [1, [1]], [-1, [2]], [[2, 0], [0, 2]], [[0, 1, 2], [0, 1, 2]],
];

describe('ops/reduce', () => {
  for (const kind of ['sum', 'mean', 'max', 'logsumexp'] as Kind[]) {
    it(`${kind}: every axis choice, with and without keepdims, matches a loop reference; gradients to second order`, () => {
      const x = rand([2, 3, 4], 11);
      for (const [axis, axes] of axisCases) {
        for (const keepdims of [false, true]) {
          const ref = reduceRef(x, axes, keepdims, kind);
          expectClose(fns[kind](x, axis, keepdims), ref.values, ref.shape, 1e-13);
        }
      }
      // Distinct random entries: max has a unique argmax, so it is twice differentiable there (Hessian 0).
      tt.testing.checkGrads((t: tt.Tensor) => probe(fns[kind](t, 1)), [x], { order: 2 });
      tt.testing.checkGrads((t: tt.Tensor) => probe(fns[kind](t, [0, 2], true)), [x], { order: 2 });
      tt.testing.checkGrads((t: tt.Tensor) => probe(fns[kind](t)), [x], { order: 2 });
      const x32 = rand([3, 2], 3, -1, 1, 'float32');
      expect(fns[kind](x32, 0).dtype).to.equal('float32');
      expect(fns[kind](x32).dtype).to.equal('float32');
    });
  }

  it('method forms agree with the functions', () => {
    const x = rand([3, 4], 2);
    expectClose(x.sum(1), tt.sum(x, 1).data(), [3], 0);
    expectClose(x.mean(0, true), tt.mean(x, 0, true).data(), [1, 4], 0);
    expectClose(x.max(), tt.max(x).data(), [], 0);
  });

  it('max splits the gradient evenly among tied maxima', () => {
    const g = tt.grad((t: tt.Tensor) => tt.max(t))(tt.tensor([1, 3, 3, 2])) as tt.Tensor;
    expect(g.toArray()).to.deep.equal([0, 0.5, 0.5, 0]);
    const g2 = tt.grad((t: tt.Tensor) => tt.sum(tt.max(t, 1)))(tt.tensor([[5, 5], [1, 2]])) as tt.Tensor;
    expect(g2.toArray()).to.deep.equal([[0.5, 0.5], [0, 1]]);
  });

  it('logsumexp is stable for large and for −∞ entries, and its gradient is the softmax', () => {
    expectClose(tt.logsumexp(tt.tensor([1000, 1000])), [1000 + Math.log(2)], [], 1e-15);
    expectClose(tt.logsumexp(tt.tensor([-1000, -1000])), [-1000 + Math.log(2)], [], 1e-15);
    expectClose(tt.logsumexp(tt.tensor([0, -Infinity])), [0], [], 0);
    const x = tt.tensor([1, 2, 3]);
    const g = tt.grad((t: tt.Tensor) => tt.logsumexp(t))(x) as tt.Tensor;
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    expectClose(g, [Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z], [3], 1e-15);
  });

  it('sumTo sums a broadcast gradient back to the original shape, and is differentiable', () => {
    const g = rand([2, 3, 4], 5);
    const ref = reduceRef(g, [0, 2], true, 'sum');
    // Target [3, 1]: axis 0 is a broadcast (leading) axis, axis 2 was a length-1 axis.
    expectClose(tt.sumTo(g, [3, 1]), ref.values, [3, 1], 1e-14);
    expectClose(tt.sumTo(g, [2, 3, 4]), g.data(), [2, 3, 4], 0);
    expectClose(tt.sumTo(g, []), [Array.from(g.data()).reduce((a, b) => a + b, 0)], [], 1e-14);
    tt.testing.checkGrads((t: tt.Tensor) => probe(tt.sumTo(tt.tanh(t), [3, 1])), [g], { order: 2 });
  });
});
