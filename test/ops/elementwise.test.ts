// Elementwise ops: forward values against Math.* and plain-loop broadcasting references, float32 preservation,
// and gradients (first and second order) against central differences via checkGrads.
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { rand, unravel, atBroadcast, expectClose, probe, size } from './helpers.js';

// Tolerances: forward values should match the Math.* reference to rounding (1e-12 relative leaves room for
// stable reformulations such as softplus = max(x,0) + log1p(e^{-|x|})). Gradients use checkGrads' defaults:
// float64 central differences, relative error ≤ 1e-6 (first order, eps 1e-6) and ≤ 1e-6 for HVPs (eps 1e-4).

type Unary = (x: tt.Tensor) => tt.Tensor;
const softplusRef = (x: number): number => Math.log(1 + Math.exp(x));
const unaries: [string, Unary, (x: number) => number, number, number][] = [
  ['neg', tt.neg, (x) => -x, -2, 2],
  ['exp', tt.exp, Math.exp, -2, 2],
  ['log', tt.log, Math.log, 0.3, 3],
  ['sqrt', tt.sqrt, Math.sqrt, 0.3, 3],
  ['square', tt.square, (x) => x * x, -2, 2],
  ['abs', tt.abs, Math.abs, 0.2, 2],          // away from the kink at 0 (sign checked separately)
  ['tanh', tt.tanh, Math.tanh, -2, 2],
  ['sigmoid', tt.sigmoid, (x) => 1 / (1 + Math.exp(-x)), -3, 3],
  ['relu', tt.relu, (x) => Math.max(x, 0), -2, 2],
  ['softplus', tt.softplus, softplusRef, -3, 3],
  ['sin', tt.sin, Math.sin, -3, 3],
  ['cos', tt.cos, Math.cos, -3, 3],
  ['log1p', tt.log1p, Math.log1p, -0.5, 2],
  ['expm1', tt.expm1, Math.expm1, -2, 2],
  ['reciprocal', tt.reciprocal, (x) => 1 / x, 0.5, 2],
];

describe('ops/elementwise: unary ops', () => {
  for (const [name, f, ref, lo, hi] of unaries) {
    it(`${name}: values match Math reference, float32 stays float32, gradients to second order`, () => {
      const x = rand([2, 3], name.length * 31 + 7, lo, hi);
      const xd = x.data();
      expectClose(f(x), Array.from(xd, ref), [2, 3], 1e-12);
      const x32 = rand([4], 5, lo, hi, 'float32');
      const y32 = f(x32);
      expect(y32.dtype).to.equal('float32');
      // float32 results agree with the float64 reference to float32 precision (~6e-8 relative, a few ulps).
      expectClose(y32, Array.from(x32.data(), ref), [4], 1e-6);
      let xs = x;
      if (name === 'relu') xs = tt.tensor([[-1.5, -0.4, 0.3], [0.8, 1.7, -0.9]]); // no entry near the kink
      tt.testing.checkGrads((t: tt.Tensor) => probe(f(t)), [xs], { order: 2 });
    });
  }

  it('abs and relu have subgradient 0 at 0; sign is piecewise constant with zero gradient', () => {
    const x = tt.tensor([-2, 0, 3]);
    expect(tt.sign(x).toArray()).to.deep.equal([-1, 0, 1]);
    expect((tt.grad((t: tt.Tensor) => tt.sum(tt.abs(t)))(x) as tt.Tensor).toArray()).to.deep.equal([-1, 0, 1]);
    expect((tt.grad((t: tt.Tensor) => tt.sum(tt.relu(t)))(x) as tt.Tensor).toArray()).to.deep.equal([0, 0, 1]);
    expect((tt.grad((t: tt.Tensor) => tt.sum(tt.mul(tt.sign(t), t)))(x) as tt.Tensor).toArray()).to.deep.equal([-1, 0, 1]);
  });

  it('accepts a JS number as a scalar input', () => {
    expect(tt.exp(0).item()).to.equal(1);
    expect(tt.exp(1).shape).to.deep.equal([]);
  });
});

type Binary = (a: tt.Tensor | number, b: tt.Tensor | number) => tt.Tensor;
const binaries: [string, Binary, (a: number, b: number) => number, number, number][] = [
  ['add', tt.add, (a, b) => a + b, -2, 2],
  ['sub', tt.sub, (a, b) => a - b, -2, 2],
  ['mul', tt.mul, (a, b) => a * b, -2, 2],
  ['div', tt.div, (a, b) => a / b, 0.5, 2],
  ['pow', tt.pow, (a, b) => a ** b, 0.5, 2],
  ['maximum', tt.maximum, Math.max, -2, 2],
  ['minimum', tt.minimum, Math.min, -2, 2],
];
// Broadcasting cases: equal shapes, trailing vector, inner 1s on both sides, scalar, and rank promotion.
const shapePairs: [number[], number[], number[]][] = [
  [[2, 3], [2, 3], [2, 3]],
  [[2, 3], [3], [2, 3]],
  [[3, 1], [1, 4], [3, 4]],
  [[4, 1, 3], [2, 1], [4, 2, 3]],
  [[], [2, 2], [2, 2]],
  [[2, 1, 2], [], [2, 1, 2]],
];

