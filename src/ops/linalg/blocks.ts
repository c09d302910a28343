/** Differentiable block placement and extraction (mutual adjoints), used to build block matrices inside VJP rules. */
import { Tensor, allocate } from '../../tensor/index.js';
import { record } from '../../tape/index.js';

/** The size×size zero matrix with the matrix `x` placed with its top-left corner at (row0, col0) (differentiable). */
export function placeBlock(x: Tensor, size: number, row0: number, col0: number): Tensor {
  const [r, c] = x.shape;
  const out = allocate(x.dtype, size * size);
  const d = x._data;
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[(row0 + i) * size + col0 + j] = d[i * c + j];
  const res = new Tensor(out, [size, size]);
  record('placeBlock', [res], [x], ([g]) => [takeBlock(g!, r, c, row0, col0)]);
  return res;
}

/** The rows×cols block of the square matrix `x` whose top-left corner is at (row0, col0) (differentiable). */
export function takeBlock(x: Tensor, rows: number, cols: number, row0: number, col0: number): Tensor {
  const size = x.shape[1];
  const out = allocate(x.dtype, rows * cols);
  const d = x._data;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = d[(row0 + i) * size + col0 + j];
  const res = new Tensor(out, [rows, cols]);
  record('takeBlock', [res], [x], ([g]) => [placeBlock(g!, size, row0, col0)]);
  return res;
}
