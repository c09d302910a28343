/**
 * Fields on the n × n cell grid of the unit square for the pde-arnoldi example: the true diffusion coefficient, random
 * smooth initial states, and the bilinear interpolation from a coarse c × c control grid (the fitted parameterisation).
 * Cell (x, y) is entry y·n + x, centred at ((x+1)/(n+1), (y+1)/(n+1)), as in tt.ops.laplacian2d.
 */
import * as tt from '../../src/index.js';

/** Cell-centre coordinates of an n × n grid. */
export function cellCentres(n: number): { xs: Float64Array; ys: Float64Array } {
  const N = n * n;
  const xs = new Float64Array(N), ys = new Float64Array(N);
  for (let i = 0; i < N; i++) { xs[i] = ((i % n) + 1) / (n + 1); ys[i] = (Math.floor(i / n) + 1) / (n + 1); }
  return { xs, ys };
}

/** The true coefficient k(x, y) > 0: a background of 1 with a raised bump, a lowered bump and a gentle tilt. */
export function trueCoefficient(n: number): Float64Array {
  const { xs, ys } = cellCentres(n);
  return Float64Array.from(xs, (x, i) => {
    const y = ys[i];
    return 1 + 0.9 * Math.exp(-((x - 0.3) ** 2 + (y - 0.65) ** 2) / 0.02) - 0.5 * Math.exp(-((x - 0.7) ** 2 + (y - 0.3) ** 2) / 0.015) + 0.2 * (x - 0.5);
  });
}

/** `count` random smooth initial states: each a sum of 6 Gaussian blobs with random centres, widths and signs. */
export function initialStates(key: tt.random.PRNGKey, n: number, count: number): tt.Tensor[] {
  const { xs, ys } = cellCentres(n);
  const blobs = 6;
  const u = tt.random.uniform(key, [count, blobs, 4]).data();
  const out: tt.Tensor[] = [];
  for (let s = 0; s < count; s++) {
    const f = new Float64Array(n * n);
    for (let b = 0; b < blobs; b++) {
      const o = (s * blobs + b) * 4;
      const cx = 0.15 + 0.7 * u[o], cy = 0.15 + 0.7 * u[o + 1], w2 = 0.004 + 0.02 * u[o + 2], a = u[o + 3] < 0.5 ? -1 : 1;
      for (let i = 0; i < f.length; i++) f[i] += a * Math.exp(-((xs[i] - cx) ** 2 + (ys[i] - cy) ** 2) / w2);
    }
    out.push(tt.tensor(f));
  }
  return out;
}

/** Bilinear interpolation matrix [n², c²] from control values at the nodes of a c × c grid spanning [0, 1]². */
export function bilinearMatrix(n: number, c: number): tt.Tensor {
  const { xs, ys } = cellCentres(n);
  const N = n * n, M = c * c;
  const P = new Float64Array(N * M);
  for (let i = 0; i < N; i++) {
    const gx = xs[i] * (c - 1), gy = ys[i] * (c - 1);
    const ix = Math.min(c - 2, Math.floor(gx)), iy = Math.min(c - 2, Math.floor(gy));
    const fx = gx - ix, fy = gy - iy;
    P[i * M + iy * c + ix] += (1 - fx) * (1 - fy);
    P[i * M + iy * c + ix + 1] += fx * (1 - fy);
    P[i * M + (iy + 1) * c + ix] += (1 - fx) * fy;
    P[i * M + (iy + 1) * c + ix + 1] += fx * fy;
  }
  return tt.tensor(P, { shape: [N, M] });
}
