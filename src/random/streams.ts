/**
 * The sample streams: fill typed arrays with uniform, normal and Rademacher draws from a key.
 *
 * COUNTER LAYOUT (the contract that lets any backend regenerate the same draws). Element i of a
 * stream (i = the row-major flat index of the output, plus `start`) is a function of (key, i) only.
 * Block b is Philox4x32-10 with key (key.k0, key.k1) and counter
 *   c0 = b mod 2^32,  c1 = floor(b / 2^32),  c2 = 0,  c3 = 0 (the stream tag; split uses 1, foldIn 2),
 * producing words w0 w1 w2 w3.
 * - uniform: 2 elements per block; element i uses block floor(i / 2), q = i mod 2:
 *     float64: bitsToUniform(w[2q], w[2q+1])   (53 bits, in [0, 1))
 *     float32: bitsToUniform32(w[2q])          (24 bits = the float64 value truncated to 24 bits)
 *   then minval + (maxval - minval) * u, rounded to the dtype and kept below maxval.
 * - normal (Box–Muller, both outputs used): 2 elements per block; block b gives elements 2b and 2b+1:
 *     float64: s = bitsToOpenUniform(w0, w1) (52 bits, open), u = bitsToUniform(w2, w3) (53 bits)
 *     float32: s = bitsToOpenUniform32(w0) (23 bits, open),   u = bitsToUniform32(w2) (24 bits)
 *     r = sqrt(-2 ln s), theta = 2 pi u;  element 2b = r cos(theta), element 2b+1 = r sin(theta)
 *   (evaluated in float64, then rounded to the dtype). s is never 0 or 1, so r is finite and r > 0.
 * - rademacher: 4 elements per block; element i uses bit 31 of word w[i mod 4] of block floor(i / 4):
 *   1 gives +1, 0 gives -1.
 * Consequences: a draw of size N is the first N elements of any larger draw with the same key (the shape
 * only reshapes), and `fill*(key, out, start)` equals elements start .. start+out.length-1 of the stream.
 *
 * FAST PATH. Where the WebAssembly SIMD kernels are available (not with TRACETAPE_WASM=0), fills of at least
 * `philoxThresholds.fill` (64) elements generate the Philox words in wasm (src/backend/wasm/wat/philox.wat, four
 * blocks per i32x4 vector): uniform and Rademacher fills entirely there, normal fills with the Box–Muller transform
 * still in TypeScript. The outputs are bit-identical to the TypeScript loops below (tested), so every backend and
 * every recomputed chunk still sees the same draws.
 */
import { philox4x32 } from './philox.js';
import { bitsToOpenUniform, bitsToOpenUniform32, bitsToUniform, bitsToUniform32 } from './bits.js';
import { STREAM_TAG, type PRNGKey, checkKey } from './key.js';
import { TracetapeError, check, describe } from '../util/errors.js';
import { PHILOX_BLOCKS_MAX, philoxThresholds, wasmPhiloxBlocks, wasmPhiloxFill } from '../backend/wasm/index.js';

const TWO32 = 4294967296;
const TWO_PI = 2 * Math.PI;
const words = new Uint32Array(4);

/** Which uniform recipe a stream uses: 53 bits (float64) or 24 bits (float32). */
export type Precision = 53 | 24;

/** Precision used for a typed array: float32 arrays get the 24-bit recipe. */
export function precisionOf(out: Float64Array | Float32Array): Precision {
  return out instanceof Float32Array ? 24 : 53;
}

/** @internal Uniforms in [0, 1) for stream elements start .. start+out.length-1, with the given recipe. */
export function fillUniformRaw(k: PRNGKey, out: Float64Array | Float32Array, start: number, precision: Precision): void {
  const n = out.length;
  if (n === 0) return;
  if ((precision === 53) === (out instanceof Float64Array) && wasmPhiloxFill('uniform', k.k0, k.k1, out, start)) return;
  const k0 = k.k0, k1 = k.k1;
  const w = words;
  const b0 = Math.floor(start / 2), nb = Math.floor((start + n - 1) / 2) - b0 + 1;
  let c0 = b0 % TWO32, c1 = (b0 - c0) / TWO32;
  let i0 = 2 * b0 - start;
  for (let j = 0; j < nb; j++, i0 += 2) {
    philox4x32(k0, k1, c0, c1, 0, STREAM_TAG, w);
    if (++c0 === TWO32) { c0 = 0; c1++; }
    let u0: number, u1: number;
    if (precision === 53) { u0 = bitsToUniform(w[0], w[1]); u1 = bitsToUniform(w[2], w[3]); }
    else { u0 = bitsToUniform32(w[0]); u1 = bitsToUniform32(w[2]); }
    if (i0 >= 0) out[i0] = u0;
    if (i0 + 1 < n) out[i0 + 1] = u1;
  }
}

