/** Leading-axis helpers for the chunked combinators: take a block of rows, embed rows into zeros, stack rows (all differentiable). */
import { Tensor, allocate, methodTable } from '../tensor/index.js';
import { record } from './node.js';

function rowSize(shape: readonly number[]): number {
  let s = 1;
  for (let i = 1; i < shape.length; i++) s *= shape[i];
  return s;
}

/** @internal Rows `start .. start + count − 1` of `x` along axis 0 (a copy); its VJP embeds the cotangent into zeros. */
export function takeRows(x: Tensor, start: number, count: number): Tensor {
  const rs = rowSize(x.shape);
  const out = new Tensor(x._data.slice(start * rs, (start + count) * rs), [count, ...x.shape.slice(1)]);
  record('takeRows', [out], [x], ([g]) => [padRows(g!, start, x.shape[0])]);
  return out;
}

/** @internal Row `i` of `x` with the leading axis removed; its VJP embeds the cotangent into zeros. */
export function takeRow(x: Tensor, i: number): Tensor {
  const rs = rowSize(x.shape);
  const out = new Tensor(x._data.slice(i * rs, (i + 1) * rs), x.shape.slice(1));
  record('takeRow', [out], [x], ([g]) => [padRows(methodTable.call('reshape', g!, [1, ...g!.shape]), i, x.shape[0])]);
  return out;
}

/** @internal A tensor with `total` rows that is zero except rows `start ..` which hold `x`; its VJP takes those rows back. */
export function padRows(x: Tensor, start: number, total: number): Tensor {
  const rs = rowSize(x.shape);
  const data = allocate(x.dtype, total * rs);
  data.set(x._data, start * rs);
  const out = new Tensor(data, [total, ...x.shape.slice(1)]);
  record('padRows', [out], [x], ([g]) => [takeRows(g!, start, x.shape[0])]);
  return out;
}

/**
 * @internal Concatenate tensors along axis 0 (`stackNew`: each part is one row, i.e. stack along a new axis).
 * All parts must share trailing shape and dtype; the VJP takes each part's rows back.
 */
export function concatRows(parts: readonly Tensor[], stackNew: boolean): Tensor {
  const first = parts[0];
  const inner = stackNew ? first.shape : first.shape.slice(1);
  let rows = 0;
  const counts = parts.map((p) => (stackNew ? 1 : p.shape[0]));
  for (const c of counts) rows += c;
  let rs = 1;
  for (const d of inner) rs *= d;
  const data = allocate(first.dtype, rows * rs);
  let off = 0;
  for (const p of parts) { data.set(p._data, off); off += p.size; }
  const out = new Tensor(data, [rows, ...inner]);
  record(stackNew ? 'stackRows' : 'concatRows', [out], parts, ([g]) => {
    let at = 0;
    return parts.map((p, k) => {
      const piece = stackNew ? takeRow(g!, at) : takeRows(g!, at, counts[k]);
      at += counts[k];
      return p._tracked ? piece : null;
    });
  });
  return out;
}
