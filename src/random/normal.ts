/** random.normal: standard normal draws by Box–Muller on the counter stream. */
import { type DType, type Tensor, allocate, fromData } from '../tensor/index.js';
import { type PRNGKey, checkKey } from './key.js';
import { checkShape, readDtype } from './args.js';
import { fillNormalRaw, precisionOf } from './streams.js';

/** Options of random.normal. */
export interface NormalOptions {
  /** Element type (default 'float64'); float32 uses the 24-bit uniform recipe. */
  dtype?: DType;
}

/** Standard normal draws of `shape` (Box–Muller, both outputs used; element i depends only on (key, i), layout in streams.ts). */
export function normal(key: PRNGKey, shape: number[] | number, options: NormalOptions = {}): Tensor {
  const fn = 'random.normal';
  checkKey(fn, key);
  const [s, size] = checkShape(fn, shape);
  const dtype = readDtype(fn, options, ['dtype']);
  const out = allocate(dtype, size);
  fillNormalRaw(key, out, 0, precisionOf(out));
  return fromData(out, s);
}
