// Shape ops (reshape, transpose, broadcastTo, expandDims, squeeze): values against index-arithmetic references,
// aliasing/immutability, float32 preservation, and gradients to second order.
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { rand, unravel, ravel, atBroadcast, expectClose, probe, size } from './helpers.js';

/** Loop reference for transpose with permutation `perm`. */
function transposeRef(x: tt.Tensor, perm: number[]): { values: number[]; shape: number[] } {
  const shape = perm.map((p) => x.shape[p]);
  const d = x.data();
  const values = Array.from({ length: size(shape) }, (_, q) => {
    const o = unravel(q, shape);
    const i = new Array<number>(perm.length);
    perm.forEach((p, k) => { i[p] = o[k]; });
    return d[ravel(i, x.shape)];
  });
  return { values, shape };
}

describe('ops/shape', () => {
  it('reshape keeps row-major order, infers one −1 entry, and is differentiable', () => {
    const x = rand([2, 3, 4], 1);
    expectClose(tt.reshape(x, [4, 6]), x.data(), [4, 6], 0);
    expectClose(tt.reshape(x, [-1, 2]), x.data(), [12, 2], 0);
    expectClose(tt.reshape(x, [24]), x.data(), [24], 0);
    expectClose(tt.reshape(tt.tensor([5]), []), [5], [], 0);
    expect(tt.reshape(rand([2], 1, -1, 1, 'float32'), [1, 2]).dtype).to.equal('float32');
    tt.testing.checkGrads((t: tt.Tensor) => probe(tt.reshape(tt.tanh(t), [6, 4])), [x], { order: 2 });
  });

  it('transpose: default swaps the last two axes, explicit and negative permutations, 1-D unchanged', () => {
    const x = rand([2, 3, 4], 2);
    const cases: [number[] | undefined, number[]][] = [[undefined, [0, 2, 1]], [[2, 0, 1], [2, 0, 1]], [[-1, -3, -2], [2, 0, 1]], [[1, 0, 2], [1, 0, 2]], [[0, 1, 2], [0, 1, 2]]];
    for (const [axes, perm] of cases) {
      const ref = transposeRef(x, perm);
      expectClose(tt.transpose(x, axes), ref.values, ref.shape, 0);
      tt.testing.checkGrads((t: tt.Tensor) => probe(tt.transpose(tt.sin(t), axes)), [x], { order: 2 });
    }
    const m = rand([37, 45], 3); // larger than the 32×32 blocking of the 2-D fast path
    const ref = transposeRef(m, [1, 0]);
    expectClose(m.T, ref.values, ref.shape, 0);
    expectClose(tt.transpose(tt.tensor([1, 2, 3])), [1, 2, 3], [3], 0);
    expect(tt.transpose(rand([2, 2], 1, -1, 1, 'float32')).dtype).to.equal('float32');
  });

  it('broadcastTo repeats along new and length-1 axes; its VJP sums them back', () => {
    const x = rand([3, 1], 4);
    const target = [2, 3, 4];
    const ref = Array.from({ length: 24 }, (_, p) => atBroadcast(x, unravel(p, target)));
    expectClose(tt.broadcastTo(x, target), ref, target, 0);
    expectClose(tt.broadcastTo(x, [3, 1]), x.data(), [3, 1], 0);
    const g = tt.grad((t: tt.Tensor) => tt.sum(tt.broadcastTo(t, target)))(x) as tt.Tensor;
    expectClose(g, [8, 8, 8], [3, 1], 0);
    tt.testing.checkGrads((t: tt.Tensor) => probe(tt.broadcastTo(tt.exp(t), target)), [x], { order: 2 });
    tt.testing.checkGrads((t: tt.Tensor) => probe(tt.broadcastTo(tt.exp(t), [3, 1])), [x], { order: 2 });
  });

  it('expandDims and squeeze insert and remove length-1 axes (negative axes too)', () => {
    const x = rand([2, 3], 5);
    expect(tt.expandDims(x, 0).shape).to.deep.equal([1, 2, 3]);
    expect(tt.expandDims(x, 1).shape).to.deep.equal([2, 1, 3]);
    expect(tt.expandDims(x, -1).shape).to.deep.equal([2, 3, 1]);
    expectClose(tt.expandDims(x, -1), x.data(), [2, 3, 1], 0);
    const y = rand([1, 2, 1, 3], 6);
    expectClose(tt.squeeze(y), y.data(), [2, 3], 0);
    expectClose(tt.squeeze(y, 2), y.data(), [1, 2, 3], 0);
    expectClose(tt.squeeze(y, [0, -2]), y.data(), [2, 3], 0);
    tt.testing.checkGrads((t: tt.Tensor) => probe(tt.squeeze(tt.expandDims(tt.tanh(t), 1))), [x], { order: 2 });
    tt.testing.checkGrads((t: tt.Tensor) => probe(tt.squeeze(tt.square(t), 0)), [y], { order: 2 });
  });

  it('broadcastShapes follows the NumPy rules and names the calling function on mismatch', () => {
    expect(tt.broadcastShapes('f', [3, 1], [1, 4])).to.deep.equal([3, 4]);
    expect(tt.broadcastShapes('f', [2, 1, 3], [5, 1])).to.deep.equal([2, 5, 3]);
    expect(tt.broadcastShapes('f', [], [2, 2])).to.deep.equal([2, 2]);
    expect(tt.broadcastShapes('f', [0, 1], [3])).to.deep.equal([0, 3]);
    expect(() => tt.broadcastShapes('f', [2, 3], [3, 2])).to.throw(tt.TracetapeError, /^f: shapes \[2,3\] and \[3,2\] cannot be broadcast together \(axis 0: 2 vs 3\)/);
  });
});
