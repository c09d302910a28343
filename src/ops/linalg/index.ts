/** The linalg namespace (`tt.linalg`): small dense, differentiable, float64-accurate linear algebra. */
export { eighTridiagonal, type EighResult } from './eigh-tridiagonal.js';
export { eigh } from './eigh.js';
export { cholesky } from './cholesky.js';
export { solveTriangular, type SolveTriangularOptions } from './solve-triangular.js';
export { solve } from './solve.js';
export { inv } from './inv.js';
export { slogdet, det, type SlogdetResult } from './slogdet.js';
export { expm } from './expm.js';
