/** laplacian2d: forward vs an independently assembled dense matrix, symmetry, VJPs in v and the field k (to second order), access. */
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { rng, randn, relDiff, denseProduct } from './support.js';

/** Dense −∇·(k∇·) assembled face by face (independent of the stencil code): face weight (k_p + k_q)/2 / h². */
function assemble(nx: number, ny: number, k: ArrayLike<number>, hx: number, hy: number, dirichlet: boolean): Float64Array {
  const N = nx * ny;
  const A = new Float64Array(N * N);
  const face = (p: number, q: number, a: number): void => {
    const w = a * (k[p] + k[q]) / 2;
    A[p * N + p] += w; A[q * N + q] += w; A[p * N + q] -= w; A[q * N + p] -= w;
  };
  for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
    const p = y * nx + x;
    if (x + 1 < nx) face(p, p + 1, 1 / (hx * hx));
    if (y + 1 < ny) face(p, p + nx, 1 / (hy * hy));
    if (dirichlet) {
      const bx = (x === 0 ? 1 : 0) + (x === nx - 1 ? 1 : 0), by = (y === 0 ? 1 : 0) + (y === ny - 1 ? 1 : 0);
      A[p * N + p] += k[p] * (bx / (hx * hx) + by / (hy * hy));
    }
  }
  return A;
}

describe('ops.laplacian2d', () => {
  for (const boundary of ['dirichlet', 'neumann'] as const) {
    it(`${boundary}: matches the dense face-by-face assembly for a variable field, vectors and blocks`, () => {
      const r = rng(21);
      const nx = 5, ny = 4, N = 20;
      const op = tt.ops.laplacian2d(nx, ny, { boundary });
      const k = tt.exp(randn(r, [ny, nx]));
      const A = assemble(nx, ny, k._data, 1 / 6, 1 / 5, boundary === 'dirichlet');
      const v = randn(r, [N]), V = randn(r, [N, 3]);
      expect(relDiff(op(v, k)._data, denseProduct(A, N, N, v._data, 1))).to.be.below(1e-14);
      expect(relDiff(op(V, { k })._data, denseProduct(A, N, N, V._data, 3))).to.be.below(1e-14);
      // Neumann: constants are in the null space.
      if (boundary === 'neumann') expect(Math.max(...Array.from(op(tt.ones([N]), k)._data, Math.abs))).to.be.below(1e-9);
      const acc = op.access(k);
      const dg = acc.diag();
      for (let i = 0; i < N; i++) expect(dg[i]).to.be.closeTo(A[i * N + i], 1e-12);
      const col = acc.column(7);
      for (let i = 0; i < N; i++) expect(col[i]).to.be.closeTo(A[i * N + 7], 1e-12);
    });

    it(`${boundary}: VJPs w.r.t. v and the coefficient field match central differences, to second order`, () => {
      const r = rng(22);
      const op = tt.ops.laplacian2d(4, 3, { boundary, spacing: [0.5, 0.25] });
      const u = randn(r, [12, 2]);
      const f = (logk: tt.Tensor, V: tt.Tensor): tt.Tensor => tt.sum(tt.square(tt.mul(u, op(V, tt.exp(logk)))));
      tt.testing.checkGrads(f as (...a: never[]) => tt.Tensor, [randn(r, [3, 4]), randn(r, [12, 2])], { order: 2, rtol: 1e-6 });
    });
  }

  it('validates grid sizes, options and the field shape', () => {
    expect(() => tt.ops.laplacian2d(0, 3)).to.throw(tt.TracetapeError, /laplacian2d: nx must be a positive integer/);
    expect(() => tt.ops.laplacian2d(3, 3, { boundary: 'periodic' as 'dirichlet' })).to.throw(tt.TracetapeError, /boundary must be 'dirichlet' or 'neumann'/);
    expect(() => tt.ops.laplacian2d(3, 3, { spacing: -1 })).to.throw(tt.TracetapeError, /spacing must be positive/);
    const op = tt.ops.laplacian2d(3, 2);
    expect(() => op(tt.zeros([6]), tt.ones([3, 2]))).to.throw(tt.TracetapeError, /the coefficient field k must be a Tensor of shape \[2, 3\] or \[6\]/);
  });
});
