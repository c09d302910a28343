/**
 * Probe generation inside a gpu.js kernel: Philox4x32-10 on 16-bit limbs held in float32 (every intermediate is an
 * integer below 2^24, so the arithmetic is exact in every gpu.js mode), following the counter layout and bit-to-float
 * recipes of src/random/streams.ts: rademacher and uniform streams match tt.random exactly (uniform in the 24-bit recipe)
 * and normals (and the 53-bit uniform recipe) match up to float32 rounding.
 */
import type { TypedArray } from '../../tensor/dtype.js';
import type { ProbeKind } from '../types.js';
import { gpujsContext } from './context.js';

const M0 = 0xd2511f53, M1 = 0xcd9e8d57, W0 = 0x9e3779b9, W1 = 0xbb67ae85;
const hi = (w: number): number => w >>> 16;
const lo = (w: number): number => w & 0xffff;

let tmp = 0;
/** Statements setting `${h}`/`${l}` to the high/low 16 bits of the 32-bit product a·b (a, b < 2^16; a a literal). */
function mul16(a: number, b: string, h: string, l: string): string {
  const t = `m${tmp++}`;
  return `const ${t}b1 = Math.floor(${b} / 256); const ${t}b0 = ${b} - ${t}b1 * 256;
    const ${t}p0 = ${a} * ${t}b0; const ${t}p1 = ${a} * ${t}b1;
    const ${t}pm = ${t}p1 - Math.floor(${t}p1 / 256) * 256;
    const ${t}t = ${t}p0 + ${t}pm * 256;
    const ${l} = ${t}t - Math.floor(${t}t / 65536) * 65536;
    const ${h} = Math.floor(${t}p1 / 256) + Math.floor(${t}t / 65536);\n`;
}

/** Statements computing the 64-bit product M·x as 16-bit limbs: hi word (${o}hh, ${o}hl), lo word (${o}lh, ${o}ll). */
function mul32(m: number, xh: string, xl: string, o: string): string {
  let s = mul16(lo(m), xl, `${o}A1`, `${o}A0`) + mul16(lo(m), xh, `${o}B1`, `${o}B0`) + mul16(hi(m), xl, `${o}C1`, `${o}C0`) + mul16(hi(m), xh, `${o}D1`, `${o}D0`);
  s += `const ${o}ll = ${o}A0;
    const ${o}s1 = ${o}A1 + ${o}B0 + ${o}C0; const ${o}lh = ${o}s1 - Math.floor(${o}s1 / 65536) * 65536;
    const ${o}s2 = ${o}B1 + ${o}C1 + ${o}D0 + Math.floor(${o}s1 / 65536); const ${o}hl = ${o}s2 - Math.floor(${o}s2 / 65536) * 65536;
    const ${o}s3 = ${o}D1 + Math.floor(${o}s2 / 65536); const ${o}hh = ${o}s3 - Math.floor(${o}s3 / 65536) * 65536;\n`;
  return s;
}

/** Statements adding the 32-bit constant w to the key word held in (${kh}, ${kl}) modulo 2^32. */
function bump(kh: string, kl: string, w: number): string {
  const t = `b${tmp++}`;
  return `const ${t} = ${kl} + ${lo(w)}; ${kl} = ${t} - Math.floor(${t} / 65536) * 65536;
    const ${t}h = ${kh} + ${hi(w)} + Math.floor(${t} / 65536); ${kh} = ${t}h - Math.floor(${t}h / 65536) * 65536;\n`;
}

/** The unrolled ten Philox rounds on limb variables x0h x0l … x3h x3l with key limbs k0h k0l k1h k1l. */
function rounds(): string {
  let s = '';
  for (let r = 0; r < 10; r++) {
    if (r > 0) s += bump('k0h', 'k0l', W0) + bump('k1h', 'k1l', W1);
    const p = `r${r}`;
    s += mul32(M0, 'x0h', 'x0l', `${p}a`) + mul32(M1, 'x2h', 'x2l', `${p}b`);
    s += `x0h = ${p}bhh ^ x1h ^ k0h; x0l = ${p}bhl ^ x1l ^ k0l;
      x1h = ${p}blh; x1l = ${p}bll;
      x2h = ${p}ahh ^ x3h ^ k1h; x2l = ${p}ahl ^ x3l ^ k1l;
      x3h = ${p}alh; x3l = ${p}all;\n`;
  }
  return s;
}

