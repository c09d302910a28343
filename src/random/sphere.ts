/**
 * random.sphere: rows (the last axis) uniformly distributed on the sphere of radius sqrt(n), n = the last
 * dimension, so that E[v vᵀ] = I (the same normalisation as matfree's sphere sampler, so it is a valid
 * Hutchinson probe). Each row is the corresponding row of `normal(key, shape)` (float64 recipe, or the
 * 24-bit recipe for float32) divided by its Euclidean norm and multiplied by sqrt(n), computed in float64
 * and then rounded to the dtype. The Box–Muller radius is never 0, so no row has zero norm.
 */
import { type DType, type Tensor, allocate, fromData } from '../tensor/index.js';
import { TracetapeError } from '../util/errors.js';
import { type PRNGKey, checkKey } from './key.js';
import { checkShape, readDtype } from './args.js';
import { fillNormalRaw } from './streams.js';

/** Options of random.sphere. */
export interface SphereOptions {
  /** Element type (default 'float64'). */
  dtype?: DType;
}

/** Draws of `shape` whose rows (last axis, length n) are uniform on the sphere of radius sqrt(n), so E[v vᵀ] = I. */
export function sphere(key: PRNGKey, shape: number[] | number, options: SphereOptions = {}): Tensor {
  const fn = 'random.sphere';
  checkKey(fn, key);
  const [s, size] = checkShape(fn, shape);
  if (s.length === 0) throw new TracetapeError(fn, 'shape must have at least one axis (rows lie along the last axis), received []');
  const dtype = readDtype(fn, options, ['dtype']);
  const n = s[s.length - 1];
  const z = new Float64Array(size);
  fillNormalRaw(key, z, 0, dtype === 'float32' ? 24 : 53);
  const scale = Math.sqrt(n);
  for (let row = 0; row < size; row += n) {
    let ss = 0;
    for (let j = row; j < row + n; j++) ss += z[j] * z[j];
    const f = scale / Math.sqrt(ss);
    for (let j = row; j < row + n; j++) z[j] *= f;
  }
  if (dtype === 'float64') return fromData(z, s);
  const out = allocate(dtype, size);
  out.set(z);
  return fromData(out, s);
}
