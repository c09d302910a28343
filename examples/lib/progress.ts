/**
 * Terminal progress bar for the examples' long loops, drawn on stderr with count, rate and ETA.
 * On a TTY it redraws in place (at most ~10 times a second); when stderr is not a TTY it prints one
 * summary line when the loop ends; with `quiet` (tests) it prints nothing.
 */

/** Options of `progress`. */
export interface ProgressOptions {
  /** Print nothing (the smoke tests pass this). */
  quiet?: boolean;
  /** Unit shown in the rate, e.g. 'steps' or 'resamples' (default 'it'). */
  unit?: string;
  /** Stream to draw on (default process.stderr). */
  stream?: NodeJS.WriteStream;
}

/** A running progress bar. */
export interface Progress {
  /** Advance by `n` (default 1); `info` is a short status shown after the bar (e.g. the current loss). */
  tick(n?: number, info?: string): void;
  /** Finish: draw the final state and move to a new line. Idempotent. */
  done(info?: string): void;
  /** Seconds since the bar started. */
  elapsed(): number;
}

/** Format seconds as `1m05s` or `4.2s`. */
export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - 60 * m)).padStart(2, '0')}s`;
}

/** Format a rate with a sensible number of digits. */
export function fmtRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M`;
  if (perSecond >= 1e4) return `${(perSecond / 1e3).toFixed(1)}k`;
  if (perSecond >= 100) return perSecond.toFixed(0);
  return perSecond.toFixed(perSecond >= 10 ? 1 : 2);
}

/** Start a progress bar for a loop of `total` iterations labelled `label`. */
export function progress(label: string, total: number, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const unit = options.unit ?? 'it';
  const mode: 'bar' | 'summary' | 'silent' = options.quiet ? 'silent' : stream.isTTY ? 'bar' : 'summary';
  const start = performance.now();
  let count = 0;
  let lastDraw = 0;
  let lastInfo = '';
  let finished = false;
  const elapsed = (): number => (performance.now() - start) / 1000;

  const line = (): string => {
    const t = elapsed();
    const rate = t > 0 ? count / t : 0;
    const frac = total > 0 ? Math.min(1, count / total) : 1;
    const eta = rate > 0 ? (total - count) / rate : Infinity;
    const timing = finished ? `${fmtSeconds(t)}` : `${fmtSeconds(t)} < ETA ${fmtSeconds(eta)}`;
    const stats = `${count}/${total} ${timing}, ${fmtRate(rate)} ${unit}/s`;
    const info = lastInfo ? `  ${lastInfo}` : '';
    if (mode === 'summary') return `${label}: ${stats}${info}`;
    const columns = stream.columns ?? 100;
    const width = Math.max(10, Math.min(30, columns - label.length - stats.length - info.length - 12));
    const filled = Math.round(frac * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const text = `${label} ${bar} ${(100 * frac).toFixed(0).padStart(3)}% ${stats}${info}`;
    return text.length > columns - 1 ? text.slice(0, columns - 1) : text;
  };

  const draw = (force: boolean): void => {
    if (mode !== 'bar') return;
    const now = performance.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    stream.write(`\r\x1b[2K${line()}`);
  };

  return {
    tick(n = 1, info?: string): void {
      count += n;
      if (info !== undefined) lastInfo = info;
      draw(false);
    },
    done(info?: string): void {
      if (finished) return;
      finished = true;
      if (info !== undefined) lastInfo = info;
      if (mode === 'bar') { draw(true); stream.write('\n'); }
      else if (mode === 'summary') stream.write(`${line()}\n`);
    },
    elapsed,
  };
}
