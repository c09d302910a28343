/**
 * A 1-D acoustic full-waveform-inversion toy (seed 05, "approximate gradient FWI"): leapfrog time stepping of
 *     u[t+1] = 2u[t] − u[t−1] + s ⊙ a[t],   a[t] = dt² (L u[t] + q[t]),   s = c² (squared velocity, the unknown),
 * with L the 3-point Laplacian (zero Dirichlet ends), a point source, and receivers recording u. The misfit is
 * J(s) = ½ Σ_t ‖R u[t] − d[t]‖². Its adjoint-state gradient is ∂J/∂s = Σ_t a[t] ⊙ λ[t+1] with the adjoint recursion
 *     λ[t] = Rᵀ(R u[t] − d[t]) + 2λ[t+1] + dt² L(s ⊙ λ[t+1]) − λ[t+2].
 * The exact gradient needs every a[t] (n_t × N floats). Time probing (seed 05) keeps only ā = Q a and λ̄ = Q λ
 * (r × N each) for a random Q [r, n_t] with E[QᵀQ] = I and returns Σ_j ā[j] ⊙ λ̄[j], unbiased, error ∝ 1/√r.
 * The solver runs on typed arrays (the memory layout is the point); `misfitTape` is the same discretisation in
 * tracetape ops, so tt.grad gives an independent reference for the hand-written adjoint.
 */
import * as tt from '../../src/index.js';

/** The acquisition and discretisation. */
export interface WaveSetup {
  /** Grid points N and spacing dx. */
  n: number; dx: number;
  /** Time steps n_t and step dt. */
  nt: number; dt: number;
  /** Source grid index and its wavelet q_src[t] (length n_t). */
  src: number; wavelet: Float64Array;
  /** Receiver grid indices. */
  receivers: Int32Array;
}

/** Ricker wavelet of peak frequency `f` (Hz) delayed by `t0`, sampled at `nt` steps of `dt`. */
export function ricker(nt: number, dt: number, f: number, t0: number): Float64Array {
  const w = new Float64Array(nt);
  for (let t = 0; t < nt; t++) {
    const a = (Math.PI * f * (t * dt - t0)) ** 2;
    w[t] = (1 - 2 * a) * Math.exp(-a);
  }
  return w;
}

/** The default toy: N points on [0, 1], a source near the left end, receivers every 8 points. */
export function defaultSetup(n = 201, nt = 700): WaveSetup {
  const dx = 1 / (n - 1);
  const dt = 0.4 * dx; // CFL c·dt/dx ≤ 0.8 for velocities up to 2
  const receivers = Int32Array.from({ length: Math.floor((n - 2) / 8) }, (_, i) => 4 + 8 * i).filter((i) => i < n - 1);
  return { n, dx, nt, dt, src: Math.round(0.1 * (n - 1)), wavelet: ricker(nt, dt, 8, 0.15), receivers };
}

/** Squared-velocity model: background c0² plus Gaussian bumps (centre, width, Δc²). */
export function velocityModel(setup: WaveSetup, c0: number, bumps: readonly [number, number, number][]): Float64Array {
  const s = new Float64Array(setup.n);
  for (let i = 0; i < setup.n; i++) {
    const x = i * setup.dx;
    s[i] = c0 * c0;
    for (const [m, w, a] of bumps) s[i] += a * Math.exp(-(((x - m) / w) ** 2));
  }
  return s;
}

/** a = dt²(L u + q) at one step (q only at the source). */
function accel(setup: WaveSetup, u: Float64Array, t: number, out: Float64Array): void {
  const { n, dx, dt, src, wavelet } = setup;
  const c = (dt * dt) / (dx * dx);
  for (let i = 0; i < n; i++) {
    const l = i > 0 ? u[i - 1] : 0, r = i < n - 1 ? u[i + 1] : 0;
    out[i] = c * (l - 2 * u[i] + r);
  }
  out[src] += dt * dt * wavelet[t];
}

/** Recorded data d[t, k] = u[t, receivers[k]] for model `s` ([n_t × n_rec], row-major). */
export function simulate(setup: WaveSetup, s: Float64Array): Float64Array {
  return run(setup, s, null, null).traces;
}

interface ForwardOut { traces: Float64Array; aBar: Float64Array | null; aAll: Float64Array | null }

