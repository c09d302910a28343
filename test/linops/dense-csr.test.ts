/** denseMatvec and csrMatvec: forward vs dense references, VJPs (first and second order) vs finite differences, access, errors. */
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { rng, randn, relDiff, denseProduct } from './support.js';

describe('ops.denseMatvec', () => {
  it('computes A v for vectors and blocks and is differentiable in v and A (second order too)', () => {
    const r = rng(11);
    const A = randn(r, [6, 5]), v = randn(r, [5]), V = randn(r, [5, 3]);
    expect(relDiff(tt.ops.denseMatvec(v, A)._data, denseProduct(A._data as Float64Array, 6, 5, v._data, 1))).to.be.below(1e-15);
    expect(relDiff(tt.ops.denseMatvec(V, { A })._data, denseProduct(A._data as Float64Array, 6, 5, V._data, 3))).to.be.below(1e-15);
    // The bound form denseMatvec(A) gives the same matvec.
    expect(Array.from(tt.ops.denseMatvec(A)(v)._data)).to.deep.equal(Array.from(tt.ops.denseMatvec(v, A)._data));
    const u = randn(r, [6]);
    // f is cubic in (A, v) through the square: first- and second-order central differences are accurate to ~1e-9.
    const f = (A: tt.Tensor, v: tt.Tensor): tt.Tensor => tt.sum(tt.square(tt.mul(u, tt.ops.denseMatvec(v, A))));
    tt.testing.checkGrads(f as (...a: never[]) => tt.Tensor, [A, v], { order: 2, rtol: 1e-6 });
  });

  it('access() gives the diagonal and columns; bad params raise clear errors', () => {
    const r = rng(12);
    const A = randn(r, [4, 4]);
    const acc = tt.ops.denseMatvec.access(A);
    expect(Array.from(acc.diag())).to.deep.equal([0, 1, 2, 3].map((i) => A._data[i * 5]));
    expect(Array.from(acc.column(2))).to.deep.equal([0, 1, 2, 3].map((i) => A._data[i * 4 + 2]));
    expect(() => tt.ops.denseMatvec(tt.zeros([3]), A)).to.throw(tt.TracetapeError, /denseMatvec: v.shape \[3\] does not match the operator \(expected \[4\] or \[4, c\]\)/);
    expect(() => tt.ops.denseMatvec(tt.zeros([3]), { B: A } as never)).to.throw(tt.TracetapeError, /denseMatvec: params must be a matrix Tensor/);
  });
});

describe('ops.csrMatvec', () => {
  // A 5×4 matrix with a duplicate triplet (row 2, col 1 twice: values add) and an empty row (row 3).
  const rows = [0, 0, 1, 2, 2, 2, 4, 4];
  const cols = [0, 3, 1, 1, 2, 1, 0, 3];
  const pattern = tt.ops.csrPattern(rows, cols, [5, 4]);
  const dense = (vals: ArrayLike<number>): Float64Array => {
    const A = new Float64Array(20);
    for (let t = 0; t < rows.length; t++) A[rows[t] * 4 + cols[t]] += vals[t];
    return A;
  };

  it('matches the dense matrix built from the triplets (duplicates summed), for vectors and blocks', () => {
    const r = rng(13);
    const values = randn(r, [8]);
    const v = randn(r, [4]), V = randn(r, [4, 3]);
    expect(relDiff(tt.ops.csrMatvec(v, { pattern, values })._data, denseProduct(dense(values._data), 5, 4, v._data, 1))).to.be.below(1e-15);
    expect(relDiff(tt.ops.csrMatvec(V, { pattern, values })._data, denseProduct(dense(values._data), 5, 4, V._data, 3))).to.be.below(1e-15);
  });

  it('VJPs w.r.t. the values and v match central differences, to second order', () => {
    const r = rng(14);
    const u = randn(r, [5, 2]);
    const f = (values: tt.Tensor, V: tt.Tensor): tt.Tensor => tt.sum(tt.square(tt.mul(u, tt.ops.csrMatvec(V, { pattern, values }))));
    tt.testing.checkGrads(f as (...a: never[]) => tt.Tensor, [randn(r, [8]), randn(r, [4, 2])], { order: 2, rtol: 1e-6 });
  });

  it('the VJP w.r.t. v is Aᵀ u (checked against the dense transpose)', () => {
    const r = rng(15);
    const values = randn(r, [8]), u = randn(r, [5]);
    const [, pull] = tt.vjp((v: tt.Tensor) => tt.ops.csrMatvec(v, { pattern, values }), randn(r, [4]));
    const g = (pull(u) as tt.Tensor[])[0];
    const A = dense(values._data);
    const AT = new Float64Array(20);
    for (let i = 0; i < 5; i++) for (let j = 0; j < 4; j++) AT[j * 5 + i] = A[i * 4 + j];
    expect(relDiff(g._data, denseProduct(AT, 4, 5, u._data, 1))).to.be.below(1e-15);
  });

  it('access() and validation', () => {
    const sq = tt.ops.csrPattern([0, 1, 1, 2, 0], [0, 1, 0, 2, 0], [3, 3]);
    const acc = tt.ops.csrMatvec.access({ pattern: sq, values: tt.tensor([1, 2, 3, 4, 5]) });
    expect(Array.from(acc.diag())).to.deep.equal([6, 2, 4]);
    expect(Array.from(acc.column(0))).to.deep.equal([6, 3, 0]);
    expect(() => tt.ops.csrPattern([0, 5], [0, 1], [5, 4])).to.throw(tt.TracetapeError, /csrPattern: rows\[1\] must be an integer in \[0, 5\), received 5/);
    expect(() => tt.ops.csrPattern([0], [0, 1], [5, 4])).to.throw(tt.TracetapeError, /rows and cols must have the same length/);
    expect(() => tt.ops.csrMatvec(tt.zeros([4]), { pattern, values: tt.zeros([7]) })).to.throw(tt.TracetapeError, /params.values must be a Tensor of shape \[8\] \(one per triplet\)/);
  });
});
