/** Float64/float32 TypeScript elementwise kernels: one tight loop per op, index maps only when broadcasting. */
import type { TypedArray } from '../../tensor/dtype.js';
import type { BinaryOp, UnaryOp } from '../types.js';
import { wasmBinary, wasmExp, wasmElementwiseThresholds } from '../wasm/elementwise.js';

/** Same-length binary loops (the fast path). */
function binaryContiguous(op: BinaryOp, a: TypedArray, b: TypedArray, o: TypedArray): void {
  const n = o.length;
  // float64 add/sub/mul/div from wasmElementwiseThresholds.binary elements: the wasm SIMD loop, copies included, is
  // faster than V8's scalar loop (bench/wasm.bench.ts); IEEE operations, so the results are bitwise the same
  if (n >= wasmElementwiseThresholds.binary && (op === 'add' || op === 'sub' || op === 'mul' || op === 'div')
    && a instanceof Float64Array && b instanceof Float64Array && o instanceof Float64Array && wasmBinary(op, a, b, o)) return;
  switch (op) {
    case 'add': for (let i = 0; i < n; i++) o[i] = a[i] + b[i]; return;
    case 'sub': for (let i = 0; i < n; i++) o[i] = a[i] - b[i]; return;
    case 'mul': for (let i = 0; i < n; i++) o[i] = a[i] * b[i]; return;
    case 'div': for (let i = 0; i < n; i++) o[i] = a[i] / b[i]; return;
    case 'pow': for (let i = 0; i < n; i++) o[i] = Math.pow(a[i], b[i]); return;
    case 'maximum': for (let i = 0; i < n; i++) o[i] = a[i] >= b[i] || Number.isNaN(a[i]) ? a[i] : b[i]; return;
    case 'minimum': for (let i = 0; i < n; i++) o[i] = a[i] <= b[i] || Number.isNaN(a[i]) ? a[i] : b[i]; return;
    case 'greater': for (let i = 0; i < n; i++) o[i] = a[i] > b[i] ? 1 : 0; return;
    case 'greaterEqual': for (let i = 0; i < n; i++) o[i] = a[i] >= b[i] ? 1 : 0; return;
    case 'less': for (let i = 0; i < n; i++) o[i] = a[i] < b[i] ? 1 : 0; return;
    case 'equal': for (let i = 0; i < n; i++) o[i] = a[i] === b[i] ? 1 : 0; return;
  }
}

/** Tensor-scalar binary loops (`s` is the scalar; `scalarLeft` says whether it is the left operand). */
function binaryScalar(op: BinaryOp, x: TypedArray, s: number, o: TypedArray, scalarLeft: boolean): void {
  const n = o.length;
  if (scalarLeft) {
    switch (op) {
      case 'sub': for (let i = 0; i < n; i++) o[i] = s - x[i]; return;
      case 'div': for (let i = 0; i < n; i++) o[i] = s / x[i]; return;
      case 'pow': for (let i = 0; i < n; i++) o[i] = Math.pow(s, x[i]); return;
      case 'greater': for (let i = 0; i < n; i++) o[i] = s > x[i] ? 1 : 0; return;
      case 'greaterEqual': for (let i = 0; i < n; i++) o[i] = s >= x[i] ? 1 : 0; return;
      case 'less': for (let i = 0; i < n; i++) o[i] = s < x[i] ? 1 : 0; return;
      default: break; // commutative ops fall through to the right-scalar loops
    }
  }
  switch (op) {
    case 'add': for (let i = 0; i < n; i++) o[i] = x[i] + s; return;
    case 'sub': for (let i = 0; i < n; i++) o[i] = x[i] - s; return;
    case 'mul': for (let i = 0; i < n; i++) o[i] = x[i] * s; return;
    case 'div': for (let i = 0; i < n; i++) o[i] = x[i] / s; return;
    case 'pow':
      if (s === 2) { for (let i = 0; i < n; i++) o[i] = x[i] * x[i]; return; }
      for (let i = 0; i < n; i++) o[i] = Math.pow(x[i], s); return;
    case 'maximum': for (let i = 0; i < n; i++) o[i] = x[i] >= s || Number.isNaN(x[i]) ? x[i] : s; return;
    case 'minimum': for (let i = 0; i < n; i++) o[i] = x[i] <= s || Number.isNaN(x[i]) ? x[i] : s; return;
    case 'greater': for (let i = 0; i < n; i++) o[i] = x[i] > s ? 1 : 0; return;
    case 'greaterEqual': for (let i = 0; i < n; i++) o[i] = x[i] >= s ? 1 : 0; return;
    case 'less': for (let i = 0; i < n; i++) o[i] = x[i] < s ? 1 : 0; return;
    case 'equal': for (let i = 0; i < n; i++) o[i] = x[i] === s ? 1 : 0; return;
  }
}

