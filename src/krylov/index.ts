/** The krylov module (public namespace tt.krylov): Lanczos, Arnoldi (adjoint VJPs), matrix functions, SLQ, CG, bidiagonalisation, randomized SVD. */
export { lanczos, type LanczosOptions, type LanczosResult } from './lanczos.js';
export { type Matvec } from './matvec.js';
export { arnoldi, type ArnoldiOptions, type ArnoldiResult } from './arnoldi.js';
export { funmLanczos, funmArnoldi, type FunmOptions, type FunmVector } from './funm.js';
export { type MatrixFunction } from './dense-funm.js';
export { slqIntegrand, logdet, type SlqIntegrand, type LogdetOptions } from './slq.js';
export { cg, type CgOptions, type CgProgress, type Preconditioner } from './cg.js';
export { pivotedCholeskyPreconditioner, type PivotedCholeskyOptions, type PivotedCholeskyPreconditioner } from './preconditioner.js';
export { bidiag, type BidiagOptions, type BidiagResult } from './bidiag.js';
export { randomizedSvd, type RandomizedSvdOptions, type RandomizedSvdResult } from './randomized-svd.js';