function run(setup: WaveSetup, s: Float64Array, Q: Float64Array | null, r: number | null, keepAll = false): ForwardOut {
  const { n, nt, receivers } = setup;
  const nr = receivers.length;
  let uPrev = new Float64Array(n), u = new Float64Array(n), uNext = new Float64Array(n);
  const a = new Float64Array(n);
  const traces = new Float64Array(nt * nr);
  const aBar = Q && r ? new Float64Array(r * n) : null;
  const aAll = keepAll ? new Float64Array(nt * n) : null;
  for (let t = 1; t < nt - 1; t++) {
    accel(setup, u, t, a);
    for (let i = 0; i < n; i++) uNext[i] = 2 * u[i] - uPrev[i] + s[i] * a[i];
    if (aBar && Q && r) {
      for (let j = 0; j < r; j++) {
        const qjt = Q[j * nt + t];
        const row = j * n;
        for (let i = 0; i < n; i++) aBar[row + i] += qjt * a[i];
      }
    }
    if (aAll) aAll.set(a, t * n);
    const tmp = uPrev; uPrev = u; u = uNext; uNext = tmp;
    for (let k = 0; k < nr; k++) traces[(t + 1) * nr + k] = u[receivers[k]];
  }
  return { traces, aBar, aAll };
}

/** Misfit, gradient and the floats kept from the forward pass for the backward one. */
export interface GradientResult { misfit: number; grad: Float64Array; storedFloats: number }

/**
 * Misfit and gradient ∂J/∂s. With `Q` (r × n_t, row-major) the gradient is time-probed (r × N floats kept);
 * without, it is the exact adjoint-state gradient (n_t × N floats kept).
 */
export function misfitAndGradient(setup: WaveSetup, s: Float64Array, observed: Float64Array, Q: Float64Array | null = null, r = 0): GradientResult {
  const { n, nt, dx, dt, receivers } = setup;
  const nr = receivers.length;
  const probed = Q !== null && r > 0;
  const fw = run(setup, s, probed ? Q : null, probed ? r : null, !probed);
  let misfit = 0;
  const res = new Float64Array(nt * nr);
  for (let i = 0; i < nt * nr; i++) { res[i] = fw.traces[i] - observed[i]; misfit += 0.5 * res[i] * res[i]; }
  // Adjoint recursion backwards in time; λ[t+1] meets a[t] in the gradient.
  let l1 = new Float64Array(n), l2 = new Float64Array(n), l0 = new Float64Array(n); // λ[t+1], λ[t+2], λ[t]
  const sl = new Float64Array(n);
  const grad = new Float64Array(n);
  const lBar = probed ? new Float64Array(r * n) : null;
  const c = (dt * dt) / (dx * dx);
  for (let t = nt - 1; t >= 0; t--) {
    // λ[t+1] (in l1) pairs with a[t].
    if (t >= 1 && t <= nt - 2) {
      if (lBar && Q) {
        for (let j = 0; j < r; j++) {
          const qjt = Q[j * nt + t];
          const row = j * n;
          for (let i = 0; i < n; i++) lBar[row + i] += qjt * l1[i];
        }
      } else if (fw.aAll) {
        const off = t * n;
        for (let i = 0; i < n; i++) grad[i] += fw.aAll[off + i] * l1[i];
      }
    }
    for (let i = 0; i < n; i++) sl[i] = s[i] * l1[i];
    for (let i = 0; i < n; i++) {
      const lap = (i > 0 ? sl[i - 1] : 0) - 2 * sl[i] + (i < n - 1 ? sl[i + 1] : 0);
      l0[i] = 2 * l1[i] + c * lap - l2[i];
    }
    for (let k = 0; k < nr; k++) l0[receivers[k]] += res[t * nr + k];
    const tmp = l2; l2 = l1; l1 = l0; l0 = tmp;
  }
  if (lBar && fw.aBar) {
    for (let j = 0; j < r; j++) {
      const row = j * n;
      for (let i = 0; i < n; i++) grad[i] += fw.aBar[row + i] * lBar[row + i];
    }
  }
  return { misfit, grad, storedFloats: probed ? 2 * r * n : nt * n };
}

/** Probing matrix Q [r, n_t] with entries ±1/√r (Rademacher), so E[QᵀQ] = I. */
export function timeProbes(key: tt.random.PRNGKey, r: number, nt: number): Float64Array {
  const q = tt.random.rademacher(key, [r, nt]).data();
  const out = new Float64Array(r * nt);
  const scale = 1 / Math.sqrt(r);
  for (let i = 0; i < out.length; i++) out[i] = q[i] * scale;
  return out;
}

/** The same misfit written in tracetape ops (dense Laplacian matmul per step), for tt.grad as a reference gradient. */
export function misfitTape(setup: WaveSetup, s: tt.Tensor, observed: Float64Array): tt.Tensor {
  const { n, nt, dx, dt, src, wavelet, receivers } = setup;
  const nr = receivers.length;
  const L = new Float64Array(n * n);
  const c = (dt * dt) / (dx * dx);
  for (let i = 0; i < n; i++) {
    L[i * n + i] = -2 * c;
    if (i > 0) L[i * n + i - 1] = c;
    if (i < n - 1) L[i * n + i + 1] = c;
  }
  const Lt = tt.tensor(L, { shape: [n, n] });
  const R = new Float64Array(nr * n);
  for (let k = 0; k < nr; k++) R[k * n + receivers[k]] = 1;
  const Rt = tt.tensor(R, { shape: [nr, n] });
  const e = new Float64Array(n); e[src] = dt * dt;
  const srcVec = tt.tensor(e);
  let uPrev = tt.zeros([n]), u = tt.zeros([n]);
  let misfit = tt.tensor(0.5 * sumSquares(observed.subarray(0, 2 * nr)));
  for (let t = 1; t < nt - 1; t++) {
    const a = tt.add(tt.matmul(Lt, u), tt.mul(srcVec, wavelet[t]));
    const uNext = tt.add(tt.sub(tt.mul(u, 2), uPrev), tt.mul(s, a));
    uPrev = u; u = uNext;
    const d = tt.tensor(observed.slice((t + 1) * nr, (t + 2) * nr));
    misfit = tt.add(misfit, tt.mul(0.5, tt.sum(tt.square(tt.sub(tt.matmul(Rt, u), d)))));
  }
  return misfit;
}

