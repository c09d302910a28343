// Build: esbuild bundles src/index.ts to dist/index.js (ESM) and dist/index.cjs (CommonJS); tsc emits the .d.ts files.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
const common = {
  entryPoints: ['src/index.ts'],
  bundle: true,
  platform: 'neutral',
  target: 'es2022',
  packages: 'external',
  sourcemap: true,
  logLevel: 'info',
};
await build({ ...common, format: 'esm', outfile: 'dist/index.js', mainFields: ['module', 'main'] });
// CommonJS has no import.meta: the stochtrace worker pool locates the bundle through this file's URL instead.
await build({
  ...common, format: 'cjs', outfile: 'dist/index.cjs', platform: 'node',
  define: { 'import.meta.url': '__tracetapeBundleUrl' },
  banner: { js: 'var __tracetapeBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
});
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
console.log('build: dist/index.js, dist/index.cjs, dist/types/**/*.d.ts');