/** Plain-loop broadcasting reference of a binary op. */
function binaryRef(a: tt.Tensor, b: tt.Tensor, out: number[], f: (x: number, y: number) => number): number[] {
  return Array.from({ length: size(out) }, (_, p) => { const idx = unravel(p, out); return f(atBroadcast(a, idx), atBroadcast(b, idx)); });
}

describe('ops/elementwise: binary ops with broadcasting', () => {
  for (const [name, f, ref, lo, hi] of binaries) {
    it(`${name}: broadcast values match a loop reference; gradients in both arguments to second order`, () => {
      shapePairs.forEach(([sa, sb, so], k) => {
        const a = rand(sa, 100 + k, lo, hi), b = rand(sb, 200 + k, lo, hi);
        expectClose(f(a, b), binaryRef(a, b, so, ref), so, 1e-12);
        // Random uniform entries: no ties for maximum/minimum closer than the FD step (checked by the seeds used).
        tt.testing.checkGrads((x: tt.Tensor, y: tt.Tensor) => probe(f(x, y)), [a, b], { order: 2 });
      });
    });
  }

  it('numbers on either side are scalars that keep the tensor dtype', () => {
    const x = tt.tensor([1, 2], { dtype: 'float32' });
    expect(tt.add(x, 2).dtype).to.equal('float32');
    expect(tt.sub(2, x).toArray()).to.deep.equal([1, 0]);
    expect(tt.div(1, x).dtype).to.equal('float32');
    expect(tt.mul(x, tt.tensor([1, 1], { dtype: 'float32' })).dtype).to.equal('float32');
    expect(tt.mul(x, tt.tensor([1, 1])).dtype).to.equal('float64'); // mixed dtypes promote to float64
  });

  it('pow: d/db a^b = a^b log a, taken as 0 where a ≤ 0', () => {
    const g = tt.grad((b: tt.Tensor) => tt.sum(tt.pow(tt.tensor([2, 0, -1]), b)))(tt.tensor([3, 2, 2])) as tt.Tensor;
    expectClose(g, [8 * Math.log(2), 0, 0], [3], 1e-14);
  });

  it('maximum/minimum send the gradient of ties to the first argument', () => {
    const [ga, gb] = tt.grad((a: tt.Tensor, b: tt.Tensor) => tt.sum(tt.maximum(a, b)), { argnums: [0, 1] })(tt.tensor([1, 2, 3]), tt.tensor([1, 5, 0]));
    expect(ga.toArray()).to.deep.equal([1, 0, 1]);
    expect(gb.toArray()).to.deep.equal([0, 1, 0]);
    const [ha, hb] = tt.grad((a: tt.Tensor, b: tt.Tensor) => tt.sum(tt.minimum(a, b)), { argnums: [0, 1] })(tt.tensor([1, 2, 3]), tt.tensor([1, 5, 0]));
    expect(ha.toArray()).to.deep.equal([1, 1, 0]);
    expect(hb.toArray()).to.deep.equal([0, 0, 1]);
  });
});

describe('ops/elementwise: comparisons and where', () => {
  const cmps: [string, Binary, (a: number, b: number) => boolean][] = [
    ['greater', tt.greater, (a, b) => a > b],
    ['greaterEqual', tt.greaterEqual, (a, b) => a >= b],
    ['less', tt.less, (a, b) => a < b],
    ['equal', tt.equal, (a, b) => a === b],
  ];
  for (const [name, f, ref] of cmps) {
    it(`${name}: 0/1 values with broadcasting, including ties`, () => {
      const a = tt.tensor([[1, 2, 3], [3, 2, 1]]), b = tt.tensor([2, 2, 2]);
      expectClose(f(a, b), binaryRef(a, b, [2, 3], (x, y) => (ref(x, y) ? 1 : 0)), [2, 3], 0);
      expect(f(a, 2).shape).to.deep.equal([2, 3]);
    });
  }

  it('where: broadcasts condition and branches; gradients reach only the chosen branch, to second order', () => {
    const c = tt.tensor([[1], [0], [1]]);
    const a = rand([3, 4], 1), b = rand([4], 2);
    const ref = Array.from({ length: 12 }, (_, p) => { const idx = unravel(p, [3, 4]); return atBroadcast(c, idx) !== 0 ? atBroadcast(a, idx) : atBroadcast(b, idx); });
    expectClose(tt.where(c, a, b), ref, [3, 4], 0);
    const [ga, gb] = tt.grad((x: tt.Tensor, y: tt.Tensor) => tt.sum(tt.where(c, x, y)), { argnums: [0, 1] })(a, b);
    expect(ga.toArray()).to.deep.equal([[1, 1, 1, 1], [0, 0, 0, 0], [1, 1, 1, 1]]);
    expect(gb.toArray()).to.deep.equal([1, 1, 1, 1]);
    tt.testing.checkGrads((x: tt.Tensor, y: tt.Tensor) => probe(tt.where(c, tt.tanh(x), tt.mul(y, y))), [a, b], { order: 2 });
    expect(tt.where(c, 1, 0).toArray()).to.deep.equal([[1], [0], [1]]);
  });
});
