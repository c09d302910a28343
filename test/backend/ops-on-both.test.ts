/**
 * The op suite on both backends: matmul, elementwise ops, reductions and the tt.ops operators (forward and gradients)
 * run under 'cpu' and under 'gpujs' (every call forced through gpu.js kernels), and the results must agree within
 * float32 tolerance (1e-5 relative to the largest entry; gradients of kernel matvecs 1e-4, as they sum n² float32 terms).
 */
import { expect } from 'chai';
import * as tt from '../../src/index.js';
import { cpuBackend, gpujsBackend } from '../../src/backend/index.js';
import { gpujsContext } from '../../src/backend/gpujs/index.js';
import { rng, relDiff, forceKernels } from './support.js';

function randt(r: () => number, shape: number[], scale = 1): tt.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tt.tensor(Float64Array.from({ length: size }, () => scale * r()), { shape });
}

/** Run `f` under both backends and return [cpu results, gpujs results] as flat arrays. */
function onBoth(f: () => tt.Tensor[]): [Float64Array[], Float64Array[]] {
  const run = (): Float64Array[] => f().map((t) => Float64Array.from(t._data));
  tt.setBackend('cpu');
  const a = run();
  tt.setBackend('gpujs');
  try { return [a, run()]; } finally { tt.setBackend('cpu'); }
}

function agree(f: () => tt.Tensor[], tol = 1e-5): void {
  const [a, b] = onBoth(f);
  a.forEach((x, i) => expect(relDiff(b[i], x), `result ${i}`).to.be.below(tol));
}

describe('backend: the op suite gives the same results on cpu and gpujs', () => {
  let restore: () => void;
  before(() => { restore = forceKernels(); });
  after(() => { restore(); tt.setBackend('cpu'); });

  it('setBackend switches kernels and backendInfo reports the gpu.js mode', () => {
    tt.setBackend('gpujs');
    expect(tt.getBackend()).to.equal('gpujs');
    const info = tt.backendInfo();
    expect(info.name).to.equal('gpujs');
    expect(info.precision).to.equal('float32');
    expect(info.detail).to.match(/gpu\.js/);
    tt.setBackend('cpu');
    expect(tt.backendInfo()).to.deep.include({ name: 'cpu', precision: 'float64' });
    expect(() => tt.setBackend('tpu' as 'cpu')).to.throw(tt.TracetapeError, /setBackend: unknown backend "tpu"/);
  });

  it('matmul: matrix, matvec, batched with broadcasting, and its gradient', () => {
    const r = rng(31);
    const A = randt(r, [20, 30]), B = randt(r, [30, 10]), v = randt(r, [30]), Bt = randt(r, [3, 1, 30, 4]), At = randt(r, [2, 20, 30]);
    agree(() => [tt.matmul(A, B), tt.matmul(A, v), tt.matmul(At, Bt)]);
    agree(() => tt.grad((A: tt.Tensor, B: tt.Tensor) => tt.sum(tt.square(tt.matmul(A, B))), { argnums: [0, 1] })(A, B) as tt.Tensor[]);
  });

  it('elementwise ops with broadcasting, and their gradients', () => {
    const r = rng(32);
    const x = randt(r, [8, 9], 2), y = randt(r, [9], 2), p = tt.add(tt.abs(x), 0.5);
    agree(() => [tt.add(x, y), tt.sub(y, x), tt.mul(x, 3), tt.div(x, tt.add(tt.abs(y), 1)), tt.maximum(x, y), tt.pow(p, 1.5),
      tt.exp(x), tt.log(p), tt.tanh(x), tt.sigmoid(x), tt.softplus(x), tt.sin(x), tt.relu(x), tt.sqrt(p)]);
    agree(() => [tt.grad((x: tt.Tensor) => tt.sum(tt.mul(tt.tanh(x), tt.exp(tt.mul(x, 0.3)))))(x) as tt.Tensor]);
  });

  it('reductions: the sumAxis kernel on both backends, and sum/mean/logsumexp ops', () => {
    const r = rng(33);
    const a = Float64Array.from({ length: 4 * 50 * 6 }, () => r());
    const o1 = new Float64Array(24), o2 = new Float64Array(24);
    cpuBackend.sumAxis(a, o1, 4, 50, 6);
    gpujsBackend.sumAxis(a, o2, 4, 50, 6);
    expect(relDiff(o2, o1)).to.be.below(1e-5);
    const x = randt(r, [6, 7]);
    agree(() => [tt.sum(tt.exp(x), 0), tt.mean(tt.mul(x, x), 1), tt.logsumexp(tt.mul(x, 2), 1)]);
  });

  it('operators: kernelMatvec (all families), csrMatvec, laplacian2d, denseMatvec, forward and gradients', () => {
    const r = rng(34);
    const n = 40, d = 3;
    const X = randt(r, [n, d], 3), v = randt(r, [n]), V = randt(r, [n, 3]), u = randt(r, [n]);
    for (const kernel of ['rbf', 'matern32', 'matern52'] as const) {
      agree(() => [tt.ops.kernelMatvec(v, { X, lengthscale: 0.9, variance: 1.3, noise: 0.1, kernel }), tt.ops.kernelMatvec(V, { X, lengthscale: tt.tensor([0.5, 1, 2]), kernel })]);
      agree(() => tt.grad((X: tt.Tensor, ls: tt.Tensor, s: tt.Tensor) => tt.dot(u, tt.ops.kernelMatvec(v, { X, lengthscale: ls, variance: s, kernel })), { argnums: [0, 1, 2] })(X, tt.tensor([0.7, 1.1, 1.6]), tt.tensor(1.2)) as tt.Tensor[], 1e-4);
    }
    const pattern = tt.ops.csrPattern([0, 1, 2, 2, 3, 0], [1, 1, 0, 3, 2, 1], [4, 4]);
    const values = randt(r, [6]), w = randt(r, [4]);
    agree(() => [tt.ops.csrMatvec(w, { pattern, values }), ...(tt.grad((vals: tt.Tensor, w: tt.Tensor) => tt.sum(tt.square(tt.ops.csrMatvec(w, { pattern, values: vals }))), { argnums: [0, 1] })(values, w) as tt.Tensor[])]);
    const op = tt.ops.laplacian2d(8, 6, { boundary: 'dirichlet' });
    const k = tt.exp(randt(r, [6, 8])), g = randt(r, [48, 2]);
    agree(() => [op(g, k), tt.grad((k: tt.Tensor) => tt.sum(tt.square(op(g, k))))(k) as tt.Tensor]);
    const A = randt(r, [n, n]);
    agree(() => [tt.ops.denseMatvec(V, A)]);
  });

  it('compiles each kernel once per shape: repeated calls reuse the cached kernel', () => {
    const r = rng(35);
    const X = randt(r, [30, 2]), v = randt(r, [30]);
    tt.setBackend('gpujs');
    try {
      tt.ops.kernelMatvec(v, { X, lengthscale: 0.5 });
      const before = compiledCount();
      for (let i = 0; i < 3; i++) tt.ops.kernelMatvec(v, { X, lengthscale: 0.5 + i });
      expect(compiledCount()).to.equal(before);
      // A new size compiles its own kernels, once.
      const X31 = randt(r, [31, 2]), v31 = randt(r, [31]);
      tt.ops.kernelMatvec(v31, { X: X31 });
      const after = compiledCount();
      expect(after).to.be.above(before);
      tt.ops.kernelMatvec(v31, { X: X31 });
      expect(compiledCount()).to.equal(after);
    } finally { tt.setBackend('cpu'); }
  });
});

function compiledCount(): number { return gpujsContext().compiled; }
