/**
 * SVG figures for the examples, pure TypeScript with no dependencies: line/scatter plots (linear or log
 * axes, reference lines, legend), histograms, and side-by-side heatmaps of 2-D fields with a shared colour scale.
 */

/** One data series of a plot. */
export interface Series {
  /** Legend entry (omitted from the legend when absent). */
  label?: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** 'line' (default) joins the points; 'scatter' draws dots; 'both' draws both. */
  kind?: 'line' | 'scatter' | 'both';
  /** CSS colour; a palette colour by default. */
  color?: string;
  dashed?: boolean;
  /** Stroke width (default 1.8) or dot radius for scatter (default 2.5). */
  width?: number;
  /** Stroke/fill opacity (default 1); use a low value for many overlaid runs. */
  opacity?: number;
}

/** A horizontal (axis 'y') or vertical (axis 'x') reference line. */
export interface RefLine {
  axis: 'x' | 'y';
  value: number;
  label?: string;
  color?: string;
  dashed?: boolean;
}

/** Histogram bars: `edges.length === counts.length + 1`. */
export interface Bars {
  edges: ArrayLike<number>;
  counts: ArrayLike<number>;
  label?: string;
  color?: string;
}

/** Options of `plot`. */
export interface PlotOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  xLog?: boolean;
  yLog?: boolean;
  series?: Series[];
  bars?: Bars[];
  refLines?: RefLine[];
  /** Fix the axis ranges (data ranges, padded, by default). */
  xRange?: [number, number];
  yRange?: [number, number];
  width?: number;
  height?: number;
  /** Legend corner (default 'top-right'). */
  legend?: 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left' | 'none';
}

/** The default colour cycle (colour-blind friendly). */
export const palette = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];

/** Escape text for SVG. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Short tick label. */
function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const e = Math.floor(Math.log10(a) + 1e-12);
    const m = v / 10 ** e;
    return Math.abs(m - 1) < 1e-9 ? `1e${e}` : `${+m.toFixed(2)}e${e}`;
  }
  return String(+v.toPrecision(6));
}

/** "Nice" linear ticks covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, target = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step) out.push(Math.abs(v) < 1e-12 * step ? 0 : v);
  return out;
}

/** Log ticks: powers of ten in [lo, hi] (with 2 and 5 multiples when the range spans under two decades). */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  const e0 = Math.floor(Math.log10(lo));
  const e1 = Math.ceil(Math.log10(hi));
  const mults = e1 - e0 <= 2 ? [1, 2, 5] : [1];
  for (let e = e0; e <= e1; e++) for (const m of mults) {
    const v = m * 10 ** e;
    if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
  }
  return out.length >= 2 ? out : [lo, hi];
}

/** An axis: data range → pixel range, linear or log. */
class Axis {
  readonly lo: number;
  readonly hi: number;
  constructor(values: number[], readonly log: boolean, readonly p0: number, readonly p1: number, fixed?: [number, number], padFrac = 0.04) {
    if (fixed) { this.lo = fixed[0]; this.hi = fixed[1]; return; }
    const vs = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
    let lo = vs.length ? Math.min(...vs) : log ? 1 : 0;
    let hi = vs.length ? Math.max(...vs) : log ? 10 : 1;
    if (log) {
      if (hi <= lo) { lo /= 2; hi *= 2; }
      const span = Math.log10(hi / lo);
      lo = lo / 10 ** (padFrac * span); hi = hi * 10 ** (padFrac * span);
    } else {
      if (hi <= lo) { const d = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1; lo -= d; hi += d; }
      const span = hi - lo;
      lo -= padFrac * span; hi += padFrac * span;
    }
    this.lo = lo; this.hi = hi;
  }
  /** Pixel coordinate of data value `v` (NaN when not drawable). */
  map(v: number): number {
    if (this.log) {
      if (!(v > 0)) return NaN;
      return this.p0 + (Math.log10(v / this.lo) / Math.log10(this.hi / this.lo)) * (this.p1 - this.p0);
    }
    return this.p0 + ((v - this.lo) / (this.hi - this.lo)) * (this.p1 - this.p0);
  }
  ticks(): number[] {
    return this.log ? logTicks(this.lo, this.hi) : niceTicks(this.lo, this.hi);
  }
}

