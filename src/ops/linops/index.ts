/** The linops namespace (`tt.ops`): built-in differentiable linear operators with entry access for preconditioners. */
export { denseMatvec, type DenseParams } from './dense.js';
export { csrMatvec, csrPattern, CsrPattern, type CsrParams } from './csr.js';
export { laplacian2d, type LaplacianOptions, type LaplacianParams } from './laplacian.js';
export { kernelMatvec, type KernelParams } from './kernel-matvec.js';
export type { LinearOperator, Matvec, MatrixAccess } from './types.js';