/** Broadcasting binary loops through index maps. */
function binaryIndexed(op: BinaryOp, a: TypedArray, b: TypedArray, o: TypedArray, ia: Int32Array, ib: Int32Array): void {
  const n = o.length;
  switch (op) {
    case 'add': for (let i = 0; i < n; i++) o[i] = a[ia[i]] + b[ib[i]]; return;
    case 'sub': for (let i = 0; i < n; i++) o[i] = a[ia[i]] - b[ib[i]]; return;
    case 'mul': for (let i = 0; i < n; i++) o[i] = a[ia[i]] * b[ib[i]]; return;
    case 'div': for (let i = 0; i < n; i++) o[i] = a[ia[i]] / b[ib[i]]; return;
    case 'pow': for (let i = 0; i < n; i++) o[i] = Math.pow(a[ia[i]], b[ib[i]]); return;
    case 'maximum': for (let i = 0; i < n; i++) { const x = a[ia[i]], y = b[ib[i]]; o[i] = x >= y || Number.isNaN(x) ? x : y; } return;
    case 'minimum': for (let i = 0; i < n; i++) { const x = a[ia[i]], y = b[ib[i]]; o[i] = x <= y || Number.isNaN(x) ? x : y; } return;
    case 'greater': for (let i = 0; i < n; i++) o[i] = a[ia[i]] > b[ib[i]] ? 1 : 0; return;
    case 'greaterEqual': for (let i = 0; i < n; i++) o[i] = a[ia[i]] >= b[ib[i]] ? 1 : 0; return;
    case 'less': for (let i = 0; i < n; i++) o[i] = a[ia[i]] < b[ib[i]] ? 1 : 0; return;
    case 'equal': for (let i = 0; i < n; i++) o[i] = a[ia[i]] === b[ib[i]] ? 1 : 0; return;
  }
}

/** Dispatch a binary elementwise op to the fastest loop for its layout. */
export function binary(op: BinaryOp, a: TypedArray, b: TypedArray, out: TypedArray, ia: Int32Array | null, ib: Int32Array | null): void {
  if (ia === null && ib === null) {
    if (a.length === out.length && b.length === out.length) return binaryContiguous(op, a, b, out);
    if (b.length === 1 && a.length === out.length) return binaryScalar(op, a, b[0], out, false);
    if (a.length === 1 && b.length === out.length) return binaryScalar(op, b, a[0], out, true);
    throw new Error(`binary(${op}): lengths ${a.length}, ${b.length} do not match output ${out.length} without index maps`);
  }
  const n = out.length;
  const ja = ia ?? identityMap(n);
  const jb = ib ?? identityMap(n);
  binaryIndexed(op, a, b, out, ja, jb);
}

let idCache: Int32Array = new Int32Array(0);
function identityMap(n: number): Int32Array {
  if (idCache.length < n) { idCache = new Int32Array(n); for (let i = 0; i < n; i++) idCache[i] = i; }
  return idCache.length === n ? idCache : idCache.subarray(0, n);
}

/** Unary elementwise loops. */
export function unary(op: UnaryOp, a: TypedArray, o: TypedArray): void {
  const n = o.length;
  switch (op) {
    case 'neg': for (let i = 0; i < n; i++) o[i] = -a[i]; return;
    case 'exp':
      // float64 from wasmElementwiseThresholds.exp elements: the SIMD polynomial (≤ 3.2e-16 relative error against
      // Math.exp, measured in test/backend/wasm-elementwise.test.ts; about 2× faster, bench/wasm.bench.ts)
      if (n >= wasmElementwiseThresholds.exp && a instanceof Float64Array && o instanceof Float64Array && wasmExp(a, o)) return;
      for (let i = 0; i < n; i++) o[i] = Math.exp(a[i]);
      return;
    case 'log': for (let i = 0; i < n; i++) o[i] = Math.log(a[i]); return;
    case 'sqrt': for (let i = 0; i < n; i++) o[i] = Math.sqrt(a[i]); return;
    case 'square': for (let i = 0; i < n; i++) o[i] = a[i] * a[i]; return;
    case 'abs': for (let i = 0; i < n; i++) o[i] = Math.abs(a[i]); return;
    case 'tanh': for (let i = 0; i < n; i++) o[i] = Math.tanh(a[i]); return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const x = a[i];
        if (x >= 0) o[i] = 1 / (1 + Math.exp(-x));
        else { const e = Math.exp(x); o[i] = e / (1 + e); }
      }
      return;
    case 'relu': for (let i = 0; i < n; i++) o[i] = a[i] > 0 ? a[i] : 0; return;
    case 'softplus':
      for (let i = 0; i < n; i++) { const x = a[i]; o[i] = x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)); }
      return;
    case 'sin': for (let i = 0; i < n; i++) o[i] = Math.sin(a[i]); return;
    case 'cos': for (let i = 0; i < n; i++) o[i] = Math.cos(a[i]); return;
    case 'sign': for (let i = 0; i < n; i++) o[i] = a[i] > 0 ? 1 : a[i] < 0 ? -1 : 0; return;
    case 'step': for (let i = 0; i < n; i++) o[i] = a[i] > 0 ? 1 : 0; return;
    case 'log1p': for (let i = 0; i < n; i++) o[i] = Math.log1p(a[i]); return;
    case 'expm1': for (let i = 0; i < n; i++) o[i] = Math.expm1(a[i]); return;
    case 'reciprocal': for (let i = 0; i < n; i++) o[i] = 1 / a[i]; return;
  }
}