/** Kernel source for one probe kind and uniform recipe (53 or 24 bits); arguments: key limbs, base-block limbs, offset. */
function probeSource(kind: ProbeKind, precision: 53 | 24): string {
  tmp = 0;
  const perBlock = kind === 'rademacher' ? 4 : 2;
  // Counter: block b = base + floor((thread + r0) / perBlock), c0 = b mod 2^32, c1 = floor(b / 2^32), c2 = c3 = 0.
  let s = `function (k0h0, k0l0, k1h0, k1l0, L0, L1, L2, L3, r0) {
    const t = this.thread.x + r0;
    const db = Math.floor(t / ${perBlock});
    const q = t - db * ${perBlock};
    const dbh = Math.floor(db / 65536); const dbl = db - dbh * 65536;
    const s0 = L0 + dbl; const s1 = L1 + dbh + Math.floor(s0 / 65536); const s2 = L2 + Math.floor(s1 / 65536);
    let x0l = s0 - Math.floor(s0 / 65536) * 65536; let x0h = s1 - Math.floor(s1 / 65536) * 65536;
    let x1l = s2 - Math.floor(s2 / 65536) * 65536; let x1h = L3 + Math.floor(s2 / 65536);
    let x2h = 0; let x2l = 0; let x3h = 0; let x3l = 0;
    let k0h = k0h0; let k0l = k0l0; let k1h = k1h0; let k1l = k1l0;
    ${rounds()}`;
  // uniform of a word pair (wh, wl | vh, vl): 53-bit recipe (wh·2^-16 + wl·2^-32 + floor(v/2^11)·2^-53) or 24-bit (floor(w/2^8)·2^-24).
  const uni = (wh: string, wl: string, vh: string, vl: string): string => precision === 53
    ? `((${vh} * 32 + Math.floor(${vl} / 2048)) * 1.1102230246251565e-16 + ${wl} * 2.3283064365386963e-10 + ${wh} * 0.0000152587890625)`
    : `((${wh} * 256 + Math.floor(${wl} / 256)) * 5.960464477539063e-8)`;
  // Open uniform (0, 1) of a word pair (src/random/bits.ts): 52 bits (hi·2^20 + (lo >>> 12) + 0.5)·2^-52, or 23 bits
  // ((hi >>> 9) + 0.5)·2^-23; and its complement 1 − s from the complemented bits (exact where it is small).
  const open = (wh: string, wl: string, vh: string, vl: string): string => precision === 53
    ? `(((${vh} * 16 + Math.floor(${vl} / 4096)) + 0.5) * 2.220446049250313e-16 + ${wl} * 2.3283064365386963e-10 + ${wh} * 0.0000152587890625)`
    : `(((${wh} * 128 + Math.floor(${wl} / 512)) + 0.5) * 1.1920928955078125e-7)`;
  const comp = (wh: string, wl: string, vh: string, vl: string): string => precision === 53
    ? `(((1048575 - (${vh} * 16 + Math.floor(${vl} / 4096))) + 0.5) * 2.220446049250313e-16 + (65535 - ${wl}) * 2.3283064365386963e-10 + (65535 - ${wh}) * 0.0000152587890625)`
    : `(((8388607 - (${wh} * 128 + Math.floor(${wl} / 512))) + 0.5) * 1.1920928955078125e-7)`;
  if (kind === 'rademacher') {
    s += `const w = q < 1 ? x0h : (q < 2 ? x1h : (q < 3 ? x2h : x3h));
      return w >= 32768 ? 1 : -1;
    }`;
  } else if (kind === 'uniform') {
    s += `if (q < 1) { return ${uni('x0h', 'x0l', 'x1h', 'x1l')}; }
      return ${uni('x2h', 'x2l', 'x3h', 'x3l')};
    }`;
  } else {
    // Box–Muller with s = open uniform (w0, w1), u = uniform (w2, w3): −ln s from s itself when s < 1/2, else from 1 − s
    // by the compensated log1p (so s near 1 keeps its relative accuracy in float32).
    s += `const sv = ${open('x0h', 'x0l', 'x1h', 'x1l')};
      let nl = 0;
      if (sv < 0.5) { nl = -Math.log(sv); } else {
        const cm = ${comp('x0h', 'x0l', 'x1h', 'x1l')};
        const uu = 1 - cm;
        if (uu == 1) { nl = cm; } else { nl = -Math.log(uu) * cm / (1 - uu); }
      }
      const rr = Math.sqrt(2 * nl);
      // θ = 2πu; evaluated as θ − π ∈ [−π, π) (cos θ = −cos(θ − π), sin θ = −sin(θ − π)): GLSL sin/cos are most
      // accurate on small arguments.
      const th = 6.283185307179586 * (${uni('x2h', 'x2l', 'x3h', 'x3l')} - 0.5);
      if (q < 1) { return -rr * Math.cos(th); }
      return -rr * Math.sin(th);
    }`;
  }
  return s;
}

const sourceCache = new Map<string, string>();
const TWO16 = 65536;

/** Fill `out` with stream elements start … start+out.length−1 of `kind` for key (k0, k1), generated by a gpu.js kernel. */
export function gpujsProbes(kind: ProbeKind, k0: number, k1: number, start: number, out: TypedArray): void {
  const precision: 53 | 24 = out instanceof Float32Array ? 24 : 53;
  const perBlock = kind === 'rademacher' ? 4 : 2;
  const key = `${kind}:${precision}`;
  let src = sourceCache.get(key);
  if (src === undefined) { src = probeSource(kind, precision); sourceCache.set(key, src); }
  const ctx = gpujsContext();
  const CHUNK = 1 << 22;
  for (let off = 0; off < out.length; off += CHUNK) {
    const len = Math.min(CHUNK, out.length - off);
    const s = start + off;
    const b0 = Math.floor(s / perBlock), r0 = s - b0 * perBlock;
    const limbs = [b0 % TWO16, Math.floor(b0 / TWO16) % TWO16, Math.floor(b0 / TWO16 ** 2) % TWO16, Math.floor(b0 / TWO16 ** 3)];
    const k = ctx.kernel(`probe:${key}:${len}`, src, [len], {}, 1);
    const r = k(hi(k0), lo(k0), hi(k1), lo(k1), limbs[0], limbs[1], limbs[2], limbs[3], r0);
    out.set(r, off);
  }
}
