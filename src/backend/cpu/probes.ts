/** Probe generation on the cpu backend: the host Philox streams of src/random (the reference the gpujs kernels match). */
import type { TypedArray } from '../../tensor/dtype.js';
import type { ProbeKind } from '../types.js';
import { PRNGKey, fillNormal, fillRademacher, fillUniform } from '../../random/index.js';

/** Fill `out` with stream elements start … start+out.length−1 of `kind` for the Philox key (k0, k1). */
export function probes(kind: ProbeKind, k0: number, k1: number, start: number, out: TypedArray): void {
  const key = new PRNGKey(k0, k1);
  if (kind === 'rademacher') fillRademacher(key, out, start);
  else if (kind === 'normal') fillNormal(key, out, start);
  else fillUniform(key, out, start);
}
