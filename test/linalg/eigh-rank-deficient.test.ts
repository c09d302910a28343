// Regression: eigh on rank-deficient Gram/GGN-type matrices (many eigenvalues at roundoff level), which stalled the
// tridiagonal QL iteration while it only used a neighbour-relative deflation test.
import { expect } from 'chai';
import * as tt from '../../src/index.js';

/** G = s·J Jᵀ with J[i, j] = tanh((0.3 + 0.1 j) x_i + 0.05 j): smooth features, so rank(G) ≪ N numerically. */
function gram(N: number, P: number, s: number): { G: tt.Tensor; data: Float64Array } {
  const J = new Float64Array(N * P);
  for (let i = 0; i < N; i++) for (let j = 0; j < P; j++) { const x = -2 + (4 * i) / (N - 1); J[i * P + j] = Math.tanh((0.3 + 0.1 * j) * x + 0.05 * j); }
  const Jt = tt.tensor(J, { shape: [N, P] });
  const G = tt.mul(tt.matmul(Jt, tt.transpose(Jt)), s);
  return { G, data: G.data() as Float64Array };
}

describe('linalg.eigh: rank-deficient Gram matrices', () => {
  for (const [N, P, s] of [[80, 30, 100], [60, 60, 100], [80, 20, 1e4]] as const) {
    it(`converges and is backward stable for N = ${N}, P = ${P}, scale ${s}`, () => {
      const { G, data } = gram(N, P, s);
      const { values, vectors } = tt.linalg.eigh(G);
      const lam = values.data(), V = vectors.data();
      let norm = 0, trace = 0, frob2 = 0;
      for (let i = 0; i < N; i++) { trace += data[i * N + i]; let row = 0; for (let j = 0; j < N; j++) { row += Math.abs(data[i * N + j]); frob2 += data[i * N + j] ** 2; } norm = Math.max(norm, row); }
      // Backward stability: ‖V Λ Vᵀ − G‖_max and ‖VᵀV − I‖_max at a few hundred ulps of ‖G‖ (n = 80 Householder + QL steps).
      let recon = 0, orth = 0;
      for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) {
        let r = 0, o = 0;
        for (let k = 0; k < N; k++) { r += V[i * N + k] * lam[k] * V[j * N + k]; o += V[k * N + i] * V[k * N + j]; }
        recon = Math.max(recon, Math.abs(r - data[i * N + j]));
        orth = Math.max(orth, Math.abs(o - (i === j ? 1 : 0)));
      }
      expect(recon / norm).to.be.below(1e-12);
      expect(orth).to.be.below(1e-12);
      // Independent invariants: Σλ = tr G and Σλ² = ‖G‖_F² (relative 1e-12); PSD up to roundoff (λ ≥ −1e-12‖G‖).
      let s1 = 0, s2 = 0;
      for (const l of lam) { s1 += l; s2 += l * l; expect(l).to.be.above(-1e-12 * norm); }
      expect(Math.abs(s1 - trace) / trace).to.be.below(1e-12);
      expect(Math.abs(s2 - frob2) / frob2).to.be.below(1e-12);
    });
  }
});
