/**
 * Browser test of the Web Worker kernel pool (`npm run test:browser`; needs Debian's chromium): builds the browser
 * bundle, bundles test/browser/threads-page.ts against it, serves both cross-origin isolated (examples/web/serve.mjs
 * sends COOP/COEP), and in headless Chromium runs the suite on the page's main thread (which spin-waits for its
 * workers) and inside a module Web Worker (which blocks in Atomics.wait). Checks that workers really ran (jobs counted
 * by the workers themselves, and the rows they computed), that float64 products of odd sizes equal the single-threaded results bit for bit, and
 * that random.fillBootstrapMeans on 2 threads (a bootstrap job on the same pool) equals 1 thread's means bit for bit, as does a kernel-matrix product (the kernel job of the same pool), and
 * prints the 1,024 matmul speedup with 2 threads (reported, not asserted: the machine has 2 shared cores). A page
 * served without the headers, or whose CSP forbids blob: workers, must fall back to one thread with a clear status.
 */
import { expect } from 'chai';
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type DemoServer } from '../../examples/web/serve.mjs';
import type { ThreadsPageApi, ThreadsReport } from './threads-page.js';
import type { WasmThreadsInfo } from '../../src/index.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
const HTML = '<!doctype html><meta charset="utf-8"><title>tracetape threads</title><link rel="icon" href="data:,"><script type="module" src="./threads-page.js"></script>\n';

const ms = (xs: number[]): string => `[${xs.map((x) => x.toFixed(0)).join(', ')}] ms`;
const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

function summary(r: ThreadsReport): string {
  const t = r.timing;
  return `${r.context}: ${r.threadsReady} threads (${r.info.platform} workers, ${r.info.wait}; ready in ${r.startMs.toFixed(0)} ms); `
    + `f64 matmul n = ${t.n}: 1 thread median ${median(t.single).toFixed(0)} ms ${ms(t.single)}, 2 threads median ${median(t.threaded).toFixed(0)} ms ${ms(t.threaded)}, `
    + `speedup ${t.speedup.toFixed(2)}x (${(2 * t.n ** 3 / median(t.threaded) / 1e6).toFixed(1)} GFLOP/s threaded); `
    + `the worker computed ${(100 * t.workerRows / (t.n * t.threaded.length)).toFixed(0)}% of the rows; `
    + `the calling thread ${r.info.wait === 'spin' ? 'spun' : 'blocked'} ${t.waitedMs.toFixed(0)} ms of the ${t.threaded.reduce((s, x) => s + x, 0).toFixed(0)} ms threaded total waiting for its worker`;
}

function checkReport(r: ThreadsReport, context: 'page' | 'worker', wait: 'spin' | 'atomics-wait'): void {
  expect(r.context).to.equal(context);
  expect(r.crossOriginIsolated, 'crossOriginIsolated').to.equal(true);
  expect(r.info.crossOriginIsolated).to.equal(true);
  expect(r.threadsReady, r.info.status).to.equal(2);
  expect(r.info.platform).to.equal('browser');
  expect(r.info.wait).to.equal(wait);
  expect(r.info.workers).to.equal(1);
  expect(r.info.poolsCreated).to.equal(1); // one pool, reused across every toggle of setWasmThreads
  expect(r.info.workersStarted).to.equal(1);
  for (const c of r.checks) {
    const what = `${context} ${c.m}x${c.k}x${c.n}`;
    expect(c.splitsDone, `${what}: split over the pool`).to.equal(1);
    expect(c.jobsDone, `${what}: jobs the worker took part in`).to.equal(1);
    // 4-row-aligned slabs keep the row tiling and the k order of every dot product, so the bits must agree
    expect(c.identical, `${what}: threaded == single-threaded bit for bit (max diff ${c.maxAbsDiff})`).to.equal(true);
    // and both agree with plain JS to within the summation-order bound 2·k·2⁻⁵²·max Σ|a||b|
    expect(c.refError, `${what}: vs plain JS`).to.be.at.most(c.refBound);
  }
  expect(r.timing.identical, '1,024 product: threaded == single-threaded').to.equal(true);
  // 8 chunks of 128 rows per 1,024 product, each tens of ms: the worker took some of them (and not all)
  expect(r.timing.workerRows, 'rows computed by the worker').to.be.above(0);
  expect(r.timing.workerRows).to.be.below(r.timing.n * r.timing.threaded.length);
  expect(r.info.jobs.reduce((s, j) => s + j, 0)).to.be.at.least(r.checks.length + r.timing.threaded.length);
  expect(r.bootstrap.length).to.equal(2);
  for (const b of r.bootstrap) {
    const what = `${context} bootstrap n = ${b.n}`;
    expect(b.jobsDone, `${what}: the worker ran the bootstrap job`).to.equal(1);
    // every resample is computed whole by one thread with the same kernel, so 2 threads equal 1 thread bit for bit
    expect(b.identical, `${what}: 2 threads == 1 thread bit for bit`).to.equal(true);
  }
  // the kernel-matrix product is a job kind of the same pool (no second pool: still one worker started)
  expect(r.kernel.kernelSplitsDone, `${context} kernel product: split over the pool`).to.equal(1);
  expect(r.kernel.jobsDone, `${context} kernel product: the worker ran the kernel job`).to.equal(1);
  expect(r.kernel.identical, `${context} kernel product: 2 threads == 1 thread bit for bit`).to.equal(true);
}

