/**
 * The web demo's entry (bundled by scripts/build-browser.mjs; the import of ../../src/index.js becomes the browser
 * bundle ./tracetape.browser.js): fits GP hyperparameters on the gpujs backend with a live loss plot, then plots the
 * Hutchinson estimate of tr K converging, the data with the posterior mean, and stores the numbers in
 * `window.__tracetapeResult` for the browser test. URL options: ?backend=cpu|gpujs (default gpujs), ?steps=N.
 */
import * as tt from '../../src/index.js';
import { DEFAULT_CONFIG, makeData, posteriorMean, runFit, type FitConfig, type FitResult, type TracePoint } from './gp-fit.js';
import { drawPlot } from './plot.js';

declare global {
  interface Window {
    /** Set when the demo has finished: the fit's numbers, or `{ error }` if it failed. */
    __tracetapeResult?: PageResult | { error: string };
  }
}

/** What the page reports: the fit's numbers plus the browser's WebGL renderer (what gpu.js's GL modes run on). */
export type PageResult = FitResult & { webglRenderer: string };

/** The WebGL2 (else WebGL) renderer string, unmasked where the browser allows it, or why there is none. */
function webglRenderer(): string {
  const canvas = document.createElement('canvas');
  const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
  if (!gl) return 'no WebGL context';
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
  return `${gl.getParameter(gl.VERSION)}; ${String(renderer)}`;
}

/** gpu.js names every GL kernel class (headlessgl, WebGL, WebGL2) 'gpu'; say so on the page. */
function modeLabel(mode: string): string {
  return mode === 'gpu' ? 'gpu (a gpu.js WebGL kernel)' : mode;
}

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`demo page: missing element #${id}`);
  return el as T;
};

const nextFrame = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

function fmt(x: number, digits = 4): string {
  return Number.isFinite(x) ? x.toPrecision(digits) : String(x);
}

async function main(): Promise<void> {
  const query = new URLSearchParams(location.search);
  const backend = query.get('backend') ?? 'gpujs';
  if (backend !== 'gpujs' && backend !== 'cpu') throw new Error(`?backend must be gpujs or cpu, received ${backend}`);
  const config: FitConfig = { ...DEFAULT_CONFIG };
  if (query.has('steps')) config.steps = Math.max(1, Math.floor(Number(query.get('steps'))) || DEFAULT_CONFIG.steps);

  tt.setBackend(backend);
  const info = tt.backendInfo();
  $('mode').textContent = `${info.name} backend, gpu.js mode: ${modeLabel(info.mode)} (${info.precision})`;
  const renderer = webglRenderer();
  $('detail').textContent = `${info.detail ?? ''}. WebGL: ${renderer}`;

  const steps: number[] = [], losses: number[] = [];
  const lossCanvas = $<HTMLCanvasElement>('loss');
  const drawLoss = (): void => drawPlot(lossCanvas, [{ x: steps, y: losses, color: '#1f6feb', label: 'NLL per point' }],
    { title: 'Adam on the GP negative log marginal likelihood', xLabel: 'step', yLabel: 'NLL / n', xRange: [0, config.steps] });
  const status = $('status');

  const trace: TracePoint[] = [];
  const traceCanvas = $<HTMLCanvasElement>('hutchinson');
  let traceExact = NaN;
  const drawTrace = (): void => {
    const x = trace.map((p) => p.done);
    drawPlot(traceCanvas, [
      { x, y: trace.map((p) => p.estimate), band: trace.map((p) => 2 * (Number.isFinite(p.sem) ? p.sem : 0)), color: '#d1242f', label: 'Hutchinson ± 2 SEM' },
      { x: [0, config.probes], y: [traceExact, traceExact], color: '#222', label: 'exact n·(s + σ²)', dashed: true },
    ], { title: 'Hutchinson estimate of tr K (Rademacher probes, streamed)', xLabel: 'probes', yLabel: 'tr K', xRange: [0, config.probes] });
  };

  const result = await runFit(tt, config, {
    onStep: async (step, loss, h) => {
      steps.push(step); losses.push(loss);
      if (step === config.steps) traceExact = config.n * (h.variance + h.noise); // the estimates run at these final values
      status.textContent = `step ${step}/${config.steps}: NLL/n = ${fmt(loss)}, lengthscale ${fmt(h.lengthscale, 3)}, variance ${fmt(h.variance, 3)}, noise ${fmt(h.noise, 3)}`;
      drawLoss();
      await nextFrame();
    },
    onTrace: async (p) => {
      if (trace.length === 0) { status.textContent = 'estimating tr K and log det K at the fitted hyperparameters…'; await nextFrame(); }
      trace.push(p);
      drawTrace();
      await nextFrame();
    },
  }, () => performance.now());
  traceExact = result.traceExact;
  drawTrace();

  const data = makeData(config.n, config.dataSeed);
  const grid = new Float64Array(200);
  for (let i = 0; i < grid.length; i++) grid[i] = -3.2 + (6.4 * i) / (grid.length - 1);
  const mean = posteriorMean(tt, data, result.final, grid);
  drawPlot($<HTMLCanvasElement>('data'), [
    { x: data.x, y: data.y, color: '#6e7781', label: 'data', points: true },
    { x: grid, y: mean, color: '#1a7f37', label: 'posterior mean' },
  ], { title: 'Data and the fitted GP posterior mean', xLabel: 'x', yLabel: 'y' });

  const last = result.trace[result.trace.length - 1];
  const rows: [string, string][] = [
    ['gpu.js mode that ran', `${modeLabel(result.backend.mode)} (${result.backend.name} backend, ${result.backend.precision})`],
    ['WebGL renderer', renderer],
    ['NLL / n: initial → final', `${fmt(result.losses[0])} → ${fmt(result.finalLoss)}`],
    ['lengthscale, variance, noise', `${fmt(result.final.lengthscale)}, ${fmt(result.final.variance)}, ${fmt(result.final.noise)}`],
    [`tr K: Hutchinson (${last?.done ?? 0} probes) vs exact`, `${fmt(last?.estimate ?? NaN)} ± ${fmt(last?.sem ?? NaN, 2)} vs ${fmt(result.traceExact)}`],
    [`log det K: SLQ (${config.slqProbes} probes, depth ${config.slqDepth}) vs Cholesky`, `${fmt(result.slqLogdet)} vs ${fmt(result.exactLogdet)}`],
    ['time: fit, estimates', `${(result.fitMs / 1000).toFixed(2)} s, ${(result.estimateMs / 1000).toFixed(2)} s`],
  ];
  const table = $('results');
  for (const [k, v] of rows) {
    const tr = document.createElement('tr');
    const th = document.createElement('th'); th.textContent = k;
    const td = document.createElement('td'); td.textContent = v;
    tr.append(th, td);
    table.append(tr);
  }
  status.textContent = `done: ${config.steps} Adam steps on n = ${config.n} points`;
  document.body.dataset.state = 'done';
  window.__tracetapeResult = { ...result, webglRenderer: renderer };
}

main().catch((e: unknown) => {
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const el = document.getElementById('status');
  if (el) { el.textContent = `error: ${message}`; el.className = 'error'; }
  document.body.dataset.state = 'error';
  window.__tracetapeResult = { error: message };
  console.error(e);
});
