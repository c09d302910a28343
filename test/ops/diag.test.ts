// diagonal, diag and trace: values against loop references for offsets, batches and non-square matrices;
// closed-form gradients (d trace(A)/dA = I) and gradients to second order.
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { rand, expectClose, probe } from './helpers.js';

function diagRef(a: number[][], k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) { const j = i + k; if (j >= 0 && j < a[0].length) out.push(a[i][j]); }
  return out;
}

describe('ops/diag, diagonal, trace', () => {
  it('diagonal of square and non-square matrices for offsets −3…3; gradients to second order', () => {
    for (const shape of [[4, 4], [3, 5], [5, 2]]) {
      const A = rand(shape, 80 + shape[1]);
      const rows = A.toArray() as number[][];
      for (let k = -3; k <= 3; k++) {
        const ref = diagRef(rows, k);
        expectClose(tt.diagonal(A, k), ref, [ref.length], 0);
        if (ref.length > 0) tt.testing.checkGrads((t: tt.Tensor) => probe(tt.diagonal(tt.tanh(t), k)), [A], { order: 2 });
      }
    }
  });

  it('diagonal of a batch takes the last two axes', () => {
    const B = rand([2, 3, 3, 4], 90);
    const arr = B.toArray() as number[][][][];
    const ref = arr.flatMap((b) => b.flatMap((m) => diagRef(m, 1)));
    expectClose(tt.diagonal(B, 1), ref, [2, 3, 3], 0);
    tt.testing.checkGrads((t: tt.Tensor) => probe(tt.diagonal(t, -1)), [B], { order: 2 });
  });

  it('diag builds a matrix from a vector (with offset) and extracts a diagonal from a matrix', () => {
    expect(tt.diag(tt.tensor([1, 2, 3])).toArray()).to.deep.equal([[1, 0, 0], [0, 2, 0], [0, 0, 3]]);
    expect(tt.diag(tt.tensor([1, 2]), 1).toArray()).to.deep.equal([[0, 1, 0], [0, 0, 2], [0, 0, 0]]);
    expect(tt.diag(tt.tensor([1, 2]), -2).toArray()).to.deep.equal([[0, 0, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0], [0, 2, 0, 0]]);
    expect(tt.diag(tt.tensor([[1, 2], [3, 4]])).toArray()).to.deep.equal([1, 4]);
    expect(tt.diag(tt.tensor([[1, 2], [3, 4]]), -1).toArray()).to.deep.equal([3]);
    const v32 = tt.tensor([1, 2], { dtype: 'float32' });
    expect(tt.diag(v32).dtype).to.equal('float32');
    expect(tt.diagonal(tt.diag(v32)).dtype).to.equal('float32');
    const v = rand([3], 91);
    for (const k of [0, 2, -1]) tt.testing.checkGrads((t: tt.Tensor) => probe(tt.diag(tt.exp(t), k)), [v], { order: 2 });
  });

  it('trace: scalar for a matrix, per-matrix for a batch; d trace(A)/dA = I', () => {
    const A = rand([4, 4], 92);
    const rows = A.toArray() as number[][];
    expectClose(tt.trace(A), [rows[0][0] + rows[1][1] + rows[2][2] + rows[3][3]], [], 1e-15);
    const B = rand([2, 3, 3], 93);
    const arr = B.toArray() as number[][][];
    expectClose(tt.trace(B), arr.map((m) => m[0][0] + m[1][1] + m[2][2]), [2], 1e-15);
    expectClose(tt.trace(rand([2, 3], 3)), [diagRef(rand([2, 3], 3).toArray() as number[][], 0).reduce((a, b) => a + b)], [], 1e-15);
    const g = tt.grad((t: tt.Tensor) => tt.trace(t))(A) as tt.Tensor;
    expectClose(g, tt.eye(4).data(), [4, 4], 0);
    // d/dA trace(A A) = 2 Aᵀ (closed form), and second order through trace.
    const g2 = tt.grad((t: tt.Tensor) => tt.trace(tt.matmul(t, t)))(A) as tt.Tensor;
    expectClose(g2, tt.mul(2, tt.transpose(A)).data(), [4, 4], 1e-14);
    tt.testing.checkGrads((t: tt.Tensor) => probe(tt.trace(tt.matmul(t, t))), [A], { order: 2 });
  });
});