describe('browser: tracetape\'s WebAssembly kernels split over Web Workers (cross-origin isolated page)', function () {
  this.timeout(300_000);
  let context: BrowserContext | undefined;
  let server: DemoServer | undefined;
  const extra: Server[] = [];
  let dir = '';
  let userDataDir = '';
  let page: Page;
  const problems: string[] = [];
  const lines: string[] = [];

  before(async function () {
    expect(existsSync(CHROMIUM), `${CHROMIUM} (apt-get install chromium)`).to.equal(true);
    execFileSync(process.execPath, ['scripts/build-browser.mjs', '--quiet'], { stdio: 'inherit' });
    dir = mkdtempSync(join(tmpdir(), 'tracetape-threads-'));
    await build({
      entryPoints: ['test/browser/threads-page.ts'], outfile: join(dir, 'threads-page.js'), bundle: true, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'warning',
      plugins: [{ name: 'library-as-bundle', setup(b) { b.onResolve({ filter: /\/src\/index\.js$/ }, () => ({ path: './tracetape.browser.js', external: true })); } }],
    });
    copyFileSync('dist/tracetape.browser.js', join(dir, 'tracetape.browser.js'));
    writeFileSync(join(dir, 'index.html'), HTML);
    server = await startServer({ port: 0, dir });
    userDataDir = mkdtempSync(join(tmpdir(), 'tracetape-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: FLAGS });
    page = context.pages()[0] ?? await context.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    await page.goto(server.url);
    await page.waitForFunction(() => (window as unknown as { __threads?: unknown }).__threads !== undefined, null, { timeout: 60_000 });
  });

  after(async () => {
    await context?.close();
    await server?.close();
    for (const x of extra) await new Promise((r) => x.close(() => r(undefined)));
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    if (lines.length > 0) console.log(`\nbrowser threads summary (2-core machine shared with other jobs, so speedups are noisy):\n  ${lines.join('\n  ')}`);
  });

  it('on the page\'s main thread (spin-wait): workers run, odd-size float64 products equal one thread\'s bit for bit', async () => {
    const r = await page.evaluate(() => (window as unknown as { __threads: ThreadsPageApi }).__threads.runHere(5));
    lines.push(summary(r));
    checkReport(r, 'page', 'spin');
    expect(problems).to.deep.equal([]);
  });

  it('inside a module Web Worker (Atomics.wait, nested kernel workers): the same checks', async () => {
    const r = await page.evaluate(() => (window as unknown as { __threads: ThreadsPageApi }).__threads.runInWorker());
    lines.push(summary(r));
    checkReport(r, 'worker', 'atomics-wait');
    expect(problems).to.deep.equal([]);
  });

  /** Serve `dir` with only `headers` (unlike serve.mjs); resolves to the page's URL. */
  async function serveWith(headers: Record<string, string>): Promise<string> {
    const server = createServer(async (req, res) => {
      const name = new URL(req.url ?? '/', 'http://localhost').pathname.slice(1) || 'index.html';
      try {
        const body = await readFile(join(dir, name.replace(/[^\w.-]/g, '')));
        res.writeHead(200, { 'content-type': name.endsWith('.html') ? 'text/html' : 'text/javascript', ...headers }).end(body);
      } catch { res.writeHead(404).end(); }
    });
    extra.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const address = server.address();
    return `http://localhost:${typeof address === 'object' && address ? address.port : 0}/`;
  }

  /** Open `url`, ask for 2 threads, wait (up to 2 s) and report what tracetape says. */
  async function tryThreads(url: string): Promise<{ isolated: boolean | undefined; inEffect: number; ready: number; info: WasmThreadsInfo }> {
    const other = await context!.newPage();
    try {
      await other.goto(url);
      await other.waitForFunction(() => (window as unknown as { __threads?: unknown }).__threads !== undefined, null, { timeout: 60_000 });
      return await other.evaluate(async () => {
        const tt = await import(new URL('./tracetape.browser.js', location.href).href) as typeof import('../../src/index.js');
        const inEffect = tt.setWasmThreads(2);
        const ready = await tt.wasmThreadsReady(2000);
        const info = tt.wasmThreadsInfo();
        tt.terminateWasmThreads();
        return { isolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated, inEffect, ready, info };
      });
    } finally {
      await other.close();
    }
  }

  it('a page served without COOP/COEP stays on one thread and says why', async () => {
    const got = await tryThreads(await serveWith({}));
    expect(got.isolated).to.equal(false);
    expect(got.inEffect).to.equal(1);
    expect(got.ready).to.equal(1);
    expect(got.info.threads).to.equal(1);
    expect(got.info.workers).to.equal(0);
    expect(got.info.status).to.match(/not cross-origin isolated.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/);
  });

  it('an isolated page whose Content-Security-Policy forbids blob: workers stays on one thread and says a worker failed', async () => {
    const csp = { ...ISOLATION, 'content-security-policy': "script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'" };
    const got = await tryThreads(await serveWith(csp));
    expect(got.isolated).to.equal(true);
    expect(got.ready).to.equal(1);
    expect(got.info.threads).to.equal(1);
    expect(got.info.status).to.match(/^one thread \(1 worker\(s\) failed: .*worker-src blob:/);
    lines.push(`CSP without blob: workers: ${got.info.status}`);
  });

  it('an isolated page whose Content-Security-Policy forbids WebAssembly compilation stays on one thread and says so', async () => {
    const csp = { ...ISOLATION, 'content-security-policy': "script-src 'self'; worker-src 'self' blob:" };
    const got = await tryThreads(await serveWith(csp));
    expect(got.isolated).to.equal(true);
    expect(got.ready).to.equal(1);
    expect(got.info.threads).to.equal(1);
    expect(got.info.workers).to.equal(0);
    expect(got.info.status).to.match(/^one thread \(compiling the shared kernels failed: CompileError/);
    lines.push(`CSP without wasm-unsafe-eval: ${got.info.status}`);
  });
});
