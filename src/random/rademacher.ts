/** random.rademacher: independent ±1 draws with P(+1) = 1/2. */
import { type DType, type Tensor, allocate, fromData } from '../tensor/index.js';
import { type PRNGKey, checkKey } from './key.js';
import { checkShape, readDtype } from './args.js';
import { fillRademacherRaw } from './streams.js';

/** Options of random.rademacher. */
export interface RademacherOptions {
  /** Element type (default 'float64'). */
  dtype?: DType;
}

/** Rademacher (±1) draws of `shape`; element i is the top bit of one Philox word (layout in streams.ts). */
export function rademacher(key: PRNGKey, shape: number[] | number, options: RademacherOptions = {}): Tensor {
  const fn = 'random.rademacher';
  checkKey(fn, key);
  const [s, size] = checkShape(fn, shape);
  const dtype = readDtype(fn, options, ['dtype']);
  const out = allocate(dtype, size);
  fillRademacherRaw(key, out, 0);
  return fromData(out, s);
}
