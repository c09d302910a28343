/** TracetapeError: the one error type every public function throws on bad input. */

/** An error raised by a tracetape function; the message names the function, the argument and what was expected. */
export class TracetapeError extends Error {
  /** The public function that raised the error (e.g. `matmul`). */
  readonly fn: string;
  constructor(fn: string, message: string) {
    super(`${fn}: ${message}`);
    this.name = 'TracetapeError';
    this.fn = fn;
  }
}

/** Throw a TracetapeError for function `fn` unless `cond` holds. */
export function check(cond: unknown, fn: string, message: string | (() => string)): asserts cond {
  if (!cond) throw new TracetapeError(fn, typeof message === 'string' ? message : message());
}

/** Format a shape as `[3,4]` for error messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Describe a received value briefly for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `array(length ${v.length})`;
  if (typeof v === 'object') {
    const c = (v as { constructor?: { name?: string } }).constructor;
    const shape = (v as { shape?: unknown }).shape;
    if (Array.isArray(shape)) return `Tensor${fmtShape(shape as number[])}`;
    return c?.name ?? 'object';
  }
  return `${typeof v} ${String(v)}`;
}

/** Throw if `options` has keys not in `allowed` (catches misspelt option names). */
export function checkOptions(fn: string, options: object | undefined, allowed: readonly string[]): void {
  if (options === undefined || options === null) return;
  check(typeof options === 'object', fn, `options must be an object, received ${describe(options)}`);
  for (const k of Object.keys(options)) {
    if (!allowed.includes(k)) {
      throw new TracetapeError(fn, `unknown option '${k}' (expected one of: ${allowed.join(', ')})`);
    }
  }
}

/** Throw unless `v` is a positive integer. */
export function checkPositiveInt(fn: string, name: string, v: unknown): asserts v is number {
  check(typeof v === 'number' && Number.isInteger(v) && v > 0, fn, () => `${name} must be a positive integer, received ${describe(v)}`);
}
