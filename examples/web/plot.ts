/** Minimal canvas line plots for the web demo: axes with tick labels, lines, a shaded band, points, a legend. */

/** One thing to draw: a line (optionally with a ±band), or unconnected points. */
export interface Series {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color: string;
  label: string;
  /** Half-width of a shaded band around y (same length as y). */
  band?: ArrayLike<number>;
  /** Draw dots instead of a line. */
  points?: boolean;
  dashed?: boolean;
}

/** Axis titles and fixed ranges (ranges default to the data's, padded). */
export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  xRange?: [number, number];
  yRange?: [number, number];
}

const PAD = { left: 62, right: 14, top: 28, bottom: 40 };

function extent(series: Series[], axis: 'x' | 'y'): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const s of series) {
    const v = s[axis];
    for (let i = 0; i < v.length; i++) {
      const w = s.band && axis === 'y' ? Math.abs(s.band[i]) || 0 : 0;
      if (Number.isFinite(v[i])) { lo = Math.min(lo, v[i] - w); hi = Math.max(hi, v[i] + w); }
    }
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  const m = 0.05 * (hi - lo);
  return axis === 'y' ? [lo - m, hi + m] : [lo, hi];
}

function ticks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step) out.push(Math.abs(t) < 1e-12 * step ? 0 : t);
  return out;
}

/** Redraw `canvas` with the given series (scaled for the device pixel ratio). */
export function drawPlot(canvas: HTMLCanvasElement, series: Series[], options: PlotOptions): void {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 480, h = canvas.clientHeight || 300;
  if (canvas.width !== Math.round(w * dpr)) { canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr); }
  const g = canvas.getContext('2d');
  if (!g) return;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  g.fillStyle = '#fff';
  g.fillRect(0, 0, w, h);
  const [x0, x1] = options.xRange ?? extent(series, 'x');
  const [y0, y1] = options.yRange ?? extent(series, 'y');
  const pw = w - PAD.left - PAD.right, ph = h - PAD.top - PAD.bottom;
  const sx = (x: number): number => PAD.left + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number): number => PAD.top + (1 - (y - y0) / (y1 - y0)) * ph;

  g.font = '12px system-ui, sans-serif';
  g.strokeStyle = '#ddd';
  g.fillStyle = '#444';
  g.lineWidth = 1;
  g.textAlign = 'center';
  for (const t of ticks(x0, x1, 6)) {
    g.beginPath(); g.moveTo(sx(t), PAD.top); g.lineTo(sx(t), PAD.top + ph); g.stroke();
    g.fillText(String(+t.toPrecision(4)), sx(t), PAD.top + ph + 15);
  }
  g.textAlign = 'right';
  for (const t of ticks(y0, y1, 5)) {
    g.beginPath(); g.moveTo(PAD.left, sy(t)); g.lineTo(PAD.left + pw, sy(t)); g.stroke();
    g.fillText(String(+t.toPrecision(4)), PAD.left - 6, sy(t) + 4);
  }
  g.strokeStyle = '#888';
  g.strokeRect(PAD.left, PAD.top, pw, ph);
  g.textAlign = 'center';
  g.font = 'bold 13px system-ui, sans-serif';
  g.fillText(options.title, PAD.left + pw / 2, 17);
  g.font = '12px system-ui, sans-serif';
  g.fillText(options.xLabel, PAD.left + pw / 2, h - 6);
  g.save(); g.translate(14, PAD.top + ph / 2); g.rotate(-Math.PI / 2); g.fillText(options.yLabel, 0, 0); g.restore();

  g.save();
  g.beginPath(); g.rect(PAD.left, PAD.top, pw, ph); g.clip();
  for (const s of series) {
    const n = Math.min(s.x.length, s.y.length);
    if (s.band && n > 0) {
      g.fillStyle = s.color; g.globalAlpha = 0.18;
      g.beginPath();
      for (let i = 0; i < n; i++) g.lineTo(sx(s.x[i]), sy(s.y[i] + s.band[i]));
      for (let i = n - 1; i >= 0; i--) g.lineTo(sx(s.x[i]), sy(s.y[i] - s.band[i]));
      g.closePath(); g.fill(); g.globalAlpha = 1;
    }
    g.strokeStyle = s.color; g.fillStyle = s.color; g.lineWidth = 2;
    g.setLineDash(s.dashed ? [6, 4] : []);
    if (s.points) {
      for (let i = 0; i < n; i++) { g.beginPath(); g.arc(sx(s.x[i]), sy(s.y[i]), 2.5, 0, 2 * Math.PI); g.fill(); }
    } else {
      g.beginPath();
      for (let i = 0; i < n; i++) g.lineTo(sx(s.x[i]), sy(s.y[i]));
      g.stroke();
    }
  }
  g.restore();
  g.setLineDash([]);
  g.textAlign = 'left';
  let ly = PAD.top + 14;
  for (const s of series) {
    g.fillStyle = s.color;
    g.fillRect(PAD.left + pw - 170, ly - 8, 14, 4);
    g.fillStyle = '#222';
    g.fillText(s.label, PAD.left + pw - 150, ly - 3);
    ly += 16;
  }
}
