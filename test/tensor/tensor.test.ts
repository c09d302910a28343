// Tensor creation, accessors, immutability, printing and dtype handling.
import { expect } from 'chai';
import * as tt from '../../src/index.js';

describe('tensor: creation and accessors', () => {
  it('builds from nested arrays, infers the shape, defaults to float64', () => {
    const t = tt.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).to.deep.equal([2, 3]);
    expect(t.dtype).to.equal('float64');
    expect(t.size).to.equal(6);
    expect(t.toArray()).to.deep.equal([[1, 2, 3], [4, 5, 6]]);
    expect(t.toNdarray().get(1, 2)).to.equal(6);
  });

  it('builds scalars, float32 tensors and reshaped typed arrays', () => {
    expect(tt.tensor(3.5).shape).to.deep.equal([]);
    expect(tt.tensor(3.5).item()).to.equal(3.5);
    const f = tt.tensor([0.1, 0.2], { dtype: 'float32' });
    expect(f.dtype).to.equal('float32');
    expect(f.data()).to.be.instanceOf(Float32Array);
    expect(f.item.bind(f)).to.throw(/exactly one element/);
    const r = tt.tensor(new Float64Array([1, 2, 3, 4, 5, 6]), { shape: [3, 2] });
    expect(r.toArray()).to.deep.equal([[1, 2], [3, 4], [5, 6]]);
  });

  it('copies its input and hands out copies: tensors are immutable', () => {
    const src = new Float64Array([1, 2, 3]);
    const t = tt.tensor(src);
    src[0] = 100;
    expect(t.toArray()).to.deep.equal([1, 2, 3]);
    const d = t.data();
    d[1] = 100;
    expect(t.toArray()).to.deep.equal([1, 2, 3]);
  });

  it('creates constants and ranges', () => {
    expect(tt.zeros([2, 2]).toArray()).to.deep.equal([[0, 0], [0, 0]]);
    expect(tt.ones([3]).toArray()).to.deep.equal([1, 1, 1]);
    expect(tt.full([2], 7).toArray()).to.deep.equal([7, 7]);
    expect(tt.eye(2, 3).toArray()).to.deep.equal([[1, 0, 0], [0, 1, 0]]);
    expect(tt.arange(5).toArray()).to.deep.equal([0, 1, 2, 3, 4]);
    expect(tt.arange(1, 2, 0.25).toArray()).to.deep.equal([1, 1.25, 1.5, 1.75]);
    expect(tt.linspace(0, 1, 5).toArray()).to.deep.equal([0, 0.25, 0.5, 0.75, 1]);
    expect(tt.zerosLike(tt.ones([2, 3], { dtype: 'float32' })).dtype).to.equal('float32');
  });

  it('prints readably, eliding long axes', () => {
    const s = tt.arange(20).reshape([2, 10]).toString();
    expect(s).to.contain('Tensor(float64, shape=[2, 10])');
    expect(s).to.contain('...');
    expect(tt.tensor(2).toString()).to.equal('Tensor(float64, shape=[]) 2');
  });

  it('float32 op float64 promotes to float64; float32 op number stays float32', () => {
    const a = tt.tensor([1, 2], { dtype: 'float32' });
    expect(tt.add(a, tt.tensor([1, 1])).dtype).to.equal('float64');
    expect(tt.mul(a, 2).dtype).to.equal('float32');
  });
});

describe('tensor: bad input', () => {
  const bad: [string, () => unknown, RegExp][] = [
    ['ragged arrays', () => tt.tensor([[1, 2], [3]]), /^tensor: ragged nested array/],
    ['strings', () => tt.tensor(['a'] as unknown as number[]), /^tensor: values must be numbers/],
    ['wrong dtype', () => tt.tensor([1], { dtype: 'int32' as 'float32' }), /dtype must be 'float64' or 'float32', received "int32"/],
    ['shape/size mismatch', () => tt.tensor(new Float64Array(5), { shape: [2, 3] }), /shape \[2,3\] needs 6 values, received 5/],
    ['unknown option', () => tt.tensor([1], { dtpye: 'float32' } as unknown as tt.TensorOptions), /unknown option 'dtpye'/],
    ['integer typed array', () => tt.tensor(new Int32Array(3) as unknown as Float64Array), /Float64Array or Float32Array/],
    ['negative shape', () => tt.zeros([2, -1]), /non-negative integers/],
    ['eye with fractional n', () => tt.eye(2.5), /^eye: n must be a non-negative integer/],
    ['arange with zero step', () => tt.arange(0, 1, 0), /^arange: /],
  ];
  for (const [name, fn, re] of bad) {
    it(`rejects ${name} with a TracetapeError`, () => {
      expect(fn).to.throw(tt.TracetapeError, re);
    });
  }
});
