/** PRNG keys: the immutable PRNGKey (two uint32 words), key(seed), split and foldIn. */
import { TracetapeError, check, describe } from '../util/errors.js';
import { philox4x32 } from './philox.js';

const TWO32 = 4294967296;

/**
 * Domain tags placed in counter word c3 so that the three uses of a key never share a Philox input:
 * 0 = sample streams (uniform/normal/rademacher/sphere), 1 = split, 2 = foldIn.
 */
export const STREAM_TAG = 0;
/** Counter word c3 used by split. */
export const SPLIT_TAG = 1;
/** Counter word c3 used by foldIn. */
export const FOLD_IN_TAG = 2;

function hex(w: number): string {
  return '0x' + w.toString(16).padStart(8, '0');
}

/** An immutable PRNG key: the two 32-bit words of a Philox4x32 key. A static leaf in pytrees. */
export class PRNGKey {
  /** First key word (unsigned 32-bit). */
  readonly k0: number;
  /** Second key word (unsigned 32-bit). */
  readonly k1: number;

  /** @internal Use `tt.random.key(seed)`, `split` or `foldIn` to make keys. */
  constructor(k0: number, k1: number) {
    check(Number.isInteger(k0) && k0 >= 0 && k0 < TWO32 && Number.isInteger(k1) && k1 >= 0 && k1 < TWO32, 'PRNGKey',
      () => `key words must be integers in [0, 2^32), received ${describe(k0)} and ${describe(k1)}`);
    this.k0 = k0;
    this.k1 = k1;
    Object.freeze(this);
  }

  /** True when `other` is a key with the same two words. */
  equals(other: PRNGKey): boolean {
    return other instanceof PRNGKey && other.k0 === this.k0 && other.k1 === this.k1;
  }

  /** Readable form, e.g. `PRNGKey(0x00000000, 0x0000002a)`. */
  toString(): string {
    return `PRNGKey(${hex(this.k0)}, ${hex(this.k1)})`;
  }

  /** Node's console.log uses the readable form too. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** Throw a TracetapeError unless `k` is a PRNGKey. */
export function checkKey(fn: string, k: unknown): PRNGKey {
  if (!(k instanceof PRNGKey)) {
    throw new TracetapeError(fn, `key must be a PRNGKey (from random.key(seed), split or foldIn), received ${describe(k)}`);
  }
  return k;
}

function checkIndex(fn: string, name: string, v: unknown): number {
  check(typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2 ** 53, fn,
    () => `${name} must be an integer in [0, 2^53], received ${describe(v)}`);
  return v;
}

/** A key from a seed, an integer in [0, 2^53]: k0 = the low 32 bits, k1 = the high bits. */
export function key(seed: number): PRNGKey {
  const s = checkIndex('random.key', 'seed', seed);
  const lo = s % TWO32;
  return new PRNGKey(lo, (s - lo) / TWO32);
}

const scratch = new Uint32Array(4);

function derive(k: PRNGKey, index: number, tag: number): PRNGKey {
  const lo = index % TWO32;
  philox4x32(k.k0, k.k1, lo, (index - lo) / TWO32, 0, tag, scratch);
  return new PRNGKey(scratch[0], scratch[1]);
}

/** `n` new keys from `key` (default 2); child j is words 0–1 of Philox(key, counter (j mod 2^32, floor(j / 2^32), 0, 1)). */
export function split(k: PRNGKey, n = 2): PRNGKey[] {
  const fn = 'random.split';
  checkKey(fn, k);
  check(typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 2 ** 32, fn, () => `n must be an integer in [1, 2^32], received ${describe(n)}`);
  const out = new Array<PRNGKey>(n);
  for (let j = 0; j < n; j++) out[j] = derive(k, j, SPLIT_TAG);
  return out;
}

/** A new key from `key` and an integer `data` in [0, 2^53]: words 0–1 of Philox(key, counter (data mod 2^32, floor(data / 2^32), 0, 2)). */
export function foldIn(k: PRNGKey, data: number): PRNGKey {
  const fn = 'random.foldIn';
  checkKey(fn, k);
  return derive(k, checkIndex(fn, 'data', data), FOLD_IN_TAG);
}
