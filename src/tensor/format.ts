/** Printing: a NumPy-like, width-limited rendering of a tensor. */
import type { Tensor } from './tensor.js';

const MAX_ITEMS = 6;

function fmtNum(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Inf' : '-Inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-4) return v.toExponential(4);
  return Number(v.toPrecision(6)).toString();
}

/** Render a tensor as text, eliding the middle of long axes. */
export function formatTensor(t: Tensor): string {
  const d = t._data;
  const shape = t.shape;
  const head = `Tensor(${t.dtype}, shape=[${shape.join(', ')}])`;
  if (shape.length === 0) return `${head} ${fmtNum(d[0])}`;
  const strides: number[] = new Array(shape.length);
  let s = 1;
  for (let k = shape.length - 1; k >= 0; k--) { strides[k] = s; s *= shape[k]; }
  const rec = (dim: number, off: number, indent: string): string => {
    const n = shape[dim];
    const idx: (number | null)[] = [];
    if (n <= MAX_ITEMS) for (let i = 0; i < n; i++) idx.push(i);
    else { for (let i = 0; i < 3; i++) idx.push(i); idx.push(null); for (let i = n - 3; i < n; i++) idx.push(i); }
    if (dim === shape.length - 1) {
      return '[' + idx.map((i) => (i === null ? '...' : fmtNum(d[off + i]))).join(', ') + ']';
    }
    const inner = idx.map((i) => (i === null ? '...' : rec(dim + 1, off + i * strides[dim], indent + ' ')));
    return '[' + inner.join(',\n' + indent + ' ') + ']';
  };
  return `${head}\n${rec(0, 0, '')}`;
}
