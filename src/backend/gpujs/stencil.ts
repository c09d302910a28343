/** gpu.js five-point diffusion stencil and its coefficient derivative (float32), same conventions as cpu/stencil.ts. */
import type { TypedArray } from '../../tensor/dtype.js';
import { gpujsContext } from './context.js';

/** out = A(k) v on an ny×nx grid with c interleaved columns (thread (x·c + q, y)). */
export function gpujsStencil2d(kf: TypedArray, v: TypedArray, out: TypedArray, nx: number, ny: number, c: number, ax: number, ay: number, dirichlet: boolean): void {
  const src = `function (kf, v) {
    const nx = this.constants.nx; const ny = this.constants.ny; const c = this.constants.c;
    const ax = this.constants.ax; const ay = this.constants.ay; const dir = this.constants.dirichlet;
    const y = this.thread.y;
    const x = Math.floor((this.thread.x + 0.5) / c);
    const q = this.thread.x - x * c;
    const p = y * nx + x;
    const i = p * c + q;
    const kp = kf[p];
    let diag = 0; let s = 0;
    if (x > 0) { const w = 0.5 * ax * (kp + kf[p - 1]); diag += w; s -= w * v[i - c]; } else { diag += dir * ax * kp; }
    if (x < nx - 1) { const w = 0.5 * ax * (kp + kf[p + 1]); diag += w; s -= w * v[i + c]; } else { diag += dir * ax * kp; }
    if (y > 0) { const w = 0.5 * ay * (kp + kf[p - nx]); diag += w; s -= w * v[i - nx * c]; } else { diag += dir * ay * kp; }
    if (y < ny - 1) { const w = 0.5 * ay * (kp + kf[p + nx]); diag += w; s -= w * v[i + nx * c]; } else { diag += dir * ay * kp; }
    return s + diag * v[i];
  }`;
  const consts = { nx, ny, c, ax, ay, dirichlet: dirichlet ? 1 : 0 };
  const k = gpujsContext().kernel(`st:${nx}:${ny}:${c}:${ax}:${ay}:${dirichlet}`, src, [nx * c, ny], consts, 1);
  out.set(k(kf, v));
}

/** out_p = ∂/∂k_p Σ_q u_qᵀ A(k) v_q (thread (x, y), a loop over the c columns). */
export function gpujsStencil2dFlux(u: TypedArray, v: TypedArray, out: TypedArray, nx: number, ny: number, c: number, ax: number, ay: number, dirichlet: boolean): void {
  const src = `function (u, v) {
    const nx = this.constants.nx; const ny = this.constants.ny; const c = this.constants.c;
    const ax = this.constants.ax; const ay = this.constants.ay; const dir = this.constants.dirichlet;
    const x = this.thread.x; const y = this.thread.y;
    const p = y * nx + x;
    let s = 0;
    for (let q = 0; q < this.constants.c; q++) {
      const i = p * c + q;
      const up = u[i]; const vp = v[i];
      if (x > 0) { s += 0.5 * ax * (up - u[i - c]) * (vp - v[i - c]); } else { s += dir * ax * up * vp; }
      if (x < nx - 1) { s += 0.5 * ax * (up - u[i + c]) * (vp - v[i + c]); } else { s += dir * ax * up * vp; }
      if (y > 0) { s += 0.5 * ay * (up - u[i - nx * c]) * (vp - v[i - nx * c]); } else { s += dir * ay * up * vp; }
      if (y < ny - 1) { s += 0.5 * ay * (up - u[i + nx * c]) * (vp - v[i + nx * c]); } else { s += dir * ay * up * vp; }
    }
    return s;
  }`;
  const consts = { nx, ny, c, ax, ay, dirichlet: dirichlet ? 1 : 0 };
  const k = gpujsContext().kernel(`stf:${nx}:${ny}:${c}:${ax}:${ay}:${dirichlet}`, src, [nx, ny], consts, c);
  out.set(k(u, v));
}