const f1 = (v: number): string => v.toFixed(1);

/** Render a line/scatter/bar plot as an SVG document string. */
export function plot(options: PlotOptions): string {
  const W = options.width ?? 640;
  const H = options.height ?? 400;
  const series = options.series ?? [];
  const bars = options.bars ?? [];
  const refs = options.refLines ?? [];
  const left = 70, right = 28, top = options.title ? 36 : 16, bottom = 52;
  const xs: number[] = [], ys: number[] = [];
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) { xs.push(s.x[i]); ys.push(s.y[i]); }
  }
  for (const b of bars) {
    for (let i = 0; i < b.edges.length; i++) xs.push(b.edges[i]);
    for (let i = 0; i < b.counts.length; i++) ys.push(b.counts[i]);
    if (!options.yLog) ys.push(0);
  }
  for (const r of refs) (r.axis === 'x' ? xs : ys).push(r.value);
  const ax = new Axis(xs, !!options.xLog, left, W - right, options.xRange, bars.length && !series.length ? 0 : 0.04);
  const ay = new Axis(ys, !!options.yLog, H - bottom, top, options.yRange);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  if (options.title) out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${esc(options.title)}</text>`);
  out.push(`<defs><clipPath id="plotarea"><rect x="${left}" y="${top}" width="${W - left - right}" height="${H - top - bottom}"/></clipPath></defs>`);
  // Grid and ticks.
  for (const t of ax.ticks()) {
    const px = ax.map(t);
    if (!(px >= left - 0.5 && px <= W - right + 0.5)) continue;
    out.push(`<line x1="${f1(px)}" y1="${top}" x2="${f1(px)}" y2="${H - bottom}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${f1(px)}" y="${H - bottom + 16}" text-anchor="middle">${esc(tickLabel(t))}</text>`);
  }
  for (const t of ay.ticks()) {
    const py = ay.map(t);
    if (!(py >= top - 0.5 && py <= H - bottom + 0.5)) continue;
    out.push(`<line x1="${left}" y1="${f1(py)}" x2="${W - right}" y2="${f1(py)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${left - 6}" y="${f1(py + 4)}" text-anchor="end">${esc(tickLabel(t))}</text>`);
  }
  out.push(`<rect x="${left}" y="${top}" width="${W - left - right}" height="${H - top - bottom}" fill="none" stroke="#333"/>`);
  if (options.xLabel) out.push(`<text x="${(left + W - right) / 2}" y="${H - 14}" text-anchor="middle">${esc(options.xLabel)}</text>`);
  if (options.yLabel) out.push(`<text transform="translate(16 ${(top + H - bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(options.yLabel)}</text>`);
  out.push('<g clip-path="url(#plotarea)">');
  const legend: { label: string; color: string; kind: 'line' | 'scatter' | 'both' | 'bar'; dashed?: boolean }[] = [];
  bars.forEach((b, k) => {
    const color = b.color ?? palette[k % palette.length];
    const base = options.yLog ? ay.lo : 0;
    for (let i = 0; i < b.counts.length; i++) {
      const x0 = ax.map(b.edges[i]), x1 = ax.map(b.edges[i + 1]);
      const y0 = ay.map(base), y1 = ay.map(b.counts[i]);
      if (![x0, x1, y0, y1].every(Number.isFinite)) continue;
      out.push(`<rect x="${f1(Math.min(x0, x1))}" y="${f1(Math.min(y0, y1))}" width="${f1(Math.abs(x1 - x0))}" height="${f1(Math.abs(y1 - y0))}" fill="${color}" fill-opacity="0.55" stroke="${color}" stroke-width="0.5"/>`);
    }
    if (b.label) legend.push({ label: b.label, color, kind: 'bar' });
  });
  series.forEach((s, k) => {
    const color = s.color ?? palette[k % palette.length];
    const kind = s.kind ?? 'line';
    const opacity = s.opacity ?? 1;
    const n = Math.min(s.x.length, s.y.length);
    if (kind === 'line' || kind === 'both') {
      // Break the path at points that cannot be drawn (NaN, or ≤ 0 on a log axis).
      let d = '';
      let pen = false;
      for (let i = 0; i < n; i++) {
        const px = ax.map(s.x[i]), py = ay.map(s.y[i]);
        if (!Number.isFinite(px) || !Number.isFinite(py)) { pen = false; continue; }
        d += `${pen ? 'L' : 'M'}${f1(px)},${f1(py)}`;
        pen = true;
      }
      if (d) out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="${s.width ?? 1.8}" stroke-opacity="${opacity}"${s.dashed ? ' stroke-dasharray="6 4"' : ''} stroke-linejoin="round"/>`);
    }
    if (kind === 'scatter' || kind === 'both') {
      const r = kind === 'both' ? 2.5 : s.width ?? 2.5;
      for (let i = 0; i < n; i++) {
        const px = ax.map(s.x[i]), py = ay.map(s.y[i]);
        if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
        out.push(`<circle cx="${f1(px)}" cy="${f1(py)}" r="${r}" fill="${color}" fill-opacity="${opacity}"/>`);
      }
    }
    if (s.label) legend.push({ label: s.label, color, kind, dashed: s.dashed });
  });
  for (const r of refs) {
    const color = r.color ?? '#444';
    const dash = r.dashed === false ? '' : ' stroke-dasharray="4 3"';
    if (r.axis === 'y') {
      const py = ay.map(r.value);
      if (!Number.isFinite(py)) continue;
      out.push(`<line x1="${left}" y1="${f1(py)}" x2="${W - right}" y2="${f1(py)}" stroke="${color}" stroke-width="1.5"${dash}/>`);
      if (r.label) out.push(`<text x="${left + 6}" y="${f1(py - 5)}" fill="${color}">${esc(r.label)}</text>`);
    } else {
      const px = ax.map(r.value);
      if (!Number.isFinite(px)) continue;
      out.push(`<line x1="${f1(px)}" y1="${top}" x2="${f1(px)}" y2="${H - bottom}" stroke="${color}" stroke-width="1.5"${dash}/>`);
      if (r.label) out.push(`<text x="${f1(px + 5)}" y="${top + 14}" fill="${color}">${esc(r.label)}</text>`);
    }
  }
  out.push('</g>');
  const where = options.legend ?? 'top-right';
  if (legend.length && where !== 'none') {
    const lw = 34 + 7 * Math.max(...legend.map((l) => l.label.length));
    const lh = 8 + 18 * legend.length;
    const lx = where.endsWith('right') ? W - right - lw - 8 : left + 8;
    const ly = where.startsWith('top') ? top + 8 : H - bottom - lh - 8;
    out.push(`<rect x="${lx}" y="${ly}" width="${lw}" height="${lh}" fill="white" fill-opacity="0.85" stroke="#bbb"/>`);
    legend.forEach((l, i) => {
      const cy = ly + 13 + 18 * i;
      if (l.kind === 'bar') out.push(`<rect x="${lx + 6}" y="${cy - 5}" width="20" height="10" fill="${l.color}" fill-opacity="0.55"/>`);
      else if (l.kind === 'scatter') out.push(`<circle cx="${lx + 16}" cy="${cy}" r="3" fill="${l.color}"/>`);
      else out.push(`<line x1="${lx + 6}" y1="${cy}" x2="${lx + 26}" y2="${cy}" stroke="${l.color}" stroke-width="2"${l.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
      out.push(`<text x="${lx + 32}" y="${cy + 4}">${esc(l.label)}</text>`);
    });
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Bin `values` into `bins` equal-width bins over [min, max] (or `range`); `density` normalises to unit area. */
export function histogramBins(values: ArrayLike<number>, bins: number, range?: [number, number], density = false): Bars {
  let lo = range ? range[0] : Infinity, hi = range ? range[1] : -Infinity;
  if (!range) for (let i = 0; i < values.length; i++) { const v = values[i]; if (v < lo) lo = v; if (v > hi) hi = v; }
  if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) edges[i] = lo + ((hi - lo) * i) / bins;
  const counts = new Float64Array(bins);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= lo && v <= hi)) continue;
    counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]++;
    total++;
  }
  if (density && total > 0) {
    const w = (hi - lo) / bins;
    for (let i = 0; i < bins; i++) counts[i] /= total * w;
  }
  return { edges, counts };
}

