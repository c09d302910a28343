/** Shared types of the built-in linear operators: the matvec signature and the matrix access used by preconditioners. */
import type { Tensor } from '../../tensor/index.js';

/**
 * Read access to the entries of an operator's matrix at fixed parameters (float64 copies, no gradient), which is
 * what a pivoted-Cholesky preconditioner needs: the diagonal and single columns, never the whole matrix. It plugs straight
 * into `tt.krylov.pivotedCholeskyPreconditioner({ diagonal: () => acc.diag(), column: (i) => acc.column(i), shift: acc.shift, rank })`.
 */
export interface MatrixAccess {
  /** Matrix size n (the operator is n × n). */
  readonly size: number;
  /** The operator's matrix is B + shift·I, where diag()/column() describe B (kernelMatvec: shift = noise σ²; others: 0). */
  readonly shift: number;
  /** The diagonal of B, length n. */
  diag(): Float64Array;
  /** Column i of B (0 ≤ i < n), length n. */
  column(i: number): Float64Array;
}

/** A matvec with explicit parameters: `(v, params) => A(params) v`; v is [n] or a block of columns [n, c]. */
export type Matvec<P> = (v: Tensor, params: P) => Tensor;

/** A built-in matvec that also exposes its matrix entries (`op.access(params)`) for preconditioners. */
export interface LinearOperator<P> extends Matvec<P> {
  /** Entry access at these parameters. */
  access(params: P): MatrixAccess;
}
