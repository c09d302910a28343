/** Turning Philox output words into uniform floats: 53-bit (float64) and 24-bit (float32) recipes on [0, 1), and open (0, 1) variants with one bit fewer. */

const TWO_M24 = 2 ** -24;
const TWO_M53 = 2 ** -53;
const TWO21 = 2 ** 21;
const TWO20 = 2 ** 20;
const TWO_M52 = 2 ** -52;
const TWO_M23 = 2 ** -23;

/**
 * Uniform in [0, 1) with 53 random bits (float64 recipe): all 32 bits of `hi` then the top 21 bits of `lo`,
 * u = (hi * 2^21 + (lo >>> 11)) * 2^-53. Exact in float64; the largest value is 1 - 2^-53.
 */
export function bitsToUniform(hi: number, lo: number): number {
  return ((hi >>> 0) * TWO21 + (lo >>> 11)) * TWO_M53;
}

/**
 * Uniform in [0, 1) with 24 random bits (float32 recipe): the top 24 bits of `hi`, u = (hi >>> 8) * 2^-24.
 * Exactly representable in float32, and equal to `bitsToUniform(hi, lo)` truncated to 24 bits.
 */
export function bitsToUniform32(hi: number): number {
  return (hi >>> 8) * TWO_M24;
}

/**
 * Uniform in the open interval (0, 1) with 52 bits: (k + 0.5) * 2^-52, k = hi * 2^20 + (lo >>> 12).
 * Every value is an odd multiple of 2^-53, exactly representable, so the result is never 0 or 1 and
 * -log(s) is finite and positive (the Box–Muller radius is never 0).
 */
export function bitsToOpenUniform(hi: number, lo: number): number {
  return ((hi >>> 0) * TWO20 + (lo >>> 12) + 0.5) * TWO_M52;
}

/** Uniform in the open interval (0, 1) with 23 bits: ((hi >>> 9) + 0.5) * 2^-23, exactly representable in float32, never 0 or 1. */
export function bitsToOpenUniform32(hi: number): number {
  return ((hi >>> 9) + 0.5) * TWO_M23;
}
