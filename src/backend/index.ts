/** The backend module: kernel interface, cpu kernels and backend selection. */
export type { Backend, BackendInfo, BinaryOp, UnaryOp } from './types.js';
export { setBackend, getBackend, backendInfo, kernels, registerBackend, type BackendName } from './registry.js';
export { cpuBackend, gemm, gemv } from './cpu/index.js';
