/**
 * laplacian2d(nx, ny, options): the variable-coefficient diffusion operator v ↦ −∇·(k∇v) on an ny × nx grid of cells
 * (cell (x, y) is entry y·nx + x), five-point finite volumes with face coefficients (k_p + k_nb)/2 and spacings hx, hy.
 * Boundaries: 'dirichlet' (v = 0 on a ghost layer outside the grid; symmetric positive definite for k > 0) or
 * 'neumann' (zero flux; positive semidefinite with the constants as null space). Differentiable in v and the field k.
 */
import { Tensor, allocate, promote } from '../../tensor/index.js';
import { record } from '../../tape/index.js';
import { kernels } from '../../backend/index.js';
import { stencil2d } from '../../backend/cpu/index.js';
import { reshape } from '../index.js';
import { TracetapeError, check, checkOptions, checkPositiveInt, describe, fmtShape } from '../../util/errors.js';
import { makePortable, registerPortable } from '../../util/portable.js';
import { asColumns } from './columns.js';
import type { LinearOperator, MatrixAccess } from './types.js';

/** Options of laplacian2d. */
export interface LaplacianOptions {
  /** 'dirichlet' (default) or 'neumann'. */
  boundary?: 'dirichlet' | 'neumann';
  /** Grid spacing: a number or [hx, hy] (default 1/(nx+1), 1/(ny+1): the interior of the unit square). */
  spacing?: number | [number, number];
}

/** Parameters of a laplacian2d operator: the coefficient field k, shape [ny, nx] or [ny·nx] (a Tensor or {k}). */
export type LaplacianParams = Tensor | { k: Tensor };

interface Grid { nx: number; ny: number; ax: number; ay: number; dirichlet: boolean }

/** The differentiable stencil product A(k) V (V [N, c], k [N]). */
function stencilApply(g: Grid, k: Tensor, V: Tensor): Tensor {
  const N = g.nx * g.ny, c = V.shape[1];
  const out = allocate(promote(k.dtype, V.dtype), N * c);
  kernels().stencil2d(k._data, V._data, out, g.nx, g.ny, c, g.ax, g.ay, g.dirichlet);
  const res = new Tensor(out, [N, c]);
  record('laplacian2d', [res], [k, V], ([gr]) => [
    k._tracked ? stencilFlux(g, gr!, V) : null,
    V._tracked ? stencilApply(g, k, gr!) : null,
  ]);
  return res;
}

/** The differentiable bilinear form derivative ∂/∂k Σ_q U_qᵀ A(k) V_q (a field [N]); A is linear in k, so its VJP is A(w)·. */
function stencilFlux(g: Grid, U: Tensor, V: Tensor): Tensor {
  const N = g.nx * g.ny, c = V.shape[1];
  const out = allocate(promote(U.dtype, V.dtype), N);
  kernels().stencil2dFlux(U._data, V._data, out, g.nx, g.ny, c, g.ax, g.ay, g.dirichlet);
  const res = new Tensor(out, [N]);
  record('laplacian2dFlux', [res], [U, V], ([w]) => [
    U._tracked ? stencilApply(g, w!, V) : null,
    V._tracked ? stencilApply(g, w!, U) : null,
  ]);
  return res;
}

/** The operator −∇·(k∇·) on an ny × nx grid as a matvec `(v, k) => A(k) v` with entry access for preconditioners. */
export function laplacian2d(nx: number, ny: number, options: LaplacianOptions = {}): LinearOperator<LaplacianParams> {
  const fn = 'laplacian2d';
  checkPositiveInt(fn, 'nx', nx);
  checkPositiveInt(fn, 'ny', ny);
  checkOptions(fn, options, ['boundary', 'spacing']);
  const boundary = options.boundary ?? 'dirichlet';
  check(boundary === 'dirichlet' || boundary === 'neumann', fn, () => `options.boundary must be 'dirichlet' or 'neumann', received ${describe(boundary)}`);
  const sp = options.spacing ?? [1 / (nx + 1), 1 / (ny + 1)];
  const [hx, hy] = typeof sp === 'number' ? [sp, sp] : sp;
  check(Number.isFinite(hx) && hx > 0 && Number.isFinite(hy) && hy > 0, fn, () => `options.spacing must be positive, received ${describe(sp)}`);
  const grid: Grid = { nx, ny, ax: 1 / (hx * hx), ay: 1 / (hy * hy), dirichlet: boundary === 'dirichlet' };
  const N = nx * ny;
  const field = (f: string, params: LaplacianParams): Tensor => {
    const k = params instanceof Tensor ? params : (params as { k?: unknown } | null)?.k;
    if (!(k instanceof Tensor) || k.size !== N || !(k.shape.length === 1 || (k.shape.length === 2 && k.shape[0] === ny && k.shape[1] === nx))) {
      throw new TracetapeError(f, `the coefficient field k must be a Tensor of shape [${ny}, ${nx}] or [${N}] (pass it as params or {k}), received ${k instanceof Tensor ? `shape ${fmtShape(k.shape)}` : describe(k)}`);
    }
    return k.shape.length === 1 ? k : reshape(k, [N]);
  };
  const matvec = (v: Tensor, params: LaplacianParams): Tensor => {
    const k = field(fn, params);
    const { V, restore } = asColumns(fn, v, N);
    return restore(stencilApply(grid, k, V));
  };
  const access = (params: LaplacianParams): MatrixAccess => {
    const f = 'laplacian2d.access';
    const kd = Float64Array.from(field(f, params)._data);
    const column = (i: number): Float64Array => {
      check(Number.isInteger(i) && i >= 0 && i < N, f, () => `column index must be an integer in [0, ${N}), received ${describe(i)}`);
      const e = new Float64Array(N), out = new Float64Array(N);
      e[i] = 1;
      stencil2d(kd, e, out, nx, ny, 1, grid.ax, grid.ay, grid.dirichlet);
      return out;
    };
    return {
      size: N,
      shift: 0,
      diag(): Float64Array {
        const ones = new Float64Array(N);
        const out = new Float64Array(N);
        // The diagonal is A(k) applied to unit vectors; with one pass per colour of a 3×3 colouring it costs 9 stencils.
        for (let cy = 0; cy < 3; cy++) {
          for (let cx = 0; cx < 3; cx++) {
            ones.fill(0);
            for (let y = cy; y < ny; y += 3) for (let x = cx; x < nx; x += 3) ones[y * nx + x] = 1;
            const col = new Float64Array(N);
            stencil2d(kd, ones, col, nx, ny, 1, grid.ax, grid.ay, grid.dirichlet);
            for (let y = cy; y < ny; y += 3) for (let x = cx; x < nx; x += 3) out[y * nx + x] = col[y * nx + x];
          }
        }
        return out;
      },
      column,
    };
  };
  return makePortable(Object.assign(matvec, { access }), { kind: 'ops.laplacian2d', nx, ny, boundary, spacing: [hx, hy] });
}

registerPortable('ops.laplacian2d', (d) => laplacian2d(d.nx as number, d.ny as number, { boundary: d.boundary as 'dirichlet' | 'neumann', spacing: d.spacing as [number, number] }));
