/**
 * Browser entry of the WebGL check (bundled by gpujs-webgl.browser.ts): runs every gpujs kernel against the cpu loops in
 * the page's gpu.js mode (WebGL2 in Chromium) and leaves the worst relative differences in window.__gpujsCheck.
 */
import { cpuBackend, gpujsBackend, type BinaryOp, type UnaryOp } from '../../src/backend/index.js';
import { fillNormal, fillRademacher, fillUniform, key } from '../../src/random/index.js';
import { rng, f64, relDiff, forceKernels } from './support.js';

/** Worst differences per kernel family, plus what ran. */
export interface GlCheck { mode: string; detail: string; renderer: string; diffs: Record<string, number>; error?: string }

function run(): GlCheck {
  forceKernels();
  const r = rng(7);
  const diffs: Record<string, number> = {};
  const note = (name: string, v: number): void => { diffs[name] = Math.max(diffs[name] ?? 0, v); };
  const z = Int32Array.of(0);
  for (const [m, k, n] of [[17, 33, 9], [40, 31, 1]]) {
    const a = f64(r, m * k), b = f64(r, k * n), o1 = new Float64Array(m * n), o2 = new Float64Array(m * n);
    cpuBackend.matmul(a, b, o1, m, k, n, z, z); gpujsBackend.matmul(a, b, o2, m, k, n, z, z);
    note('matmul', relDiff(o2, o1));
  }
  const n = 64;
  const a = f64(r, n).map((x) => Math.abs(x) + 0.1), b = f64(r, n).map((x) => x + (x >= 0 ? 0.1 : -0.1));
  for (const op of ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'greater', 'less'] as BinaryOp[]) {
    const o1 = new Float64Array(n), o2 = new Float64Array(n);
    cpuBackend.binary(op, a, b, o1, null, null); gpujsBackend.binary(op, a, b, o2, null, null);
    note('binary', relDiff(o2, o1));
  }
  for (const op of ['exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'softplus', 'sin', 'log1p', 'expm1'] as UnaryOp[]) {
    const o1 = new Float64Array(n), o2 = new Float64Array(n);
    cpuBackend.unary(op, a, o1); gpujsBackend.unary(op, a, o2);
    note(`unary:${op}`, relDiff(o2, o1));
  }
  const s1 = new Float64Array(8), s2 = new Float64Array(8), sa = f64(r, 8 * 30);
  cpuBackend.sumAxis(sa, s1, 8, 30, 1); gpujsBackend.sumAxis(sa, s2, 8, 30, 1);
  note('sumAxis', relDiff(s2, s1));
  for (const family of ['rbf', 'matern32', 'matern52'] as const) {
    for (const c of [1, 3]) {
      const x1 = f64(r, 20 * 3, 2), x2 = f64(r, 25 * 3, 2), v = f64(r, 25 * c), o1 = new Float64Array(20 * c), o2 = new Float64Array(20 * c);
      cpuBackend.kernelProduct(family, 0, x1, x2, v, o1, 20, 25, 3, c); gpujsBackend.kernelProduct(family, 0, x1, x2, v, o2, 20, 25, 3, c);
      note('kernelProduct', relDiff(o2, o1));
    }
  }
  const indptr = Int32Array.of(0, 3, 3, 4, 8), indices = Int32Array.of(0, 2, 5, 1, 0, 1, 3, 4), vals = f64(r, 8), x = f64(r, 12);
  const c1 = new Float64Array(8), c2 = new Float64Array(8);
  cpuBackend.csrProduct(indptr, indices, vals, x, c1, 4, 2); gpujsBackend.csrProduct(indptr, indices, vals, x, c2, 4, 2);
  note('csrProduct', relDiff(c2, c1));
  const kf = f64(r, 35).map((t) => Math.exp(t)), sv = f64(r, 70), su = f64(r, 70);
  const t1 = new Float64Array(70), t2 = new Float64Array(70), f1 = new Float64Array(35), f2 = new Float64Array(35);
  cpuBackend.stencil2d(kf, sv, t1, 7, 5, 2, 64, 36, true); gpujsBackend.stencil2d(kf, sv, t2, 7, 5, 2, 64, 36, true);
  note('stencil2d', relDiff(t2, t1));
  cpuBackend.stencil2dFlux(su, sv, f1, 7, 5, 2, 64, 36, true); gpujsBackend.stencil2dFlux(su, sv, f2, 7, 5, 2, 64, 36, true);
  note('stencil2dFlux', relDiff(f2, f1));
  const pk = key(4242);
  for (const start of [0, 2 ** 33 + 3]) {
    for (const [kind, fill] of [['rademacher', fillRademacher], ['uniform', fillUniform], ['normal', fillNormal]] as const) {
      const ref = new Float32Array(501), got = new Float32Array(501);
      fill(pk, ref, start);
      gpujsBackend.probes(kind, pk.k0, pk.k1, start, got);
      let worst = 0;
      for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]));
      note(`probes:${kind}`, worst);
    }
  }
  const info = gpujsBackend.info();
  const canvas = document.createElement('canvas');
  const gl = canvas.getContext('webgl2') as WebGL2RenderingContext | null;
  const renderer = gl ? String(gl.getParameter(gl.RENDERER)) : 'no webgl2';
  return { mode: info.mode, detail: info.detail ?? '', renderer, diffs };
}

const w = window as unknown as { __gpujsCheck: GlCheck };
setTimeout(() => {
  try { w.__gpujsCheck = run(); } catch (e) { w.__gpujsCheck = { mode: '?', detail: '', renderer: '', diffs: {}, error: String((e as Error).stack ?? e) }; }
}, 0);
