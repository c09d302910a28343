/**
 * The gpujs backend: the kernel interface on gpu.js kernels (float32). Mode: the best synchronous gpu.js mode
 * (headlessgl → webgl2 → webgl → webasm → cpu; TRACETAPE_GPUJS_MODE forces one). Calls below the size thresholds in
 * thresholds.ts run the cpu loops. Registers itself as 'gpujs' when imported.
 */
import type { Backend, BackendInfo } from '../types.js';
import { registerBackend } from '../registry.js';
import { cpuBackend } from '../cpu/index.js';
import { probes as cpuProbes } from '../cpu/probes.js';
import { gpujsContext } from './context.js';
import { gpujsThresholds, maxKernelElements } from './thresholds.js';
import { gpujsBinary, gpujsUnary, gpujsSumAxis } from './elementwise.js';
import { gpujsMatmul } from './matmul.js';
import { gpujsKernelProduct } from './stationary.js';
import { gpujsCsrProduct } from './sparse.js';
import { gpujsStencil2d, gpujsStencil2dFlux } from './stencil.js';
import { gpujsProbes } from './philox.js';

const fits = (...sizes: number[]): boolean => {
  const limit = maxKernelElements(gpujsContext().mode);
  return sizes.every((s) => s > 0 && s < limit);
};

/** The gpujs backend instance (the gpu.js context is created on first use). */
export const gpujsBackend: Backend = {
  info(): BackendInfo {
    const ctx = gpujsContext();
    const t = gpujsThresholds;
    return {
      name: 'gpujs', mode: ctx.mode, precision: 'float32',
      detail: `${ctx.report}; cpu loops below: elementwise ${t.elementwise} elements, matmul m·k·n ${t.matmul}, kernel products n·m ${t.kernelProduct}, sparse ${t.sparse}, probes ${t.probes}`,
    };
  },
  matmul(a, b, out, m, k, n, aOff, bOff) {
    if (m * k * n * aOff.length < gpujsThresholds.matmul || !fits(a.length, b.length, out.length)) return cpuBackend.matmul(a, b, out, m, k, n, aOff, bOff);
    gpujsMatmul(a, b, out, m, k, n, aOff, bOff);
  },
  binary(op, a, b, out, ia, ib) {
    if (out.length < gpujsThresholds.elementwise || !fits(a.length, b.length, out.length)) return cpuBackend.binary(op, a, b, out, ia, ib);
    gpujsBinary(op, a, b, out, ia, ib);
  },
  unary(op, a, out) {
    if (out.length < gpujsThresholds.elementwise || !fits(out.length)) return cpuBackend.unary(op, a, out);
    gpujsUnary(op, a, out);
  },
  sumAxis(a, out, outer, len, inner) {
    if (a.length < gpujsThresholds.elementwise || !fits(a.length)) return cpuBackend.sumAxis(a, out, outer, len, inner);
    gpujsSumAxis(a, out, outer, len, inner);
  },
  kernelProduct(family, order, x1, x2, v, out, n, m, d, c) {
    if (n * m < gpujsThresholds.kernelProduct || !fits(x1.length, x2.length, v.length, out.length)) {
      return cpuBackend.kernelProduct(family, order, x1, x2, v, out, n, m, d, c);
    }
    gpujsKernelProduct(family, order, x1, x2, v, out, n, m, d, c);
  },
  csrProduct(indptr, indices, values, x, out, rows, c) {
    if (indices.length < gpujsThresholds.sparse || !fits(indices.length, x.length, out.length)) return cpuBackend.csrProduct(indptr, indices, values, x, out, rows, c);
    gpujsCsrProduct(indptr, indices, values, x, out, rows, c);
  },
  stencil2d(kf, v, out, nx, ny, c, ax, ay, dirichlet) {
    if (nx * ny < gpujsThresholds.sparse || !fits(v.length) || nx * c >= 1 << 22) return cpuBackend.stencil2d(kf, v, out, nx, ny, c, ax, ay, dirichlet);
    gpujsStencil2d(kf, v, out, nx, ny, c, ax, ay, dirichlet);
  },
  stencil2dFlux(u, v, out, nx, ny, c, ax, ay, dirichlet) {
    if (nx * ny < gpujsThresholds.sparse || !fits(v.length)) return cpuBackend.stencil2dFlux(u, v, out, nx, ny, c, ax, ay, dirichlet);
    gpujsStencil2dFlux(u, v, out, nx, ny, c, ax, ay, dirichlet);
  },
  probes(kind, k0, k1, start, out) {
    if (out.length < gpujsThresholds.probes) return cpuProbes(kind, k0, k1, start, out);
    gpujsProbes(kind, k0, k1, start, out);
  },
};

registerBackend('gpujs', () => {
  gpujsContext(); // choose the mode now, so setBackend('gpujs') reports a gpu.js that cannot run
  return gpujsBackend;
});

export { gpujsThresholds, type GpujsThresholds } from './thresholds.js';
export { gpujsContext } from './context.js';
