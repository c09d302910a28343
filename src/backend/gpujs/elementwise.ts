/** gpu.js elementwise and reduction kernels (float32), generated per op and layout, compiled once per size. */
import type { TypedArray } from '../../tensor/dtype.js';
import type { BinaryOp, UnaryOp } from '../types.js';
import { gpujsContext } from './context.js';

const BINARY: Record<BinaryOp, string> = {
  add: 'x + y', sub: 'x - y', mul: 'x * y', div: 'x / y', pow: 'Math.pow(x, y)',
  maximum: '(x >= y ? x : y)', minimum: '(x <= y ? x : y)',
  greater: '(x > y ? 1 : 0)', greaterEqual: '(x >= y ? 1 : 0)', less: '(x < y ? 1 : 0)', equal: '(x == y ? 1 : 0)',
};

/** Unary bodies: statements ending in `r = …` on input x (float32; log1p/expm1 use Kahan's compensated forms). */
const UNARY: Record<UnaryOp, string> = {
  neg: 'r = -x;', exp: 'r = Math.exp(x);', log: 'r = Math.log(x);', sqrt: 'r = Math.sqrt(x);', square: 'r = x * x;',
  abs: 'r = Math.abs(x);',
  tanh: 'const m2 = -2 * Math.abs(x); const u = Math.exp(m2); let em = m2; if (u != 1) { em = (u - 1) * m2 / Math.log(u); } const t = -em / (2 + em); r = x < 0 ? -t : t;',
  sigmoid: 'if (x >= 0) { r = 1 / (1 + Math.exp(-x)); } else { const e = Math.exp(x); r = e / (1 + e); }',
  relu: 'r = x > 0 ? x : 0;',
  softplus: 'if (x > 0) { r = x + Math.log(1 + Math.exp(-x)); } else { r = Math.log(1 + Math.exp(x)); }',
  sin: 'r = Math.sin(x);', cos: 'r = Math.cos(x);',
  sign: 'r = x > 0 ? 1 : (x < 0 ? -1 : 0);', step: 'r = x > 0 ? 1 : 0;',
  log1p: 'const u = 1 + x; if (u == 1) { r = x; } else { r = Math.log(u) * x / (u - 1); }',
  expm1: 'const u = Math.exp(x); if (u == 1) { r = x; } else { if (u - 1 == -1) { r = -1; } else { r = (u - 1) * x / Math.log(u); } }',
  reciprocal: 'r = 1 / x;',
};

function copyOut(res: Float32Array, out: TypedArray): void {
  out.set(res);
}

/** Binary op on gpu.js: layout 'same' (equal lengths), 'scalarB', 'scalarA', or 'indexed' (through index maps). */
export function gpujsBinary(op: BinaryOp, a: TypedArray, b: TypedArray, out: TypedArray, ia: Int32Array | null, ib: Int32Array | null): void {
  const n = out.length;
  const ctx = gpujsContext();
  const expr = BINARY[op];
  if (ia === null && ib === null) {
    if (a.length === n && b.length === n) {
      const k = ctx.kernel(`bin:${op}:same:${n}`, `function (a, b) { const x = a[this.thread.x]; const y = b[this.thread.x]; return ${expr}; }`, [n], {}, 1);
      copyOut(k(a, b), out);
      return;
    }
    if (b.length === 1) {
      const k = ctx.kernel(`bin:${op}:sb:${n}`, `function (a, s) { const x = a[this.thread.x]; const y = s; return ${expr}; }`, [n], {}, 1);
      copyOut(k(a, b[0]), out);
      return;
    }
    const k = ctx.kernel(`bin:${op}:sa:${n}`, `function (s, b) { const x = s; const y = b[this.thread.x]; return ${expr}; }`, [n], {}, 1);
    copyOut(k(a[0], b), out);
    return;
  }
  const ja = ia ?? identity(n), jb = ib ?? identity(n);
  const k = ctx.kernel(`bin:${op}:idx:${n}`, `function (a, b, ia, ib) { const x = a[ia[this.thread.x]]; const y = b[ib[this.thread.x]]; return ${expr}; }`, [n], {}, 1);
  copyOut(k(a, b, toF32(ja), toF32(jb)), out);
}

/** Unary op on gpu.js. */
export function gpujsUnary(op: UnaryOp, a: TypedArray, out: TypedArray): void {
  const n = out.length;
  const k = gpujsContext().kernel(`un:${op}:${n}`, `function (a) { const x = a[this.thread.x]; let r = 0; ${UNARY[op]} return r; }`, [n], {}, 1);
  copyOut(k(a), out);
}

/** Sum over the middle axis on gpu.js: one thread per (outer, inner) output, a loop over len. */
export function gpujsSumAxis(a: TypedArray, out: TypedArray, outer: number, len: number, inner: number): void {
  const src = `function (a) {
    const o = this.thread.y; const i = this.thread.x;
    let s = 0;
    for (let l = 0; l < this.constants.len; l++) { s += a[(o * this.constants.len + l) * this.constants.inner + i]; }
    return s;
  }`;
  const k = gpujsContext().kernel(`sum:${outer}:${len}:${inner}`, src, [inner, outer], { len, inner }, len);
  copyOut(k(a), out);
}

function toF32(ix: Int32Array): Float32Array {
  return Float32Array.from(ix);
}

let idCache = new Int32Array(0);
function identity(n: number): Int32Array {
  if (idCache.length < n) { idCache = new Int32Array(n); for (let i = 0; i < n; i++) idCache[i] = i; }
  return idCache.subarray(0, n);
}
