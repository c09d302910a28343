// matmul (NumPy semantics: 2-D, 1-D promotion, batched with broadcasting batch axes), dot and outer: values against
// triple-loop references, float32 preservation, and gradients in both operands to second order.
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { rand, unravel, ravel, expectClose, probe, size } from './helpers.js';

/** Triple-loop reference for NumPy matmul of operands of rank ≥ 1. */
function matmulRef(a: tt.Tensor, b: tt.Tensor): { values: number[]; shape: number[] } {
  const as = a.shape.length === 1 ? [1, a.shape[0]] : a.shape;
  const bs = b.shape.length === 1 ? [b.shape[0], 1] : b.shape;
  const m = as[as.length - 2], k = as[as.length - 1], n = bs[bs.length - 1];
  const ab = as.slice(0, -2), bb = bs.slice(0, -2);
  const rank = Math.max(ab.length, bb.length);
  const batch = Array.from({ length: rank }, (_, i) => {
    const da = i - (rank - ab.length) >= 0 ? ab[i - (rank - ab.length)] : 1;
    const db = i - (rank - bb.length) >= 0 ? bb[i - (rank - bb.length)] : 1;
    return Math.max(da, db);
  });
  const ad = a.data(), bd = b.data();
  const values: number[] = [];
  for (let t = 0; t < size(batch); t++) {
    const bi = unravel(t, batch);
    const ia = ab.map((d, i) => (d === 1 ? 0 : bi[i + rank - ab.length]));
    const ib = bb.map((d, i) => (d === 1 ? 0 : bi[i + rank - bb.length]));
    const oa = ravel(ia, ab) * m * k, ob = ravel(ib, bb) * k * n;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += ad[oa + i * k + l] * bd[ob + l * n + j];
      values.push(s);
    }
  }
  const shape = [...batch, m, n];
  if (b.shape.length === 1) shape.splice(shape.length - 1, 1);
  if (a.shape.length === 1) shape.splice(shape.length - (b.shape.length === 1 ? 1 : 2), 1);
  return { values, shape };
}

const cases: [string, number[], number[]][] = [
  ['matrix × matrix', [3, 4], [4, 5]],
  ['matrix × vector (matvec)', [3, 4], [4]],
  ['vector × matrix', [4], [4, 2]],
  ['vector · vector', [5], [5]],
  ['batched × matrix', [2, 3, 4], [4, 5]],
  ['matrix × batched', [3, 4], [2, 4, 5]],
  ['broadcast batches', [2, 1, 3, 4], [3, 4, 2]],
  ['batched × vector', [2, 3, 4], [4]],
  ['vector × batched', [4], [2, 4, 3]],
];

describe('ops/matmul', () => {
  for (const [name, sa, sb] of cases) {
    it(`${name}: ${JSON.stringify(sa)} @ ${JSON.stringify(sb)} matches a loop reference; gradients to second order`, () => {
      const a = rand(sa, 31 + sa.length), b = rand(sb, 57 + sb.length);
      const ref = matmulRef(a, b);
      expectClose(tt.matmul(a, b), ref.values, ref.shape, 1e-13);
      tt.testing.checkGrads((x: tt.Tensor, y: tt.Tensor) => probe(tt.matmul(x, y)), [a, b], { order: 2 });
    });
  }

  it('float32 operands give float32 results close to the float64 product', () => {
    const a = rand([3, 4], 1, -1, 1, 'float32'), b = rand([4, 2], 2, -1, 1, 'float32');
    const c = tt.matmul(a, b);
    expect(c.dtype).to.equal('float32');
    // float32 accumulation over 4 terms of size ≤ 1: error well below 1e-6.
    expectClose(c, matmulRef(a, b).values, [3, 2], 1e-6);
    expect(a.matmul(b).dtype).to.equal('float32');
  });

  it('a larger product (65 × 70 @ 70 × 33) matches the loop reference (exercises blocked kernels)', () => {
    const a = rand([65, 70], 3), b = rand([70, 33], 4);
    expectClose(tt.matmul(a, b), matmulRef(a, b).values, [65, 33], 1e-12);
  });

  it('dot and outer match closed forms and are differentiable to second order', () => {
    const a = rand([4], 5), b = rand([4], 6);
    const ad = Array.from(a.data()), bd = b.data();
    expectClose(tt.dot(a, b), [ad.reduce((s, v, i) => s + v * bd[i], 0)], [], 1e-14);
    expectClose(a.dot(b), [ad.reduce((s, v, i) => s + v * bd[i], 0)], [], 1e-14);
    const c = rand([3], 7);
    const cd = c.data();
    expectClose(tt.outer(a, c), Array.from({ length: 12 }, (_, p) => ad[Math.floor(p / 3)] * cd[p % 3]), [4, 3], 0);
    tt.testing.checkGrads((x: tt.Tensor, y: tt.Tensor) => probe(tt.dot(x, y)), [a, b], { order: 2 });
    tt.testing.checkGrads((x: tt.Tensor, y: tt.Tensor) => probe(tt.outer(x, y)), [a, c], { order: 2 });
  });

  it('d/dA of uᵀ A v is u vᵀ (closed form)', () => {
    const u = rand([3], 8), v = rand([4], 9), A = rand([3, 4], 10);
    const g = tt.grad((M: tt.Tensor) => tt.dot(u, tt.matmul(M, v)))(A) as tt.Tensor;
    const ud = u.data(), vd = v.data();
    expectClose(g, Array.from({ length: 12 }, (_, p) => ud[Math.floor(p / 4)] * vd[p % 4]), [3, 4], 1e-15);
  });
});