/** @internal Standard normals (Box–Muller) for stream elements start .. start+out.length-1, with the given recipe. */
export function fillNormalRaw(k: PRNGKey, out: Float64Array | Float32Array, start: number, precision: Precision): void {
  const n = out.length;
  if (n === 0) return;
  if (n >= philoxThresholds.fill && fillNormalWasm(k, out, start, precision)) return;
  const k0 = k.k0, k1 = k.k1;
  const w = words;
  const b0 = Math.floor(start / 2), nb = Math.floor((start + n - 1) / 2) - b0 + 1;
  let c0 = b0 % TWO32, c1 = (b0 - c0) / TWO32;
  let i0 = 2 * b0 - start;
  for (let j = 0; j < nb; j++, i0 += 2) {
    philox4x32(k0, k1, c0, c1, 0, STREAM_TAG, w);
    if (++c0 === TWO32) { c0 = 0; c1++; }
    let s: number, u: number;
    if (precision === 53) { s = bitsToOpenUniform(w[0], w[1]); u = bitsToUniform(w[2], w[3]); }
    else { s = bitsToOpenUniform32(w[0]); u = bitsToUniform32(w[2]); }
    const r = Math.sqrt(-2 * Math.log(s));
    const theta = TWO_PI * u;
    if (i0 >= 0) out[i0] = r * Math.cos(theta);
    if (i0 + 1 < n) out[i0 + 1] = r * Math.sin(theta);
  }
}

/** fillNormalRaw with the Philox words from wasm (same Box–Muller arithmetic as below); false without the kernels. */
function fillNormalWasm(k: PRNGKey, out: Float64Array | Float32Array, start: number, precision: Precision): boolean {
  const n = out.length;
  const b0 = Math.floor(start / 2), nbAll = Math.floor((start + n - 1) / 2) - b0 + 1;
  let i0 = 2 * b0 - start;
  for (let done = 0; done < nbAll; done += PHILOX_BLOCKS_MAX) {
    const nb = Math.min(PHILOX_BLOCKS_MAX, nbAll - done);
    const w = wasmPhiloxBlocks(k.k0, k.k1, b0 + done, nb);
    if (w === null) return false; // only possible on the first chunk: the kernels are either there or not
    for (let j = 0; j < nb; j++, i0 += 2) {
      const q = ((j >> 2) << 4) + (j & 3);
      let s: number, u: number;
      if (precision === 53) { s = bitsToOpenUniform(w[q], w[q + 4]); u = bitsToUniform(w[q + 8], w[q + 12]); }
      else { s = bitsToOpenUniform32(w[q]); u = bitsToUniform32(w[q + 8]); }
      const r = Math.sqrt(-2 * Math.log(s));
      const theta = TWO_PI * u;
      if (i0 >= 0) out[i0] = r * Math.cos(theta);
      if (i0 + 1 < n) out[i0 + 1] = r * Math.sin(theta);
    }
  }
  return true;
}

function checkFill(fn: string, k: unknown, out: unknown, start: unknown): void {
  checkKey(fn, k);
  if (!(out instanceof Float64Array || out instanceof Float32Array)) {
    throw new TracetapeError(fn, `out must be a Float64Array or Float32Array, received ${describe(out)}`);
  }
  check(typeof start === 'number' && Number.isInteger(start) && start >= 0 && start + out.length <= 2 ** 53, fn,
    () => `start must be an integer with 0 <= start and start + out.length <= 2^53, received ${describe(start)}`);
}

/** Fill `out` with uniforms in [0, 1): stream elements start .. start+out.length-1 (float32 arrays use the 24-bit recipe). */
export function fillUniform(k: PRNGKey, out: Float64Array | Float32Array, start = 0): void {
  checkFill('random.fillUniform', k, out, start);
  fillUniformRaw(k, out, start, precisionOf(out));
}

/** Fill `out` with standard normals: stream elements start .. start+out.length-1 (float32 arrays use the 24-bit recipe). */
export function fillNormal(k: PRNGKey, out: Float64Array | Float32Array, start = 0): void {
  checkFill('random.fillNormal', k, out, start);
  fillNormalRaw(k, out, start, precisionOf(out));
}

/** Fill `out` with ±1 (Rademacher): stream elements start .. start+out.length-1. */
export function fillRademacher(k: PRNGKey, out: Float64Array | Float32Array, start = 0): void {
  checkFill('random.fillRademacher', k, out, start);
  fillRademacherRaw(k, out, start);
}

/** @internal Rademacher fill without argument checks. */
export function fillRademacherRaw(k: PRNGKey, out: Float64Array | Float32Array, start: number): void {
  const n = out.length;
  if (n === 0) return;
  if (wasmPhiloxFill('rademacher', k.k0, k.k1, out, start)) return;
  const k0 = k.k0, k1 = k.k1;
  const w = words;
  const b0 = Math.floor(start / 4), nb = Math.floor((start + n - 1) / 4) - b0 + 1;
  let c0 = b0 % TWO32, c1 = (b0 - c0) / TWO32;
  let i0 = 4 * b0 - start;
  for (let j = 0; j < nb; j++, i0 += 4) {
    philox4x32(k0, k1, c0, c1, 0, STREAM_TAG, w);
    if (++c0 === TWO32) { c0 = 0; c1++; }
    if (i0 >= 0 && i0 + 3 < n) {
      out[i0] = (w[0] >>> 31) * 2 - 1;
      out[i0 + 1] = (w[1] >>> 31) * 2 - 1;
      out[i0 + 2] = (w[2] >>> 31) * 2 - 1;
      out[i0 + 3] = (w[3] >>> 31) * 2 - 1;
    } else {
      for (let q = 0; q < 4; q++) {
        const i = i0 + q;
        if (i >= 0 && i < n) out[i] = (w[q] >>> 31) * 2 - 1;
      }
    }
  }
}
