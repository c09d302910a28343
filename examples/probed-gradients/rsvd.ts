/**
 * Part (c) of the probed-gradients example: randomized SVD (tt.krylov.randomizedSvd) of the FWI wavefield matrix
 * A[t, x] = u(t, x) (n_t × N), which is never stored: A v and Aᵀw are computed by re-running the wave solver and
 * contracting each snapshot on the fly (a block of c columns costs one solve). The seed's point: the information is
 * reaped by probing A Z, and a few probes capture the range of the wavefield. The reference is the dense matrix's
 * exact spectrum (tt.linalg.eigh of AᵀA, formed only for the check).
 */
import * as tt from '../../src/index.js';
import type { ExampleContext } from '../lib/index.js';
import { plot } from '../lib/index.js';
import { type WaveSetup, forEachSnapshot } from './wave1d.js';

/** Results of part (c). */
export interface RsvdResults {
  rank: number;
  shape: [number, number];
  exactSingularValues: number[];
  randomizedSingularValues: number[];
  /** max_i |σ̃_i − σ_i| / σ_i over the rank. */
  maxRelSingularValueErr: number;
  /** ‖A − Ũ S̃ Ṽᵀ‖_F / ‖A‖_F and the optimum √(Σ_{i>k} σ_i²) / ‖A‖_F (Eckart–Young). */
  approxErr: number; optimalErr: number;
  /** Wave solves spent on operator products (one per block of columns). */
  solves: number;
  seconds: number;
}

/** The wavefield operator: `apply` (v [N] or [N, c] → [n_t] or [n_t, c]) and `applyT` ([n_t(, c)] → [N(, c)]), counting solves. */
export function wavefieldOperator(setup: WaveSetup, s: Float64Array): { apply: (v: tt.Tensor) => tt.Tensor; applyT: (w: tt.Tensor) => tt.Tensor; solves: () => number } {
  const { n, nt } = setup;
  let solves = 0;
  const cols = (t: tt.Tensor): number => (t.shape.length === 1 ? 1 : t.shape[1]);
  const apply = (v: tt.Tensor): tt.Tensor => {
    const c = cols(v), vd = v.data(), out = new Float64Array(nt * c);
    solves++;
    forEachSnapshot(setup, s, (t, u) => {
      for (let j = 0; j < c; j++) {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += u[i] * vd[i * c + j];
        out[t * c + j] = acc;
      }
    });
    return tt.tensor(out, { shape: v.shape.length === 1 ? [nt] : [nt, c] });
  };
  const applyT = (w: tt.Tensor): tt.Tensor => {
    const c = cols(w), wd = w.data(), out = new Float64Array(n * c);
    solves++;
    forEachSnapshot(setup, s, (t, u) => {
      for (let i = 0; i < n; i++) {
        const ui = u[i];
        if (ui === 0) continue;
        for (let j = 0; j < c; j++) out[i * c + j] += ui * wd[t * c + j];
      }
    });
    return tt.tensor(out, { shape: w.shape.length === 1 ? [n] : [n, c] });
  };
  return { apply, applyT, solves: () => solves };
}

/** Run part (c): randomized SVD of rank `rank` versus the exact spectrum; prints a table and writes a figure. */
export function runRandomizedSvd(ctx: ExampleContext, key: tt.random.PRNGKey, setup: WaveSetup, s: Float64Array, rank: number): RsvdResults {
  const { n, nt } = setup;
  const op = wavefieldOperator(setup, s);
  const t0 = performance.now();
  const svd = tt.krylov.randomizedSvd((v: tt.Tensor) => op.apply(v), (w: tt.Tensor) => op.applyT(w), [nt, n], { rank, key });
  const seconds = (performance.now() - t0) / 1000;
  const solves = op.solves();

  // Reference: the dense wavefield matrix and its exact singular values.
  const A = new Float64Array(nt * n);
  forEachSnapshot(setup, s, (t, u) => A.set(u, t * n));
  const At = tt.tensor(A, { shape: [nt, n] });
  const gram = tt.matmul(tt.transpose(At), At);
  const ev = Array.from(tt.linalg.eigh(gram).values.data()).map((x) => Math.sqrt(Math.max(0, x))).sort((a, b) => b - a);
  const sv = Array.from(svd.S.data());
  const maxRelSingularValueErr = Math.max(...sv.map((x, i) => Math.abs(x - ev[i]) / ev[i]));
  const approx = tt.matmul(tt.mul(svd.U, tt.reshape(svd.S, [1, rank])), tt.transpose(svd.V));
  const normA = Math.sqrt(ev.reduce((acc, x) => acc + x * x, 0));
  const approxErr = Math.sqrt(tt.sum(tt.square(tt.sub(At, approx))).item()) / normA;
  const optimalErr = Math.sqrt(ev.slice(rank).reduce((acc, x) => acc + x * x, 0)) / normA;

  ctx.table(`Randomized SVD of the ${nt}×${n} wavefield matrix (rank ${rank}; ${solves} wave solves, ${seconds.toFixed(2)} s)`,
    ['i', 'exact σ_i', 'randomized σ̃_i', 'relative error'],
    sv.map((x, i) => [i + 1, ev[i], x, Math.abs(x - ev[i]) / ev[i]]));
  ctx.log(`rank-${rank} approximation error ‖A − ŨS̃Ṽᵀ‖_F/‖A‖_F = ${approxErr.toExponential(3)}; optimal (Eckart–Young) ${optimalErr.toExponential(3)}`);
  const m = Math.min(ev.length, 3 * rank);
  ctx.writeSvg('rsvd', plot({
    title: `Singular values of the ${nt}×${n} wavefield matrix`, xLabel: 'index i', yLabel: 'σ_i', yLog: true,
    series: [
      { label: 'exact (dense eigh of AᵀA)', x: ev.slice(0, m).map((_, i) => i + 1), y: ev.slice(0, m), kind: 'both' },
      { label: `randomized SVD, rank ${rank}`, x: sv.map((_, i) => i + 1), y: sv, kind: 'scatter', width: 4 },
    ],
  }));
  return { rank, shape: [nt, n], exactSingularValues: ev.slice(0, m), randomizedSingularValues: sv, maxRelSingularValueErr, approxErr, optimalErr, solves, seconds };
}
