/** random.uniform: uniform draws on [minval, maxval). */
import { type DType, type Tensor, allocate, fromData } from '../tensor/index.js';
import { check, describe } from '../util/errors.js';
import { type PRNGKey, checkKey } from './key.js';
import { checkShape, readDtype } from './args.js';
import { fillUniformRaw, precisionOf } from './streams.js';

/** Options of random.uniform. */
export interface UniformOptions {
  /** Element type (default 'float64'); float32 uses the 24-bit recipe. */
  dtype?: DType;
  /** Lower bound, included (default 0). */
  minval?: number;
  /** Upper bound, excluded (default 1). */
  maxval?: number;
}

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** The largest value of the dtype strictly below x (x finite). */
function nextBelow(x: number, dtype: DType): number {
  if (dtype === 'float32') {
    f32[0] = x;
    if (f32[0] === 0) return -(2 ** -149);
    i32[0] += f32[0] > 0 ? -1 : 1;
    return f32[0];
  }
  if (x === 0) return -Number.MIN_VALUE;
  f64[0] = x;
  i64[0] += x > 0 ? -1n : 1n;
  return f64[0];
}

/** Uniform draws of `shape` on [minval, maxval) (default [0, 1)); element i depends only on (key, i) (layout in streams.ts). */
export function uniform(key: PRNGKey, shape: number[] | number, options: UniformOptions = {}): Tensor {
  const fn = 'random.uniform';
  checkKey(fn, key);
  const [s, size] = checkShape(fn, shape);
  const dtype = readDtype(fn, options, ['dtype', 'minval', 'maxval']);
  const lo = options?.minval ?? 0, hi = options?.maxval ?? 1;
  check(typeof lo === 'number' && Number.isFinite(lo), fn, () => `options.minval must be a finite number, received ${describe(lo)}`);
  check(typeof hi === 'number' && Number.isFinite(hi), fn, () => `options.maxval must be a finite number, received ${describe(hi)}`);
  check(lo < hi, fn, () => `options.minval must be less than options.maxval, received ${lo} and ${hi}`);
  const out = allocate(dtype, size);
  fillUniformRaw(key, out, 0, precisionOf(out));
  if (lo !== 0 || hi !== 1) {
    const width = hi - lo;
    const top = dtype === 'float32' ? Math.fround(hi) : hi;
    for (let i = 0; i < size; i++) {
      out[i] = lo + width * out[i];
      if (out[i] >= top) out[i] = nextBelow(top, dtype);
    }
  }
  return fromData(out, s);
}
