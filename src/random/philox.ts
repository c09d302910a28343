/** The Philox4x32-10 block function (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11), in plain 32-bit JS arithmetic. */

/** Philox round multipliers (Random123's PHILOX_M4x32_0 / _1). */
export const PHILOX_M0 = 0xd2511f53;
/** Second Philox round multiplier. */
export const PHILOX_M1 = 0xcd9e8d57;
/** Key-schedule increments (Weyl constants: golden ratio and sqrt(3) - 1, as 32-bit fractions). */
export const PHILOX_W0 = 0x9e3779b9;
/** Second key-schedule increment. */
export const PHILOX_W1 = 0xbb67ae85;

const TWO16 = 65536;
const M0_HI = PHILOX_M0 >>> 16, M0_LO = PHILOX_M0 & 0xffff;
const M1_HI = PHILOX_M1 >>> 16, M1_LO = PHILOX_M1 & 0xffff;

/**
 * Philox4x32-10: encrypt the 128-bit counter (c0, c1, c2, c3) under the 64-bit key (key0, key1)
 * and write the four output words to out[0..3] (as unsigned 32-bit integers).
 *
 * Each of the 10 rounds computes (hi0, lo0) = M0 * x0 and (hi1, lo1) = M1 * x2 as 64-bit products
 * and maps (x0, x1, x2, x3) to (hi1 ^ x1 ^ k0, lo1, hi0 ^ x3 ^ k1, lo0); between rounds the key is
 * bumped by (W0, W1) modulo 2^32. Matches the Random123 reference (known-answer vectors in the tests).
 * All arguments are read modulo 2^32. No allocation: this is the hot-loop primitive.
 */
export function philox4x32(key0: number, key1: number, c0: number, c1: number, c2: number, c3: number, out: Uint32Array): void {
  let x0 = c0 >>> 0, x1 = c1 >>> 0, x2 = c2 >>> 0, x3 = c3 >>> 0;
  let k0 = key0 >>> 0, k1 = key1 >>> 0;
  for (let r = 0; r < 10; r++) {
    if (r > 0) { k0 = (k0 + PHILOX_W0) >>> 0; k1 = (k1 + PHILOX_W1) >>> 0; }
    // High words of the 64-bit products, exactly, from two < 2^48 partial products:
    // floor(M*x / 2^32) = floor((M_hi*x + floor(M_lo*x / 2^16)) / 2^16).
    const hi0 = Math.floor((M0_HI * x0 + Math.floor((M0_LO * x0) / TWO16)) / TWO16);
    const lo0 = Math.imul(PHILOX_M0, x0) >>> 0;
    const hi1 = Math.floor((M1_HI * x2 + Math.floor((M1_LO * x2) / TWO16)) / TWO16);
    const lo1 = Math.imul(PHILOX_M1, x2) >>> 0;
    x0 = (hi1 ^ x1 ^ k0) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ k1) >>> 0;
    x3 = lo0;
  }
  out[0] = x0; out[1] = x1; out[2] = x2; out[3] = x3;
}
