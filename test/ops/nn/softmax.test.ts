// softmax and logSoftmax: values against a direct loop reference on every axis, stability for huge logits,
// float32 preservation, and gradients to second order.
import { expect } from 'chai';
import * as tt from '../../../src/index.js';
import { rand, unravel, ravel, expectClose, probe, size } from '../helpers.js';

/** Loop reference: log softmax along `axis` as x − log Σ exp(x) (unshifted; fine for the moderate test inputs). */
function logSoftmaxRef(x: tt.Tensor, axis: number): number[] {
  const d = x.data();
  return Array.from({ length: d.length }, (_, p) => {
    const idx = unravel(p, x.shape);
    let s = 0;
    for (let j = 0; j < x.shape[axis]; j++) { const q = idx.slice(); q[axis] = j; s += Math.exp(d[ravel(q, x.shape)]); }
    return d[p] - Math.log(s);
  });
}

describe('nn/softmax and logSoftmax', () => {
  it('match the loop reference along every axis (default −1) and are twice differentiable', () => {
    const x = rand([2, 3, 4], 101, -3, 3);
    for (const axis of [undefined, 0, 1, 2, -2]) {
      const ax = axis === undefined ? 2 : axis < 0 ? axis + 3 : axis;
      const ref = logSoftmaxRef(x, ax);
      expectClose(tt.nn.logSoftmax(x, axis), ref, [2, 3, 4], 1e-13);
      expectClose(tt.nn.softmax(x, axis), ref.map(Math.exp), [2, 3, 4], 1e-13);
      tt.testing.checkGrads((t: tt.Tensor) => probe(tt.nn.logSoftmax(t, axis)), [x], { order: 2 });
      tt.testing.checkGrads((t: tt.Tensor) => probe(tt.nn.softmax(t, axis)), [x], { order: 2 });
    }
  });

  it('softmax rows sum to one and are shift-invariant; huge logits stay finite', () => {
    const x = rand([3, 5], 102, -2, 2);
    const s = tt.nn.softmax(x).toArray() as number[][];
    for (const row of s) expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).to.be.below(1e-15);
    expectClose(tt.nn.softmax(tt.add(x, 1000)), tt.nn.softmax(x).data(), [3, 5], 1e-12);
    const big = tt.nn.logSoftmax(tt.tensor([1000, 0, -1000]));
    expectClose(big, [0, -1000, -2000], [3], 1e-15);
    expectClose(tt.nn.softmax(tt.tensor([1000, 1000])), [0.5, 0.5], [2], 0);
  });

  it('the Jacobian of softmax is diag(p) − p pᵀ (closed form)', () => {
    const x = tt.tensor([0.3, -1.2, 2.0]);
    const p = tt.nn.softmax(x).data();
    for (let i = 0; i < 3; i++) {
      const row = tt.grad((t: tt.Tensor) => tt.take(tt.nn.softmax(t), i))(x) as tt.Tensor;
      expectClose(row, [0, 1, 2].map((j) => (i === j ? p[i] : 0) - p[i] * p[j]), [3], 1e-15);
    }
  });

  it('float32 inputs give float32 outputs', () => {
    const x = rand([2, 3], 103, -1, 1, 'float32');
    expect(tt.nn.softmax(x).dtype).to.equal('float32');
    expect(tt.nn.logSoftmax(x, 0).dtype).to.equal('float32');
    expectClose(tt.nn.logSoftmax(x), logSoftmaxRef(x, 1), [2, 3], 1e-6);
  });
});
