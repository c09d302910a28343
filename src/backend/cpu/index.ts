/** The cpu backend: float64 (or float32, following the tensors) TypeScript loops. */
import type { Backend, BackendInfo } from '../types.js';
import { binary, unary } from './elementwise.js';
import { gemm } from './matmul.js';

/** The cpu backend instance. */
export const cpuBackend: Backend = {
  info(): BackendInfo {
    return { name: 'cpu', mode: 'typescript', precision: 'float64' };
  },
  matmul(a, b, out, m, k, n, aOffsets, bOffsets) {
    for (let t = 0; t < aOffsets.length; t++) gemm(a, aOffsets[t], b, bOffsets[t], out, t * m * n, m, k, n);
  },
  binary,
  unary,
};
export { gemm, gemv } from './matmul.js';
