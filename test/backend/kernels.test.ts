/**
 * Kernel-level agreement: every method of the gpujs backend (gpu.js kernels, float32) against the cpu backend (float64
 * loops) on the same random inputs, in whatever gpu.js mode this machine runs (webasm on a plain CPU). Tolerances are
 * float32 ones: 2e-6 relative for short sums, 1e-5 for sums of ~100 terms (≈ √len · 2^-24 with margin).
 */
import { expect } from 'chai';
import { cpuBackend, gpujsBackend, type BinaryOp, type UnaryOp } from '../../src/backend/index.js';
import { fillNormal, fillRademacher, fillUniform, key } from '../../src/random/index.js';
import { rng, f64, relDiff, forceKernels } from './support.js';

describe('backend: gpujs kernels agree with cpu within float32 tolerance', () => {
  let restore: () => void;
  before(() => { restore = forceKernels(); });
  after(() => restore());

  it('reports a gpu.js mode and float32 precision', () => {
    const info = gpujsBackend.info();
    expect(info.name).to.equal('gpujs');
    expect(info.precision).to.equal('float32');
    expect(['webgpu', 'webgl2', 'webgl', 'headlessgl', 'webasm', 'cpu']).to.include(info.mode);
  });

  it('matmul: plain, matvec, odd inner size and broadcast batches', () => {
    const r = rng(1);
    for (const [m, k, n] of [[17, 33, 9], [40, 31, 1], [1, 64, 12]]) {
      const a = f64(r, m * k), b = f64(r, k * n);
      const o1 = new Float64Array(m * n), o2 = new Float64Array(m * n);
      cpuBackend.matmul(a, b, o1, m, k, n, Int32Array.of(0), Int32Array.of(0));
      gpujsBackend.matmul(a, b, o2, m, k, n, Int32Array.of(0), Int32Array.of(0));
      expect(relDiff(o2, o1)).to.be.below(1e-5);
    }
    const a = f64(r, 3 * 4 * 5), b = f64(r, 5 * 6);
    const ao = Int32Array.of(0, 20, 40), bo = Int32Array.of(0, 0, 0);
    const o1 = new Float64Array(3 * 24), o2 = new Float64Array(3 * 24);
    cpuBackend.matmul(a, b, o1, 4, 5, 6, ao, bo);
    gpujsBackend.matmul(a, b, o2, 4, 5, 6, ao, bo);
    expect(relDiff(o2, o1)).to.be.below(1e-5);
  });

  it('binary ops in every layout (same shape, scalar left/right, index maps)', () => {
    const r = rng(2);
    const ops: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'greater', 'greaterEqual', 'less', 'equal'];
    const n = 50;
    const a = f64(r, n).map((x) => Math.abs(x) + 0.1), b = f64(r, n).map((x) => x + (x >= 0 ? 0.1 : -0.1));
    b[3] = a[3];
    const ia = Int32Array.from({ length: n }, (_, i) => (i * 7) % n), ib = Int32Array.from({ length: n }, (_, i) => n - 1 - i);
    for (const op of ops) {
      const cases: [Float64Array, Float64Array, Int32Array | null, Int32Array | null][] = [[a, b, null, null], [a, b.subarray(0, 1), null, null], [a.subarray(0, 1), b, null, null], [a, b, ia, ib]];
      for (const [x, y, jx, jy] of cases) {
        const o1 = new Float64Array(n), o2 = new Float64Array(n);
        cpuBackend.binary(op, x, y, o1, jx, jy);
        gpujsBackend.binary(op, x, y, o2, jx, jy);
        expect(relDiff(o2, o1), op).to.be.below(2e-6);
      }
    }
  });

  it('unary ops, including small arguments for log1p/expm1 and both signs for sigmoid/softplus/tanh', () => {
    const r = rng(3);
    const ops: UnaryOp[] = ['neg', 'exp', 'log', 'sqrt', 'square', 'abs', 'tanh', 'sigmoid', 'relu', 'softplus', 'sin', 'cos', 'sign', 'step', 'log1p', 'expm1', 'reciprocal'];
    const mixed = f64(r, 64, 6);
    mixed[0] = 1e-7; mixed[1] = -3e-6; mixed[2] = 0;
    const positive = mixed.map((x) => Math.abs(x) + 1e-3);
    for (const op of ops) {
      const x = op === 'log' || op === 'sqrt' || op === 'reciprocal' ? positive : op === 'log1p' ? mixed.map((t) => Math.max(t, -0.9)) : mixed;
      const o1 = new Float64Array(x.length), o2 = new Float64Array(x.length);
      cpuBackend.unary(op, x, o1);
      gpujsBackend.unary(op, x, o2);
      // Elementwise relative error (not scaled by the max): float32 functions are accurate to a few ulps.
      for (let i = 0; i < x.length; i++) expect(Math.abs(o2[i] - o1[i]), `${op}(${x[i]})`).to.be.at.most(4e-6 * Math.abs(o1[i]) + 1e-30);
    }
  });

  it('sumAxis over leading, middle and trailing axes', () => {
    const r = rng(4);
    for (const [outer, len, inner] of [[1, 300, 1], [6, 40, 5], [30, 7, 1]]) {
      const a = f64(r, outer * len * inner);
      const o1 = new Float64Array(outer * inner), o2 = new Float64Array(outer * inner);
      cpuBackend.sumAxis(a, o1, outer, len, inner);
      gpujsBackend.sumAxis(a, o2, outer, len, inner);
      expect(relDiff(o2, o1)).to.be.below(1e-5);
    }
  });

  it('kernelProduct for every family and profile order, one column and blocks', () => {
    const r = rng(5);
    const n = 31, m = 45, d = 3;
    for (const family of ['rbf', 'matern32', 'matern52'] as const) {
      for (let order = 0; order <= (family === 'matern32' ? 1 : 2); order++) {
        for (const c of [1, 4]) {
          const x1 = f64(r, n * d, 2), x2 = f64(r, m * d, 2), v = f64(r, m * c);
          const o1 = new Float64Array(n * c), o2 = new Float64Array(n * c);
          cpuBackend.kernelProduct(family, order, x1, x2, v, o1, n, m, d, c);
          gpujsBackend.kernelProduct(family, order, x1, x2, v, o2, n, m, d, c);
          expect(relDiff(o2, o1), `${family} order ${order} c ${c}`).to.be.below(1e-5);
          // Square case with one point array (the cpu loop then evaluates each pair once and uses it twice).
          const vs = f64(r, n * c), s1 = new Float64Array(n * c), s2 = new Float64Array(n * c);
          cpuBackend.kernelProduct(family, order, x1, x1, vs, s1, n, n, d, c);
          gpujsBackend.kernelProduct(family, order, x1, x1, vs, s2, n, n, d, c);
          expect(relDiff(s2, s1), `${family} order ${order} c ${c} symmetric`).to.be.below(1e-5);
        }
      }
    }
  });

  it('csrProduct (rows of different lengths, an empty row) and the 2-D stencil with its flux, both boundaries', () => {
    const r = rng(6);
    const indptr = Int32Array.of(0, 3, 3, 4, 8), indices = Int32Array.of(0, 2, 5, 1, 0, 1, 3, 4);
    const vals = f64(r, 8), x = f64(r, 6 * 2);
    const o1 = new Float64Array(8), o2 = new Float64Array(8);
    cpuBackend.csrProduct(indptr, indices, vals, x, o1, 4, 2);
    gpujsBackend.csrProduct(indptr, indices, vals, x, o2, 4, 2);
    expect(relDiff(o2, o1)).to.be.below(2e-6);
    const nx = 7, ny = 5, N = 35;
    for (const dirichlet of [true, false]) {
      for (const c of [1, 3]) {
        const kf = f64(r, N).map((t) => Math.exp(t)), v = f64(r, N * c), u = f64(r, N * c);
        const s1 = new Float64Array(N * c), s2 = new Float64Array(N * c);
        cpuBackend.stencil2d(kf, v, s1, nx, ny, c, 64, 36, dirichlet);
        gpujsBackend.stencil2d(kf, v, s2, nx, ny, c, 64, 36, dirichlet);
        expect(relDiff(s2, s1)).to.be.below(2e-6);
        const f1 = new Float64Array(N), f2 = new Float64Array(N);
        cpuBackend.stencil2dFlux(u, v, f1, nx, ny, c, 64, 36, dirichlet);
        gpujsBackend.stencil2dFlux(u, v, f2, nx, ny, c, 64, 36, dirichlet);
        expect(relDiff(f2, f1)).to.be.below(2e-6);
      }
    }
  });

  it('probe kernels reproduce tt.random streams: Rademacher and 24-bit uniforms bit for bit, normals to float32 rounding', () => {
    const k = key(20261123);
    // Offsets include a start beyond 2^32 blocks, so the 64-bit block counter carries into c1 inside the kernel.
    for (const start of [0, 5, 2 ** 33 + 3, 2 ** 52 - 77]) {
      for (const F of [Float32Array, Float64Array]) {
        const len = 1003;
        const ref = { rademacher: new F(len), uniform: new F(len), normal: new F(len) };
        fillRademacher(k, ref.rademacher, start); fillUniform(k, ref.uniform, start); fillNormal(k, ref.normal, start);
        for (const kind of ['rademacher', 'uniform', 'normal'] as const) {
          const out = new F(len);
          gpujsBackend.probes(kind, k.k0, k.k1, start, out);
          if (kind === 'rademacher' || (kind === 'uniform' && F === Float32Array)) {
            expect(Array.from(out), `${kind} ${F.name} start ${start}`).to.deep.equal(Array.from(ref[kind]));
          } else if (kind === 'uniform') {
            // 53-bit uniforms summed from limbs in float32: within one float32 ulp of the float64 value.
            for (let i = 0; i < len; i++) expect(Math.abs(out[i] - ref.uniform[i])).to.be.at.most(6e-8 * ref.uniform[i] + 1e-12);
          } else {
            // Box–Muller in float32: |z| ≤ 6, sin/cos/log accurate to a few ulps → 1e-5 absolute.
            for (let i = 0; i < len; i++) expect(Math.abs(out[i] - ref.normal[i]), `normal ${F.name} start ${start} i ${i}`).to.be.below(1e-5);
          }
        }
      }
    }
  });
});

describe('backend: probes() on every backend', () => {
  it('cpu probes (and gpujs below its probe threshold) are exactly tt.random\'s host streams', () => {
    const k = key(99);
    for (const kind of ['rademacher', 'uniform', 'normal'] as const) {
      const ref = new Float64Array(37), a = new Float64Array(37), b = new Float64Array(37);
      (kind === 'rademacher' ? fillRademacher : kind === 'uniform' ? fillUniform : fillNormal)(k, ref, 11);
      cpuBackend.probes(kind, k.k0, k.k1, 11, a);
      gpujsBackend.probes(kind, k.k0, k.k1, 11, b);
      expect(Array.from(a)).to.deep.equal(Array.from(ref));
      expect(Array.from(b)).to.deep.equal(Array.from(ref));
    }
  });
});
