// Browser build: esbuild bundles src/index.ts into dist/tracetape.browser.js and .min.js (ESM, every dependency inlined,
// gpu.js through its browser build) and the web demo (examples/web) into dist/web/, a self-contained static site.
// The build fails if anything Node-only (a node: builtin, the gl or webgpu natives) is reached on the browser path.
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const NODE_ONLY = new Set([...builtinModules, 'gl', 'webgpu']);

/** Fails the build on any import of a Node builtin or of gpu.js's native backends. */
const browserOnly = {
  name: 'browser-only',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      const bare = args.path.replace(/^node:/, '').split('/')[0];
      if (args.path.startsWith('node:') || (NODE_ONLY.has(bare) && !args.path.startsWith('.'))) {
        return { errors: [{ text: `Node-only import "${args.path}" from ${args.importer} on the browser path` }] };
      }
      return undefined;
    });
  },
};

/** The demo imports the library as ../../src/index.js (so it type-checks with the tree); the page loads the bundle instead. */
const libraryAsBundle = {
  name: 'library-as-bundle',
  setup(b) {
    b.onResolve({ filter: /\/src\/index\.js$/ }, () => ({ path: './tracetape.browser.js', external: true }));
  },
};

const common = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', sourcemap: true, logLevel: quiet ? 'warning' : 'info', metafile: true };

const lib = await build({
  ...common,
  entryPoints: [resolve(root, 'src/index.ts')],
  outfile: resolve(root, 'dist/tracetape.browser.js'),
  // gpu.js's package.json "browser" field selects dist/gpu-browser.js, which carries no gl/webgpu/worker_threads import.
  mainFields: ['browser', 'module', 'main'],
  plugins: [browserOnly],
});
await build({
  ...common,
  entryPoints: [resolve(root, 'src/index.ts')],
  outfile: resolve(root, 'dist/tracetape.browser.min.js'),
  mainFields: ['browser', 'module', 'main'],
  minify: true,
  metafile: false,
  plugins: [browserOnly],
});
const inputs = Object.keys(lib.metafile.inputs);
const natives = inputs.filter((p) => /node_modules\/(gl|webgpu)\//.test(p));
if (natives.length > 0) throw new Error(`build-browser: native gpu.js backends reached the bundle: ${natives.join(', ')}`);

mkdirSync(resolve(root, 'dist/web'), { recursive: true });
await build({
  ...common,
  entryPoints: [resolve(root, 'examples/web/app.ts')],
  outfile: resolve(root, 'dist/web/app.js'),
  plugins: [libraryAsBundle, browserOnly],
});
copyFileSync(resolve(root, 'dist/tracetape.browser.js'), resolve(root, 'dist/web/tracetape.browser.js'));
copyFileSync(resolve(root, 'dist/tracetape.browser.js.map'), resolve(root, 'dist/web/tracetape.browser.js.map'));
copyFileSync(resolve(root, 'examples/web/index.html'), resolve(root, 'dist/web/index.html'));

const kib = (f) => (readFileSync(resolve(root, f)).length / 1024).toFixed(0);
console.log(`build-browser: dist/tracetape.browser.js (${kib('dist/tracetape.browser.js')} KiB; minified ${kib('dist/tracetape.browser.min.js')} KiB; ${inputs.length} inputs, no Node-only imports) and dist/web/ (demo page)`);
