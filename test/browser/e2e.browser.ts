/**
 * Browser end-to-end test (`npm run test:browser`; not part of `npm test`, which needs no browser): builds the browser
 * bundle and the demo page, serves them on a free localhost port, drives Debian's headless Chromium with playwright-core,
 * waits for the page's GP fit on the gpujs backend to finish, and checks its numbers against (a) the same computation
 * run here in Node on the float64 cpu backend and (b) plain-JS float64 references (dense Cholesky NLL, closed-form tr K).
 * Saves a screenshot to examples/out/web-demo.png. Its closing summary line avoids the "N passed, N failed" form that CI
 * reads from `npm test`.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import * as tt from '../../src/index.js';
import { DEFAULT_CONFIG, estimates, makeData, runFit, type FitResult, type GpData, type Hyper } from '../../examples/web/gp-fit.js';
import type { PageResult } from '../../examples/web/app.js';
import { startServer, type DemoServer } from '../../examples/web/serve.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const SCREENSHOT = 'examples/out/web-demo.png';

/** Plain-JS float64 reference: RBF K + σ²I built entry by entry, Cholesky, NLL per point and log det K. */
function denseReference(data: GpData, h: Hyper): { nll: number; logdet: number; trace: number } {
  const n = data.x.length;
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const r = (data.x[i] - data.x[j]) / h.lengthscale;
      L[i * n + j] = h.variance * Math.exp(-0.5 * r * r) + (i === j ? h.noise : 0);
    }
  }
  let trace = 0;
  for (let i = 0; i < n; i++) trace += L[i * n + i];
  for (let j = 0; j < n; j++) { // in-place lower Cholesky
    let d = L[j * n + j];
    for (let k = 0; k < j; k++) d -= L[j * n + k] * L[j * n + k];
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = L[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = s / ljj;
    }
  }
  const z = new Float64Array(n);
  let quad = 0, logdet = 0;
  for (let i = 0; i < n; i++) {
    let s = data.y[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * z[k];
    z[i] = s / L[i * n + i];
    quad += z[i] * z[i];
    logdet += 2 * Math.log(L[i * n + i]);
  }
  return { nll: (0.5 * quad + 0.5 * logdet + 0.5 * n * Math.log(2 * Math.PI)) / n, logdet, trace };
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('browser: the web demo in headless Chromium (gpujs backend) matches Node', function () {
  this.timeout(300_000);
  let context: BrowserContext | undefined;
  let server: DemoServer | undefined;
  let userDataDir = '';
  let page: Page;
  let browser: PageResult;
  let node: FitResult;
  const data = makeData(DEFAULT_CONFIG.n, DEFAULT_CONFIG.dataSeed);
  const problems: string[] = [];
  const measured: string[] = [];
  let seconds = 0;

  before(async function () {
    expect(existsSync(CHROMIUM), `${CHROMIUM} (apt-get install chromium)`).to.equal(true);
    execFileSync(process.execPath, ['scripts/build-browser.mjs', '--quiet'], { stdio: 'inherit' });
    server = await startServer({ port: 0 });
    userDataDir = mkdtempSync(join(tmpdir(), 'tracetape-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1120, height: 860 } });
    page = context.pages()[0] ?? await context.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    const t0 = Date.now();
    await page.goto(server!.url);
    await page.waitForFunction(() => (window as unknown as { __tracetapeResult?: unknown }).__tracetapeResult !== undefined, null, { timeout: 240_000, polling: 250 });
    seconds = (Date.now() - t0) / 1000;
    const got = await page.evaluate(() => (window as unknown as { __tracetapeResult: unknown }).__tracetapeResult) as PageResult | { error: string };
    mkdirSync('examples/out', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    if ('error' in got) throw new Error(`the page failed: ${got.error}`);
    browser = got;
    // The Node reference: the same code on the float64 cpu backend.
    tt.setBackend('cpu');
    node = await runFit(tt, DEFAULT_CONFIG);
  });

  after(async () => {
    await context?.close();
    await server?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    if (browser) {
      const last = browser.trace[browser.trace.length - 1];
      console.log(`\nbrowser e2e summary: Chromium ran gpu.js mode "${browser.backend.mode}" (${browser.backend.precision}; WebGL: ${browser.webglRenderer}); `
        + `fit ${DEFAULT_CONFIG.steps} Adam steps n = ${DEFAULT_CONFIG.n} in ${(browser.fitMs / 1000).toFixed(1)} s (page total ${seconds.toFixed(1)} s); `
        + `NLL/n ${browser.losses[0].toFixed(5)} -> ${browser.finalLoss.toFixed(5)} (Node cpu ${node?.finalLoss.toFixed(5)}); tr K ${last?.estimate.toFixed(3)} vs exact ${browser.traceExact.toFixed(3)}; browser vs Node: ${measured.join(', ')}; screenshot ${SCREENSHOT}`);
    }
  });

  it('the page ran on the gpujs backend in float32 without page or console errors', () => {
    expect(browser.backend.name).to.equal('gpujs');
    expect(browser.backend.precision).to.equal('float32');
    // gpu.js reports its GL kernels (headlessgl/webgl/webgl2) as 'gpu'; the others by name.
    expect(['gpu', 'webgl2', 'webgl', 'webasm', 'cpu']).to.include(browser.backend.mode);
    expect(problems).to.deep.equal([]);
    expect(browser.config).to.deep.equal(DEFAULT_CONFIG);
  });

  it('the initial NLL matches the Node float64 run and a plain-JS dense Cholesky to 1e-6 (same hyperparameters)', () => {
    // Only the float32 kernel entries (relative error ~6e-8) differ; the Cholesky of K (σ² = 0.4, well conditioned)
    // amplifies them by far less than 10 (measured: 2e-8 relative).
    const ref = denseReference(data, browser.initial);
    measured.push(`initial NLL rel ${rel(browser.losses[0], ref.nll).toExponential(1)}`);
    expect(rel(browser.losses[0], ref.nll)).to.be.below(1e-6);
    expect(rel(node.losses[0], ref.nll)).to.be.below(1e-12);
  });

  it('the Adam trajectory follows the Node float64 one: every NLL/n within 1e-4, final hyperparameters within 1e-3 relative', () => {
    // float32 gradients (relative error ~1e-6) perturb each Adam step slightly; over 60 steps the perturbation stays far
    // below these bounds (measured in Node's webasm mode against cpu: 9e-6 in the losses, 4e-6 in the hyperparameters).
    expect(browser.losses.length).to.equal(node.losses.length);
    const worst = Math.max(...browser.losses.map((l, i) => Math.abs(l - node.losses[i])));
    const worstHyper = Math.max(...(['lengthscale', 'variance', 'noise'] as const).map((k) => rel(browser.final[k], node.final[k])));
    measured.push(`max |dNLL/n| on the trajectory ${worst.toExponential(1)}`, `final hyperparameters rel ${worstHyper.toExponential(1)}`);
    expect(worst).to.be.below(1e-4);
    for (const k of ['lengthscale', 'variance', 'noise'] as const) expect(rel(browser.final[k], node.final[k]), k).to.be.below(1e-3);
    expect(browser.finalLoss).to.be.below(browser.losses[0] - 0.5); // the fit did its job (0.94 -> 0.002 in Node)
  });

  it('the final NLL and log det K match a plain-JS float64 Cholesky at the browser\'s own final hyperparameters', () => {
    // log det K ≈ −180 at noise 0.02: cond(K) ≈ 3e3 amplifies the float32 entries' error; 2e-5 relative leaves 10x headroom.
    const ref = denseReference(data, browser.final);
    expect(Math.abs(browser.finalLoss - ref.nll)).to.be.below(2e-5);
    expect(rel(browser.exactLogdet, ref.logdet)).to.be.below(2e-5);
    expect(rel(browser.traceExact, ref.trace)).to.be.below(1e-12); // n·(s + σ²), a closed form
  });

  it('the streamed Hutchinson estimates of tr K match Node chunk by chunk (same Philox probes), and the SLQ log det too', async () => {
    tt.setBackend('cpu');
    const ref = await estimates(tt, data, browser.final, DEFAULT_CONFIG);
    expect(browser.trace.map((p) => p.done)).to.deep.equal(ref.trace.map((p) => p.done));
    // Rademacher probes are exactly ±1 in float32 too, so only the float32 kernel products differ (measured ~1e-7).
    browser.trace.forEach((p, i) => {
      expect(rel(p.estimate, ref.trace[i].estimate), `estimate after ${p.done} probes`).to.be.below(1e-5);
      if (i > 0) expect(rel(p.sem, ref.trace[i].sem), `sem after ${p.done} probes`).to.be.below(1e-3);
    });
    // Lanczos in float32 products for 24 steps with full reorthogonalisation: quadrature nodes move by ~1e-6 relative.
    const worstTrace = Math.max(...browser.trace.map((p, i) => rel(p.estimate, ref.trace[i].estimate)));
    measured.push(`Hutchinson rel ${worstTrace.toExponential(1)}`, `SLQ rel ${rel(browser.slqLogdet, ref.slqLogdet).toExponential(1)}`);
    expect(rel(browser.slqLogdet, ref.slqLogdet)).to.be.below(1e-4);
    // And the estimate itself is sane: within 3 standard errors of the exact trace.
    const last = browser.trace[browser.trace.length - 1];
    expect(Math.abs(last.estimate - browser.traceExact)).to.be.below(3 * last.sem);
  });
});
