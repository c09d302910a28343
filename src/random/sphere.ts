/**
 * random.sphere: rows (the last axis) uniformly distributed on the sphere of radius sqrt(n), n = the last
 * dimension, so that E[v vᵀ] = I (the same normalisation as matfree's sphere sampler, so it is a valid
 * Hutchinson probe). Each row is the corresponding row of the normal stream (float64 recipe, or the 24-bit
 * recipe for float32) divided by its Euclidean norm and multiplied by sqrt(n), computed in float64 and then
 * rounded to the dtype. The Box–Muller radius is never 0, so no row has zero norm.
 */
import { type DType, type Tensor, fromData } from '../tensor/index.js';
import { TracetapeError, check, describe } from '../util/errors.js';
import { type PRNGKey, checkKey } from './key.js';
import { checkShape, readDtype } from './args.js';
import { fillNormalRaw, precisionOf } from './streams.js';

/** Options of random.sphere. */
export interface SphereOptions {
  /** Element type (default 'float64'). */
  dtype?: DType;
}

function fillSphereRaw(k: PRNGKey, out: Float64Array | Float32Array, n: number, start: number): void {
  const z = out instanceof Float64Array ? out : new Float64Array(out.length);
  fillNormalRaw(k, z, start, precisionOf(out));
  const scale = Math.sqrt(n);
  for (let row = 0; row < z.length; row += n) {
    let ss = 0;
    for (let j = row; j < row + n; j++) ss += z[j] * z[j];
    const f = scale / Math.sqrt(ss);
    for (let j = row; j < row + n; j++) z[j] *= f;
  }
  if (z !== out) out.set(z);
}

/**
 * Fill `out` with sphere rows of length `n` (as random.sphere): stream elements start .. start+out.length-1, where
 * `start` and `out.length` are multiples of n (float32 arrays use the 24-bit recipe, normalised in float64).
 */
export function fillSphere(k: PRNGKey, out: Float64Array | Float32Array, n: number, start = 0): void {
  const fn = 'random.fillSphere';
  checkKey(fn, k);
  if (!(out instanceof Float64Array || out instanceof Float32Array)) {
    throw new TracetapeError(fn, `out must be a Float64Array or Float32Array, received ${describe(out)}`);
  }
  check(typeof n === 'number' && Number.isInteger(n) && n >= 1, fn, () => `n (the row length) must be a positive integer, received ${describe(n)}`);
  check(out.length % n === 0, fn, () => `out.length must be a multiple of the row length ${n}, received ${out.length}`);
  check(typeof start === 'number' && Number.isInteger(start) && start >= 0 && start % n === 0 && start + out.length <= 2 ** 53, fn,
    () => `start must be a non-negative multiple of the row length ${n} (with start + out.length <= 2^53), received ${describe(start)}`);
  fillSphereRaw(k, out, n, start);
}

/** Draws of `shape` whose rows (last axis, length n) are uniform on the sphere of radius sqrt(n), so E[v vᵀ] = I. */
export function sphere(key: PRNGKey, shape: number[] | number, options: SphereOptions = {}): Tensor {
  const fn = 'random.sphere';
  checkKey(fn, key);
  const [s, size] = checkShape(fn, shape);
  if (s.length === 0) throw new TracetapeError(fn, 'shape must have at least one axis (rows lie along the last axis), received []');
  const dtype = readDtype(fn, options, ['dtype']);
  const out = dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
  if (size > 0) fillSphereRaw(key, out, s[s.length - 1], 0);
  return fromData(out, s);
}
