/** The ops module: differentiable primitives (elementwise, reductions, shape, matmul, indexing), re-exported. */
export * from './elementwise.js';
export * from './reduce.js';
export * from './shape.js';
export * from './matmul.js';
export { slice } from './slice.js';
export { concat, stack } from './concat.js';
export { take } from './take.js';
export { diag, diagonal, trace } from './diag.js';
export { broadcastShapes } from './broadcast.js';