function sumSquares(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}

/** Relative 2-norm error ‖a − b‖ / ‖b‖. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < b.length; i++) { num += (a[i] - b[i]) ** 2; den += b[i] * b[i]; }
  return Math.sqrt(num / den);
}

/** Call `visit(t, u[t])` for every snapshot t = 0 … n_t−1 of the forward simulation in model `s` (u is reused). */
export function forEachSnapshot(setup: WaveSetup, s: Float64Array, visit: (t: number, u: Float64Array) => void): void {
  const { n, nt } = setup;
  let uPrev = new Float64Array(n), u = new Float64Array(n), uNext = new Float64Array(n);
  const a = new Float64Array(n);
  visit(0, uPrev);
  visit(1, u);
  for (let t = 1; t < nt - 1; t++) {
    accel(setup, u, t, a);
    for (let i = 0; i < n; i++) uNext[i] = 2 * u[i] - uPrev[i] + s[i] * a[i];
    const tmp = uPrev; uPrev = u; u = uNext; uNext = tmp;
    visit(t + 1, u);
  }
}

/**
 * Data-informed probes (seed 05, "choice of probing vectors"): an orthonormal basis [r, n_t] of the range of
 * D Dᵀ Z for the observed traces D [n_t, n_rec] and Rademacher Z [n_t, r] (modified Gram–Schmidt, two passes). The
 * data are a proxy for the wavefield's range in time, so the projection Σ_j q_j q_jᵀ keeps most of the imaging
 * condition with few probes (less crosstalk; biased, exact at r = n_t). Directions beyond the data's rank
 * (r > n_rec) are filled with further orthogonalised Rademacher vectors.
 */
export function dataRangeProbes(key: tt.random.PRNGKey, observed: Float64Array, nt: number, nrec: number, r: number): Float64Array {
  if (r > nt) throw new tt.TracetapeError('dataRangeProbes', `r must be at most n_t = ${nt}, received ${r}`);
  const [kz, kfill] = tt.random.split(key, 2);
  const z = tt.random.rademacher(kz, [r, nt]).data();
  const Q = new Float64Array(r * nt);
  const dz = new Float64Array(nrec);
  for (let j = 0; j < r; j++) {
    // y = D (Dᵀ z_j).
    dz.fill(0);
    for (let t = 0; t < nt; t++) for (let k = 0; k < nrec; k++) dz[k] += observed[t * nrec + k] * z[j * nt + t];
    const y = Q.subarray(j * nt, (j + 1) * nt);
    for (let t = 0; t < nt; t++) { let acc = 0; for (let k = 0; k < nrec; k++) acc += observed[t * nrec + k] * dz[k]; y[t] = acc; }
    if (!orthonormalise(Q, j, nt)) {
      const fill = tt.random.rademacher(tt.random.foldIn(kfill, j), [nt]).data();
      y.set(fill);
      if (!orthonormalise(Q, j, nt)) throw new tt.TracetapeError('dataRangeProbes', `could not extend the basis at column ${j}`);
    }
  }
  return Q;
}

/** Orthogonalise row j of Q against rows 0…j−1 (two MGS passes) and normalise; false when it (nearly) vanishes. */
function orthonormalise(Q: Float64Array, j: number, nt: number): boolean {
  const y = Q.subarray(j * nt, (j + 1) * nt);
  let n0 = 0;
  for (let t = 0; t < nt; t++) n0 += y[t] * y[t];
  n0 = Math.sqrt(n0);
  if (n0 === 0) return false;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < j; i++) {
      const q = Q.subarray(i * nt, (i + 1) * nt);
      let d = 0;
      for (let t = 0; t < nt; t++) d += q[t] * y[t];
      for (let t = 0; t < nt; t++) y[t] -= d * q[t];
    }
  }
  let n1 = 0;
  for (let t = 0; t < nt; t++) n1 += y[t] * y[t];
  n1 = Math.sqrt(n1);
  if (n1 <= 1e-8 * n0) return false;
  for (let t = 0; t < nt; t++) y[t] /= n1;
  return true;
}
