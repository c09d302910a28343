/** Results tables for the examples: aligned plain-text rendering for the terminal and number formatting. */

/** A table cell: text, a number (formatted with `fmtNum`) or null (shown as '—'). */
export type Cell = string | number | null;

/** Format a number compactly: fixed for moderate magnitudes, exponent otherwise. */
export function fmtNum(x: number, digits = 4): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  if (Number.isInteger(x) && Math.abs(x) < 1e9) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(digits - 1);
  if (a >= 10 ** digits) return x.toFixed(0);
  return x.toPrecision(digits);
}

/** Render `rows` under `header` as an aligned text table (numbers right-aligned) with an optional title line. */
export function renderTable(header: readonly string[], rows: readonly (readonly Cell[])[], title?: string): string {
  const text = rows.map((r) => r.map((c) => (c === null ? '—' : typeof c === 'number' ? fmtNum(c) : c)));
  const numeric = header.map((_h, j) => rows.length > 0 && rows.every((r) => typeof r[j] === 'number' || r[j] === null));
  const widths = header.map((h, j) => Math.max(h.length, ...text.map((r) => (r[j] ?? '').length)));
  const fmtRow = (cells: readonly string[]): string =>
    cells.map((c, j) => (numeric[j] ? c.padStart(widths[j]) : c.padEnd(widths[j]))).join('  ').trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  const lines = [fmtRow(header), rule, ...text.map(fmtRow)];
  return (title ? `${title}\n` : '') + lines.join('\n');
}
