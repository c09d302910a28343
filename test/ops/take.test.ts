// take (np.take along an axis): values against index-arithmetic references for each axis, negative and
// repeated indices, multi-dimensional index tensors; gradients (scatter-add) to second order.
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { rand, unravel, ravel, expectClose, probe, size } from './helpers.js';

function takeRef(x: tt.Tensor, idx: number[], idxShape: number[], axis: number): { values: number[]; shape: number[] } {
  const shape = [...x.shape.slice(0, axis), ...idxShape, ...x.shape.slice(axis + 1)];
  const d = x.data();
  const values = Array.from({ length: size(shape) }, (_, p) => {
    const o = unravel(p, shape);
    const k = ravel(o.slice(axis, axis + idxShape.length), idxShape);
    let i = idx[k];
    if (i < 0) i += x.shape[axis];
    return d[ravel([...o.slice(0, axis), i, ...o.slice(axis + idxShape.length)], x.shape)];
  });
  return { values, shape };
}

describe('ops/take', () => {
  const x = rand([4, 3, 5], 71);
  it('along each axis with negative and repeated indices; gradients to second order', () => {
    for (const axis of [0, 1, 2, -1]) {
      const ax = axis < 0 ? axis + 3 : axis;
      const idx = [1, -1, 0, 1];
      const ref = takeRef(x, idx, [4], ax);
      expectClose(tt.take(x, idx, axis), ref.values, ref.shape, 0);
      tt.testing.checkGrads((t: tt.Tensor) => probe(tt.take(tt.tanh(t), idx, axis)), [x], { order: 2 });
    }
  });

  it('index tensors of any shape, Int32Array and a single integer', () => {
    const idxT = tt.tensor([[0, 2], [2, 1]]);
    const ref = takeRef(x, [0, 2, 2, 1], [2, 2], 1);
    expectClose(tt.take(x, idxT, 1), ref.values, ref.shape, 0);
    expectClose(tt.take(x, new Int32Array([3, 0]), 0), takeRef(x, [3, 0], [2], 0).values, [2, 3, 5], 0);
    const one = takeRef(x, [2], [], 2);
    expectClose(tt.take(x, 2, 2), one.values, one.shape, 0);
    expect(tt.take(rand([3], 1, -1, 1, 'float32'), [0]).dtype).to.equal('float32');
  });

  it('repeated indices accumulate their gradients', () => {
    const g = tt.grad((t: tt.Tensor) => tt.sum(tt.take(t, [0, 2, 2, 2])))(tt.zeros([3])) as tt.Tensor;
    expect(g.toArray()).to.deep.equal([1, 0, 3]);
  });
});