/** Options of `histogram`. */
export interface HistogramOptions extends Omit<PlotOptions, 'bars'> {
  bins?: number;
  range?: [number, number];
  density?: boolean;
  label?: string;
  color?: string;
}

/** Render a histogram of `values` (optionally with overlaid series such as a density curve) as SVG. */
export function histogram(values: ArrayLike<number>, options: HistogramOptions = {}): string {
  const b = histogramBins(values, options.bins ?? 40, options.range, options.density ?? false);
  return plot({ ...options, yLabel: options.yLabel ?? (options.density ? 'density' : 'count'), bars: [{ ...b, label: options.label, color: options.color }] });
}

/** One panel of `heatmaps`. */
export interface HeatmapPanel {
  title: string;
  /** Row-major values, `rows × cols`. */
  values: ArrayLike<number>;
}

/** Options of `heatmaps`. */
export interface HeatmapOptions {
  rows: number;
  cols: number;
  title?: string;
  /** Pixel size of one panel (default 240). */
  panelSize?: number;
  /** Colour range shared by all panels (the panels' joint min/max by default). */
  range?: [number, number];
}

/** Viridis-like colour for t ∈ [0, 1] (piecewise-linear through five anchor colours). */
export function colormap(t: number): string {
  const anchors = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (anchors.length - 1);
  const i = Math.min(anchors.length - 2, Math.floor(x));
  const f = x - i;
  const c = anchors[i].map((a, k) => Math.round(a + f * (anchors[i + 1][k] - a)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** Render 2-D fields side by side with one shared colour scale and a colour bar, as SVG. */
export function heatmaps(panels: HeatmapPanel[], options: HeatmapOptions): string {
  const { rows, cols } = options;
  const size = options.panelSize ?? 240;
  const cw = size / Math.max(rows, cols);
  const pw = cw * cols, ph = cw * rows;
  let lo = Infinity, hi = -Infinity;
  if (options.range) [lo, hi] = options.range;
  else for (const p of panels) for (let i = 0; i < p.values.length; i++) { const v = p.values[i]; if (v < lo) lo = v; if (v > hi) hi = v; }
  if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
  const gap = 24, top = options.title ? 48 : 28, barW = 16;
  const W = gap + panels.length * (pw + gap) + barW + 60;
  const H = top + ph + 20;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${f1(W)}" height="${f1(H)}" viewBox="0 0 ${f1(W)} ${f1(H)}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${f1(W)}" height="${f1(H)}" fill="white"/>`);
  if (options.title) out.push(`<text x="${f1(W / 2)}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(options.title)}</text>`);
  panels.forEach((p, k) => {
    const x0 = gap + k * (pw + gap);
    out.push(`<text x="${f1(x0 + pw / 2)}" y="${top - 8}" text-anchor="middle">${esc(p.title)}</text>`);
    out.push(`<g shape-rendering="crispEdges">`);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
      const v = p.values[i * cols + j];
      out.push(`<rect x="${f1(x0 + j * cw)}" y="${f1(top + i * cw)}" width="${f1(cw + 0.3)}" height="${f1(cw + 0.3)}" fill="${colormap((v - lo) / (hi - lo))}"/>`);
    }
    out.push('</g>');
    out.push(`<rect x="${f1(x0)}" y="${top}" width="${f1(pw)}" height="${f1(ph)}" fill="none" stroke="#333"/>`);
  });
  const bx = gap + panels.length * (pw + gap);
  const steps = 32;
  for (let s = 0; s < steps; s++) {
    out.push(`<rect x="${f1(bx)}" y="${f1(top + (ph * s) / steps)}" width="${barW}" height="${f1(ph / steps + 0.5)}" fill="${colormap(1 - s / (steps - 1))}"/>`);
  }
  out.push(`<rect x="${f1(bx)}" y="${top}" width="${barW}" height="${f1(ph)}" fill="none" stroke="#333"/>`);
  for (const t of niceTicks(lo, hi, 5)) {
    const py = top + ph * (1 - (t - lo) / (hi - lo));
    out.push(`<text x="${f1(bx + barW + 4)}" y="${f1(py + 4)}">${esc(tickLabel(t))}</text>`);
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
