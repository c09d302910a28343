/** tracetape: the public API, re-exported from the modules (nothing else lives here). */
export { Tensor, isTensor, tensor, zeros, ones, full, eye, arange, linspace, zerosLike, onesLike, type DType, type TypedArray, type NestedArray, type TensorLike, type TensorOptions } from './tensor/index.js';
export { TracetapeError } from './util/errors.js';
export * from './ops/index.js';
export { grad, valueAndGrad, vjp, hvp, jvp, customVjp, stopGradient, noGrad, checkpoint, map, mapReduce, type GradOptions, type Pullback, type PyTree } from './tape/index.js';
export * as tree from './tape/tree-api.js';
export { setBackend, getBackend, backendInfo, type BackendName, type BackendInfo } from './backend/index.js';
export { setWasmThreads, wasmThreadsReady, wasmThreadsInfo, terminateWasmThreads, type WasmThreadsInfo } from './backend/index.js';
export * as linalg from './ops/linalg/index.js';
export * as nn from './ops/nn/index.js';
export * as ops from './ops/linops/index.js';
export * as random from './random/index.js';
export * as krylov from './krylov/index.js';
export * as stochtrace from './stochtrace/index.js';
export * as optim from './optim/index.js';
export * as testing from './testing/index.js';
