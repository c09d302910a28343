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
await build({ ...common, format: 'cjs', outfile: 'dist/index.cjs', platform: 'node' });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
console.log('build: dist/index.js, dist/index.cjs, dist/types/**/*.d.ts');
