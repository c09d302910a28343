/** Float64 TypeScript five-point variable-coefficient diffusion stencil −∇·(k∇v) on a 2-D grid, and its k-derivative. */
import type { TypedArray } from '../../tensor/dtype.js';

/**
 * out = A(k) v on an ny×nx grid with c interleaved columns: each face between cells p and nb contributes
 * a·(k_p + k_nb)/2 · (v_p − v_nb) to out_p; a boundary face contributes a·k_p·v_p when `dirichlet` (zero ghost), nothing otherwise.
 */
export function stencil2d(kf: TypedArray, v: TypedArray, out: TypedArray, nx: number, ny: number, c: number, ax: number, ay: number, dirichlet: boolean): void {
  const hx = 0.5 * ax, hy = 0.5 * ay;
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      const p = y * nx + x;
      const kp = kf[p];
      const wW = x > 0 ? hx * (kp + kf[p - 1]) : dirichlet ? ax * kp : 0;
      const wE = x < nx - 1 ? hx * (kp + kf[p + 1]) : dirichlet ? ax * kp : 0;
      const wS = y > 0 ? hy * (kp + kf[p - nx]) : dirichlet ? ay * kp : 0;
      const wN = y < ny - 1 ? hy * (kp + kf[p + nx]) : dirichlet ? ay * kp : 0;
      const diag = wW + wE + wS + wN;
      for (let q = 0; q < c; q++) {
        const i = p * c + q;
        let s = diag * v[i];
        if (x > 0) s -= wW * v[i - c];
        if (x < nx - 1) s -= wE * v[i + c];
        if (y > 0) s -= wS * v[i - nx * c];
        if (y < ny - 1) s -= wN * v[i + nx * c];
        out[i] = s;
      }
    }
  }
}

/** out_p = ∂/∂k_p Σ_q u_qᵀ A(k) v_q: (a/2)(u_p − u_nb)(v_p − v_nb) per interior face at p, plus a·u_p·v_p per Dirichlet boundary face. */
export function stencil2dFlux(u: TypedArray, v: TypedArray, out: TypedArray, nx: number, ny: number, c: number, ax: number, ay: number, dirichlet: boolean): void {
  const hx = 0.5 * ax, hy = 0.5 * ay;
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      const p = y * nx + x;
      let s = 0;
      for (let q = 0; q < c; q++) {
        const i = p * c + q;
        const up = u[i], vp = v[i];
        if (x > 0) s += hx * (up - u[i - c]) * (vp - v[i - c]); else if (dirichlet) s += ax * up * vp;
        if (x < nx - 1) s += hx * (up - u[i + c]) * (vp - v[i + c]); else if (dirichlet) s += ax * up * vp;
        if (y > 0) s += hy * (up - u[i - nx * c]) * (vp - v[i - nx * c]); else if (dirichlet) s += ay * up * vp;
        if (y < ny - 1) s += hy * (up - u[i + nx * c]) * (vp - v[i + nx * c]); else if (dirichlet) s += ay * up * vp;
      }
      out[p] = s;
    }
  }
}
