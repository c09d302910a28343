/**
 * The random module (public namespace tt.random): a counter-based PRNG on Philox4x32-10.
 * Keys are immutable values; every draw is a pure function of (key, element index), so any backend,
 * and any chunk recomputed during a backward pass, regenerates identical draws. The exact counter
 * layout and bit-to-float recipes are documented in streams.ts and bits.ts; `philox4x32` and the
 * `bitsTo*` converters are exported so other backends (gpu.js kernels) can reproduce the streams. Large fills run on
 * the WebAssembly SIMD Philox (bit-identical; see streams.ts), and `fillBootstrapMeans` fuses resampling with the mean.
 */
export { PRNGKey, key, split, foldIn } from './key.js';
export { uniform, type UniformOptions } from './uniform.js';
export { normal, type NormalOptions } from './normal.js';
export { rademacher, type RademacherOptions } from './rademacher.js';
export { sphere, fillSphere, type SphereOptions } from './sphere.js';
export { philox4x32 } from './philox.js';
export { bitsToUniform, bitsToUniform32, bitsToOpenUniform, bitsToOpenUniform32 } from './bits.js';
export { fillUniform, fillNormal, fillRademacher } from './streams.js';
export { fillBootstrapMeans, type BootstrapMeansOptions } from './bootstrap.js';
