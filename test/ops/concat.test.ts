// concat and stack: values against index-arithmetic references on every axis, dtype promotion,
// and gradients (the VJP slices the cotangent) to second order in every input.
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { rand, unravel, ravel, expectClose, probe, size } from './helpers.js';

/** Reference concat: the input that owns each output position along `axis`, by index arithmetic. */
function concatRef(xs: tt.Tensor[], axis: number): { values: number[]; shape: number[] } {
  const shape = xs[0].shape.slice();
  shape[axis] = xs.reduce((s, t) => s + t.shape[axis], 0);
  const values = Array.from({ length: size(shape) }, (_, p) => {
    const idx = unravel(p, shape);
    let k = 0, pos = idx[axis];
    while (pos >= xs[k].shape[axis]) { pos -= xs[k].shape[axis]; k++; }
    idx[axis] = pos;
    return xs[k].data()[ravel(idx, xs[k].shape)];
  });
  return { values, shape };
}

describe('ops/concat and stack', () => {
  it('concat along axes 0, 1, 2 and −1 of three inputs with different lengths; gradients to second order', () => {
    for (const axis of [0, 1, 2, -1]) {
      const ax = axis < 0 ? axis + 3 : axis;
      const shapes = [1, 3, 2].map((len) => { const s = [2, 3, 4]; s[ax] = len; return s; });
      const xs = shapes.map((s, i) => rand(s, 40 + i + 3 * ax));
      const ref = concatRef(xs, ax);
      expectClose(tt.concat(xs, axis), ref.values, ref.shape, 0);
      tt.testing.checkGrads((a: tt.Tensor, b: tt.Tensor, c: tt.Tensor) => probe(tt.concat([tt.tanh(a), b, tt.square(c)], axis)), xs, { order: 2 });
    }
  });

  it('concat of one tensor is a copy; float32 inputs stay float32, mixed inputs promote', () => {
    const a = rand([2, 2], 1);
    expectClose(tt.concat([a]), a.data(), [2, 2], 0);
    const f = rand([2], 2, -1, 1, 'float32');
    expect(tt.concat([f, f]).dtype).to.equal('float32');
    const mixed = tt.concat([f, tt.tensor([1, 2])]);
    expect(mixed.dtype).to.equal('float64');
    expect(Array.from(mixed.data().slice(2))).to.deep.equal([1, 2]);
    // Long runs take the bulk-copy path; values and promotion must be the same as on the element loop.
    const long32 = rand([2, 70], 3, -1, 1, 'float32'), long64 = rand([2, 80], 4);
    const joined = tt.concat([long32, long64], 1);
    expect(joined.dtype).to.equal('float64');
    const ref = concatRef([long32, long64], 1);
    expectClose(joined, ref.values, ref.shape, 0);
  });

  it('concat sends gradients only to tracked inputs (constants may be mixed in)', () => {
    const c = tt.tensor([10, 20]);
    const g = tt.grad((x: tt.Tensor) => tt.sum(tt.mul(tt.concat([c, x]), tt.tensor([1, 2, 3, 4]))))(tt.tensor([0, 0])) as tt.Tensor;
    expect(g.toArray()).to.deep.equal([3, 4]);
  });

  it('stack along a new leading, middle and trailing axis matches the reference; gradients to second order', () => {
    const xs = [0, 1, 2].map((i) => rand([2, 3], 60 + i));
    for (const [axis, ax] of [[0, 0], [1, 1], [2, 2], [-1, 2], [-3, 0]]) {
      const ref = concatRef(xs.map((t) => tt.expandDims(t, ax)), ax);
      const out = tt.stack(xs, axis);
      expectClose(out, ref.values, ref.shape, 0);
      tt.testing.checkGrads((a: tt.Tensor, b: tt.Tensor, c: tt.Tensor) => probe(tt.stack([a, tt.sin(b), c], axis)), xs, { order: 2 });
    }
    // Stacking scalars gives a vector.
    expect(tt.stack([tt.tensor(1), tt.tensor(2)]).toArray()).to.deep.equal([1, 2]);
  });
});
