/** The backend module: kernel interface, cpu and gpujs kernels, and backend selection. */
export type { Backend, BackendInfo, BinaryOp, UnaryOp, StationaryFamily, ProbeKind } from './types.js';
export { setBackend, getBackend, backendInfo, kernels, registerBackend, type BackendName } from './registry.js';
export { cpuBackend, gemm, gemv, MAX_ORDER } from './cpu/index.js';
export { gpujsBackend, gpujsThresholds, type GpujsThresholds } from './gpujs/index.js';
export { setWasmThreads, wasmThreadsReady, wasmThreadsInfo, terminateWasmThreads, type WasmThreadsInfo } from './wasm/index.js';
export { WasmRowBasis } from './wasm/gemvt.js';
export { WasmBasis, wasmBasisStats } from './wasm/basis-memory.js';
