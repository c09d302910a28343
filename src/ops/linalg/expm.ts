/** expm: the matrix exponential (scaling and squaring, Padé 13) with its VJP by the block-matrix Fréchet derivative. */
import { Tensor, zeros } from '../../tensor/index.js';
import { record } from '../../tape/index.js';
import { add, mul, transpose } from '../index.js';
import { checkResultFinite, checkSquare, copyF64, wrap } from './validate.js';
import { expmF64, norm1 } from './pade.js';
import { placeBlock, takeBlock } from './blocks.js';

/**
 * The matrix exponential e^A of a square matrix ([n, n]) by Higham's (2005) scaling and squaring with Padé degree 3–13
 * chosen from ‖A‖₁, in float64 (float32 inputs are computed in float64 and rounded back). Throws TracetapeError if the
 * result overflows. Differentiable to any order: the VJP is the Fréchet derivative L(Aᵀ, Ḡ), read off the upper-right
 * block of expm([[Aᵀ, Ḡ], [0, Aᵀ]]) computed by expm itself (so a VJP costs one exponential of a 2n×2n matrix).
 */
export function expm(A: Tensor): Tensor {
  const fn = 'expm';
  const n = checkSquare(fn, 'A', A);
  const r = expmF64(copyF64(A), n);
  checkResultFinite(fn, 'e^A', r);
  const out = wrap(r, [n, n], A.dtype);
  record(fn, [out], [A], ([g]) => {
    // L(Aᵀ, ·) is linear: scale Ḡ to ‖A‖₁ so it does not inflate the block's norm (and the number of squarings).
    const gNorm = norm1(g!._data, n);
    if (gNorm === 0) return [zeros([n, n], { dtype: g!.dtype })];
    const ratio = (norm1(A._data, n) || 1) / gNorm;
    const c = Number.isFinite(ratio) ? ratio : 1;
    const At = transpose(A);
    const block = add(add(placeBlock(At, 2 * n, 0, 0), placeBlock(mul(g!, c), 2 * n, 0, n)), placeBlock(At, 2 * n, n, n));
    return [mul(takeBlock(expm(block), n, n, 0, n), 1 / c)];
  });
  return out;
}
