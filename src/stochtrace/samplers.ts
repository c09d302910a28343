/**
 * Probe samplers for stochastic trace estimation: `rademacher`, `normal`, `sphere` (like, {num}) → (key) => Tensor[num, ...shape].
 * Each sampler can also draw rows start … start+count−1 alone (`rows`), bit-identical to the same rows of the full draw,
 * because probe element (i, j) is element i·n + j of the key's counter-based stream: chunked estimators regenerate any
 * chunk from (key, start) without ever holding all probes.
 */
import { Tensor, allocate, fromData, type DType } from '../tensor/index.js';
import * as random from '../random/index.js';
import { check, checkOptions, checkPositiveInt, describe } from '../util/errors.js';
import { makePortable, registerPortable } from '../util/portable.js';

/** A probe sampler: `sampler(key)` is a Tensor[num, ...shape] of probes with E[v vᵀ] = I; `rows` draws a block of them. */
export interface Sampler {
  (key: random.PRNGKey): Tensor;
  /** Number of probes drawn per call. */
  readonly num: number;
  /** Shape of one probe. */
  readonly shape: readonly number[];
  /** Element type of the probes. */
  readonly dtype: DType;
  /** Which distribution ('rademacher' | 'normal' | 'sphere'). */
  readonly kind: string;
  /** Rows start … start+count−1 of `sampler(key)`, drawn without drawing the others. */
  rows(key: random.PRNGKey, start: number, count: number): Tensor;
}

/** Options of the samplers. */
export interface SamplerOptions {
  /** Number of probes per draw (required). */
  num: number;
  /** Element type when `like` is a shape (default float64; a Tensor `like` gives its own dtype). */
  dtype?: DType;
}

type Fill = (key: random.PRNGKey, out: Float64Array | Float32Array, start: number) => void;

function readLike(fn: string, like: unknown, options: SamplerOptions | undefined): { shape: number[]; n: number; dtype: DType; num: number } {
  check(options !== undefined && options !== null && typeof options === 'object', fn, () => `options {num} is required, received ${describe(options)}`);
  checkOptions(fn, options, ['num', 'dtype']);
  checkPositiveInt(fn, 'options.num', options.num);
  let shape: number[];
  let dtype: DType = options.dtype ?? 'float64';
  if (like instanceof Tensor) {
    shape = like.shape.slice();
    check(options.dtype === undefined || options.dtype === like.dtype, fn, () => `options.dtype ${options.dtype} differs from like.dtype ${like.dtype}`);
    dtype = like.dtype;
  } else if (typeof like === 'number') {
    shape = [like];
  } else {
    check(Array.isArray(like), fn, () => `like must be a Tensor, a shape (array of positive integers) or a length, received ${describe(like)}`);
    shape = (like as unknown[]).slice() as number[];
  }
  check(shape.length >= 1 && shape.every((d) => Number.isInteger(d) && d >= 1), fn,
    () => `like must have a non-empty shape of positive integers, received [${shape.join(',')}]`);
  check(dtype === 'float64' || dtype === 'float32', fn, () => `options.dtype must be 'float64' or 'float32', received ${describe(dtype)}`);
  return { shape, n: shape.reduce((a, b) => a * b, 1), dtype, num: options.num };
}

function makeSampler(fn: string, kind: string, like: unknown, options: SamplerOptions | undefined, fill: Fill, normaliseRows: boolean): Sampler {
  const { shape, n, dtype, num } = readLike(fn, like, options);
  const rows = (key: random.PRNGKey, start: number, count: number): Tensor => {
    check(key instanceof random.PRNGKey, fn, () => `key must be a PRNGKey (tt.random.key(seed)), received ${describe(key)}`);
    check(Number.isInteger(start) && Number.isInteger(count) && start >= 0 && count >= 1 && start + count <= num, fn,
      () => `rows ${start} … ${start + count - 1} are outside 0 … ${num - 1}`);
    const size = count * n;
    // Sphere probes are normalised in float64 before rounding, as random.sphere does.
    const buf = normaliseRows || dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
    if (normaliseRows) {
      random.fillNormal(key, buf, start * n);
      const scale = Math.sqrt(n);
      for (let r = 0; r < size; r += n) {
        let ss = 0;
        for (let j = r; j < r + n; j++) ss += buf[j] * buf[j];
        const f = scale / Math.sqrt(ss);
        for (let j = r; j < r + n; j++) buf[j] *= f;
      }
    } else {
      // float32 streams use the 24-bit recipe, so fill the array of the final dtype directly.
      fill(key, buf, start * n);
    }
    let data: Float64Array | Float32Array = buf;
    if (buf instanceof Float64Array && dtype === 'float32') { data = allocate('float32', size); data.set(buf); }
    return fromData(data, [count, ...shape]);
  };
  const sampler = ((key: random.PRNGKey): Tensor => rows(key, 0, num)) as Sampler;
  Object.defineProperties(sampler, {
    num: { value: num, enumerable: true },
    shape: { value: Object.freeze(shape.slice()), enumerable: true },
    dtype: { value: dtype, enumerable: true },
    kind: { value: kind, enumerable: true },
    rows: { value: rows, enumerable: true },
  });
  return makePortable(sampler, { kind: 'stochtrace.sampler', sampler: kind, shape, num, dtype });
}

/** Rademacher (±1) probes shaped like `like` (a Tensor or a shape): `(key) => Tensor[num, ...shape]`; E[v vᵀ] = I. */
export function rademacher(like: Tensor | number[] | number, options: SamplerOptions): Sampler {
  return makeSampler('stochtrace.rademacher', 'rademacher', like, options, random.fillRademacher, false);
}

/** Standard normal probes shaped like `like`: `(key) => Tensor[num, ...shape]`; E[v vᵀ] = I. */
export function normal(like: Tensor | number[] | number, options: SamplerOptions): Sampler {
  return makeSampler('stochtrace.normal', 'normal', like, options, random.fillNormal, false);
}

/** Probes uniform on the sphere of radius sqrt(n) (n = probe size), so E[v vᵀ] = I: `(key) => Tensor[num, ...shape]`. */
export function sphere(like: Tensor | number[] | number, options: SamplerOptions): Sampler {
  return makeSampler('stochtrace.sphere', 'sphere', like, options, random.fillNormal, true);
}

// Worker threads rebuild samplers from their descriptions (estimator option `workers`).
registerPortable('stochtrace.sampler', (d) => {
  const make = d.sampler === 'rademacher' ? rademacher : d.sampler === 'normal' ? normal : sphere;
  return make(d.shape as number[], { num: d.num as number, dtype: d.dtype as DType });
});

/** True when `s` is a sampler made by this module (it can draw any block of rows on its own). */
export function isSampler(s: unknown): s is Sampler {
  return typeof s === 'function' && typeof (s as Partial<Sampler>).rows === 'function' && typeof (s as Partial<Sampler>).num === 'number';
}
