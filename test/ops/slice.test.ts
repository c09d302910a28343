// slice (TensorFlow begin/size semantics, negative begin, size −1, short argument lists): values against
// index-arithmetic references, float32 preservation, gradients (the VJP zero-pads) to second order.
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { rand, unravel, ravel, expectClose, probe, size } from './helpers.js';

/** Reference: the block x[start_a : start_a + extent_a] on every axis, by multi-index arithmetic. */
function blockRef(x: tt.Tensor, start: number[], extent: number[]): number[] {
  const d = x.data();
  return Array.from({ length: size(extent) }, (_, p) => d[ravel(unravel(p, extent).map((v, a) => v + start[a]), x.shape)]);
}

describe('ops/slice', () => {
  const x = rand([3, 4, 5], 21);
  // [begin, size, normalised start, extent]
  const cases: [number[], number[] | undefined, number[], number[]][] = [
    [[0, 0, 0], [3, 4, 5], [0, 0, 0], [3, 4, 5]],
    [[1, 2, 3], [2, 1, 2], [1, 2, 3], [2, 1, 2]],
    [[-1, -3, 0], [1, 2, -1], [2, 1, 0], [1, 2, 5]],
    [[1], undefined, [1, 0, 0], [2, 4, 5]],
    [[0, 1], [-1, 2], [0, 1, 0], [3, 2, 5]],
    [[2, 0, 4], [1, -1, 1], [2, 0, 4], [1, 4, 1]],
    [[1, 4, 0], [1, 0, 5], [1, 4, 0], [1, 0, 5]],     // empty block at the end of an axis
  ];
  for (const [begin, sz, start, extent] of cases) {
    it(`slice(x[3,4,5], ${JSON.stringify(begin)}, ${JSON.stringify(sz)}) matches the block reference; gradients to second order`, () => {
      expectClose(tt.slice(x, begin, sz), blockRef(x, start, extent), extent, 0);
      if (size(extent) > 0) tt.testing.checkGrads((t: tt.Tensor) => probe(tt.slice(tt.tanh(t), begin, sz)), [x], { order: 2 });
    });
  }

  it('accepts a number for a 1-D tensor and keeps float32', () => {
    const v = tt.tensor([0, 1, 2, 3, 4], { dtype: 'float32' });
    const s = tt.slice(v, -2);
    expect(s.toArray()).to.deep.equal([3, 4]);
    expect(s.dtype).to.equal('float32');
    expect(tt.slice(v, 1, 3).toArray()).to.deep.equal([1, 2, 3]);
  });

  it('the gradient of a slice is the cotangent zero-padded back to x.shape', () => {
    const g = tt.grad((t: tt.Tensor) => tt.sum(tt.mul(tt.slice(t, [1, 1], [1, 2]), tt.tensor([[2, 3]]))))(tt.zeros([3, 4])) as tt.Tensor;
    expect(g.toArray()).to.deep.equal([[0, 0, 0, 0], [0, 2, 3, 0], [0, 0, 0, 0]]);
  });

  it('slicing a scalar with empty begin returns the scalar', () => {
    expect(tt.slice(tt.tensor(4), []).item()).to.equal(4);
  });
});
