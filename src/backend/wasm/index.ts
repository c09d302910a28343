/** WebAssembly SIMD kernels for the cpu backend (float64 f64x2 and float32 f32x4 gemm/gemv/gemvt, a float64 sum; a wasm-resident row basis for Gram–Schmidt), with TypeScript fallback. */
import { wasmRuntime } from './matmul.js';
import type { ResidentStats } from './resident.js';

export { wasmMatmul, wasmSum, wasmThresholds } from './matmul.js';
export { WasmRowBasis } from './gemvt.js';
export { simdSupported, wasmStatus } from './module.js';
export { setWasmThreads, wasmThreadsReady, wasmThreadsInfo, terminateWasmThreads, threadsInEffect, threadsStatus, threadThreshold, threadChunking, type WasmThreadsInfo } from './threads.js';
export { wasmPhiloxFill, wasmPhiloxBlocks, PHILOX_BLOCKS_MAX, wasmBootstrapMeans, defaultPhiloxThreads, philoxThresholds, type PhiloxFillKind } from './philox.js';
export type { ResidentStats } from './resident.js';

/** Whether the wasm kernels are loaded and used (false without WebAssembly SIMD or with TRACETAPE_WASM=0). */
export function wasmAvailable(): boolean {
  return wasmRuntime() !== null;
}

/** Set the byte limit of the cache of matrices kept resident in wasm memory across calls (default 256 MiB; 0 disables). */
export function setResidentCacheLimit(bytes: number): void {
  wasmRuntime()?.resident.setLimit(bytes);
}

/** Free every resident matrix copy (the wasm memory keeps its size; WebAssembly memories never shrink). */
export function clearResidentCache(): void {
  wasmRuntime()?.resident.clear();
}

/** Statistics of the resident cache and of the wasm memory, or null without the kernels. */
export function residentStats(): (ResidentStats & { memoryBytes: number; allocatedBytes: number }) | null {
  const rt = wasmRuntime();
  if (!rt) return null;
  return { ...rt.resident.stats(), memoryBytes: rt.heap.capacityBytes(), allocatedBytes: rt.heap.usedBytes() };
}

// stationary kernel products (RBF / Matérn) on the wasm kernels
export { wasmKernelProduct, kernelWasmThresholds } from './kernel-product.js';
export { kernelThreadThreshold, kernelThreadsStatus } from './kernel-threads.js';
