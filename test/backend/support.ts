/** Helpers of the backend tests: seeded data, float32-aware comparison, forcing every call through gpu.js. */
import { gpujsThresholds, type GpujsThresholds } from '../../src/backend/index.js';

/** Seeded values in [-0.5, 0.5). */
export function rng(seed: number): () => number {
  let s = (seed * 2654435761 + 777) >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296 - 0.5; };
}

/** A Float64Array of length n from r, times scale. */
export function f64(r: () => number, n: number, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => scale * r());
}

/** Max |a − b| / (1 + max |b|). */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0, s = 0;
  for (let i = 0; i < a.length; i++) { m = Math.max(m, Math.abs(a[i] - b[i])); s = Math.max(s, Math.abs(b[i])); }
  return m / (1 + s);
}

/** Set every gpujs threshold to 0 (so even tiny calls run gpu.js kernels) and return a function restoring them. */
export function forceKernels(): () => void {
  const saved: GpujsThresholds = { ...gpujsThresholds };
  for (const k of Object.keys(gpujsThresholds) as (keyof GpujsThresholds)[]) gpujsThresholds[k] = 0;
  return () => Object.assign(gpujsThresholds, saved);
}
