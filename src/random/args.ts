/** Argument checks shared by the samplers: shapes, dtypes and option objects. */
import { type DType } from '../tensor/index.js';
import { TracetapeError, check, checkOptions, describe } from '../util/errors.js';

/** Largest number of elements one draw may have (typed-array limit on 64-bit engines). */
export const MAX_DRAW_SIZE = 2 ** 32;

/** Validate a shape (an array of non-negative integers, or one such integer for a 1-D shape); returns [shape copy, size]. */
export function checkShape(fn: string, shape: unknown): [number[], number] {
  if (typeof shape === 'number') shape = [shape];
  if (!Array.isArray(shape)) throw new TracetapeError(fn, `shape must be an array of non-negative integers, received ${describe(shape)}`);
  let size = 1;
  for (const d of shape as unknown[]) {
    check(typeof d === 'number' && Number.isInteger(d) && d >= 0, fn,
      () => `shape must contain non-negative integers, received [${(shape as unknown[]).map(String).join(',')}]`);
    size *= d;
  }
  check(size <= MAX_DRAW_SIZE, fn, () => `shape [${(shape as number[]).join(',')}] has ${size} elements, more than the ${MAX_DRAW_SIZE} one draw may hold`);
  return [(shape as number[]).slice(), size];
}

/** Validate an options object against `allowed` keys and read its dtype (default float64). */
export function readDtype(fn: string, options: unknown, allowed: readonly string[]): DType {
  if (options !== undefined) check(typeof options === 'object' && options !== null && !Array.isArray(options), fn, () => `options must be an object, received ${describe(options)}`);
  checkOptions(fn, options as object | undefined, allowed);
  const d = (options as { dtype?: unknown } | undefined)?.dtype;
  if (d === undefined) return 'float64';
  if (d === 'float64' || d === 'float32') return d;
  throw new TracetapeError(fn, `options.dtype must be 'float64' or 'float32', received ${describe(d)}`);
}
