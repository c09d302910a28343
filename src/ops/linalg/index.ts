/** The linalg namespace (`tt.linalg`): small dense, differentiable, float64-accurate linear algebra. */
export { eighTridiagonal, type EighResult } from './eigh-tridiagonal.js';
export { eigh } from './eigh.js';
