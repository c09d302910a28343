/** The ops module: differentiable primitives (elementwise, reductions, shape, matmul), re-exported. */
export * from './elementwise.js';
export * from './reduce.js';
export * from './shape.js';
export * from './matmul.js';
export { broadcastShapes } from './broadcast.js';
