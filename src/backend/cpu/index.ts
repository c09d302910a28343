/** The cpu backend: float64 (or float32, following the tensors) TypeScript loops. */
import type { Backend, BackendInfo } from '../types.js';
import { binary, unary } from './elementwise.js';
import { gemm } from './matmul.js';
import { sumAxis } from './reduce.js';
import { kernelProduct } from './stationary.js';
import { csrProduct } from './sparse.js';
import { stencil2d, stencil2dFlux } from './stencil.js';
import { probes } from './probes.js';
import { wasmMatmul, wasmStatus, wasmThresholds } from '../wasm/index.js';

/** The cpu backend instance. */
export const cpuBackend: Backend = {
  info(): BackendInfo {
    return { name: 'cpu', mode: 'typescript', precision: 'float64', detail: `matmul/matvec: ${wasmStatus()} (used from m·k·n ≥ ${wasmThresholds.matmul}; TypeScript loops below and as fallback)` };
  },
  matmul(a, b, out, m, k, n, aOffsets, bOffsets) {
    // WebAssembly SIMD kernels (src/backend/wasm) above a size threshold; false means: run the TypeScript loops
    if (wasmMatmul(a, b, out, m, k, n, aOffsets, bOffsets)) return;
    for (let t = 0; t < aOffsets.length; t++) gemm(a, aOffsets[t], b, bOffsets[t], out, t * m * n, m, k, n);
  },
  binary,
  unary,
  sumAxis,
  kernelProduct,
  csrProduct,
  stencil2d,
  stencil2dFlux,
  probes,
};
export { gemm, gemv } from './matmul.js';
export { sumAxis } from './reduce.js';
export { kernelProduct, profile, MAX_ORDER } from './stationary.js';
export { csrProduct } from './sparse.js';
export { stencil2d, stencil2dFlux } from './stencil.js';
