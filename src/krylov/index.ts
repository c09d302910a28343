/**
 * The krylov module (public namespace tt.krylov): Lanczos and Arnoldi with adjoint VJPs (Krämer et al. 2024), matrix
 * functions f(A)v, stochastic Lanczos quadrature (logdet), conjugate gradients with an implicit VJP and a pivoted-Cholesky
 * preconditioner, Golub–Kahan bidiagonalisation and randomized SVD.
 *
 * Conventions shared by every solver here:
 * - A matvec is `(v, params) => Tensor` built from differentiable ops; gradients reach the start vector and every tensor in
 *   `params` (tensors captured in a closure are constants for the adjoint passes). Lanczos and CG assume the operator is
 *   symmetric for every value of params (e.g. write ½(B + Bᵀ) when B is a raw parameter matrix).
 * - `gradient: 'adjoint'` (default) registers one tape node whose backward solves the adjoint recursion on raw typed arrays,
 *   one matvec VJP per step; it is first-order only (a grad-of-grad through it throws; use `gradient: 'backprop'`).
 * - Breakdown: when a new Krylov direction has norm ≤ breakdownTol·‖A q_k‖ (an invariant subspace), the iteration stops;
 *   outputs keep their requested shapes with exact zeros after step m, and gradients (finite) flow through the first m
 *   steps only. funm/SLQ then use the leading m×m block, which is exact for that subspace.
 * - NaN/Inf from a matvec, a VJP or a preconditioner raise a TracetapeError naming the iteration.
 */
export { lanczos, type LanczosOptions, type LanczosResult } from './lanczos.js';
export { arnoldi, type ArnoldiOptions, type ArnoldiResult } from './arnoldi.js';
export { type Matvec } from './matvec.js';
export { funmLanczos, funmArnoldi, type FunmOptions, type FunmVector } from './funm.js';
export { type MatrixFunction } from './dense-funm.js';
export { slqIntegrand, logdet, type SlqIntegrand, type LogdetOptions, type LogdetPreconditioner } from './slq.js';
export { lowRankPreconditioner, type LowRankPreconditionerOptions, type LowRankPreconditioner } from './low-rank-preconditioner.js';
export { type LowRankShift } from './low-rank-shift.js';
export { cg, type CgOptions, type CgProgress, type Preconditioner } from './cg.js';
export { pivotedCholeskyPreconditioner, type PivotedCholeskyOptions, type PivotedCholeskyPreconditioner } from './preconditioner.js';
export { bidiag, type BidiagOptions, type BidiagResult } from './bidiag.js';
export { randomizedSvd, type RandomizedSvdOptions, type RandomizedSvdResult } from './randomized-svd.js';
