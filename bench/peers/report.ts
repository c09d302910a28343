/** Formatting helpers shared by the peer benchmarks: ratios, target verdicts, relative differences, peer failure lines. */
import type { Timing } from '../lib.js';

/** `a / b` as `1.23×` (or '—' when either side is missing). */
export function ratio(a: number | null | undefined, b: number | null | undefined): string {
  if (a == null || b == null || !(b > 0) || !Number.isFinite(a)) return '—';
  const r = a / b;
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}

/** A millisecond figure with sensible precision. */
export function ms(x: number | null | undefined): string {
  if (x == null || !Number.isFinite(x)) return '—';
  return x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(3);
}

/** `median (min–max)` in ms, or '—'. */
export function fmtT(t: Timing | null | undefined): string {
  if (!t) return '—';
  return `${ms(t.median)} (${ms(t.min)}–${ms(t.max)})`;
}

/** Relative 2-norm difference ‖a − b‖ / ‖b‖ of two equally long sequences. */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) { num += (a[i] - b[i]) ** 2; den += b[i] ** 2; }
  return Math.sqrt(num / (den || 1));
}

/** A relative difference in short scientific notation. */
export function sci(x: number | null | undefined): string {
  if (x == null || !Number.isFinite(x)) return '—';
  return x === 0 ? '0' : x.toExponential(1);
}

/** A verdict line for a target: '**met**' / '**missed**' with the measured evidence. */
export function verdict(met: boolean, target: string, evidence: string): string {
  return `- Target “${target}”: **${met ? 'met' : 'missed'}** in this run (${evidence}).`;
}

/** The message of a thrown value, on one line. */
export function errorLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').slice(0, 300);
}
