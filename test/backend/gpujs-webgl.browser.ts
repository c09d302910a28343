/**
 * The gpujs kernels in gpu.js's WebGL2 mode (not part of `npm test`, which needs no browser): bundles
 * test/backend/webgl-entry.ts, runs it in Debian's headless Chromium (WebGL2 on SwiftShader) and checks every kernel
 * against the cpu loops. Run: npx mocha --no-config --node-option import=tsx --extension ts --timeout 300000 test/backend/gpujs-webgl.browser.ts
 * Tolerances: GL float32 arithmetic like webasm (1e-5) but GLSL transcendentals are looser (unary 1e-4; Box–Muller
 * normals 2e-3 absolute); Rademacher signs and 24-bit uniforms must match tt.random exactly (integer limb arithmetic).
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import type { GlCheck } from './webgl-entry.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('backend: gpujs kernels in WebGL2 (headless Chromium)', function () {
  this.timeout(300_000);
  let result: GlCheck;

  before(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} (apt-get install chromium)`).to.equal(true);
    const dir = mkdtempSync(join(tmpdir(), 'tracetape-webgl-'));
    const out = await build({ entryPoints: ['test/backend/webgl-entry.ts'], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, mainFields: ['browser', 'module', 'main'], logLevel: 'warning' });
    writeFileSync(join(dir, 'index.html'), `<!doctype html><html><body><script type="module">${out.outputFiles[0].text.replace(/<\/script/g, '<\\/script')}</script></body></html>`);
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'] });
    try {
      const page = await browser.newPage();
      await page.goto(`file://${join(dir, 'index.html')}`, { waitUntil: 'commit', timeout: 60_000 });
      await page.waitForFunction(() => (window as unknown as { __gpujsCheck?: unknown }).__gpujsCheck !== undefined, null, { timeout: 240_000 });
      result = await page.evaluate(() => (window as unknown as { __gpujsCheck: GlCheck }).__gpujsCheck);
    } finally {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
    console.log(`      gpu.js mode in Chromium: ${result.mode} (renderer: ${result.renderer}); worst differences: ${JSON.stringify(result.diffs)}`);
  });

  it('runs in a WebGL mode, without errors', () => {
    expect(result.error, result.error).to.equal(undefined);
    expect(['webgl2', 'webgl']).to.include(result.mode);
  });

  it('linear-algebra kernels agree with cpu to float32 accuracy', () => {
    for (const k of ['matmul', 'binary', 'sumAxis', 'kernelProduct', 'csrProduct', 'stencil2d', 'stencil2dFlux']) {
      expect(result.diffs[k], k).to.be.below(1e-5);
    }
    for (const [k, v] of Object.entries(result.diffs)) if (k.startsWith('unary:')) expect(v, k).to.be.below(1e-4);
  });

  it('Philox probe kernels: Rademacher and 24-bit uniforms exact, normals within GLSL precision', () => {
    expect(result.diffs['probes:rademacher']).to.equal(0);
    expect(result.diffs['probes:uniform']).to.equal(0);
    expect(result.diffs['probes:normal']).to.be.below(2e-3);
  });
});
