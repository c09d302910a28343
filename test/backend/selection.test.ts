/** Backend selection from the environment: TRACETAPE_BACKEND picks the backend when the package root is imported. */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function infoWithEnv(env: Record<string, string>): { name: string; mode: string; precision: string } {
  const script = "import('./src/index.ts').then((tt) => { process.stdout.write(JSON.stringify(tt.backendInfo())); })";
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  return JSON.parse(out) as { name: string; mode: string; precision: string };
}

describe('backend: selection through TRACETAPE_BACKEND', () => {
  it('TRACETAPE_BACKEND=gpujs selects the gpu.js backend on import of the package root', () => {
    const info = infoWithEnv({ TRACETAPE_BACKEND: 'gpujs' });
    expect(info.name).to.equal('gpujs');
    expect(info.precision).to.equal('float32');
  });

  it('TRACETAPE_GPUJS_MODE=cpu forces gpu.js\'s own cpu mode, and the report says so', () => {
    const info = infoWithEnv({ TRACETAPE_BACKEND: 'gpujs', TRACETAPE_GPUJS_MODE: 'cpu' });
    expect(info).to.deep.include({ name: 'gpujs', mode: 'cpu' });
  });

  it('an unknown TRACETAPE_GPUJS_MODE makes setBackend(\'gpujs\') throw a clear error', () => {
    const script = "import('./src/index.ts').then((tt) => { try { tt.setBackend('gpujs'); process.stdout.write('no error'); } catch (e) { process.stdout.write(String(e.message)); } })";
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, env: { ...process.env, TRACETAPE_GPUJS_MODE: 'metal' }, encoding: 'utf8' });
    expect(out).to.equal('setBackend: TRACETAPE_GPUJS_MODE must be one of headlessgl, webgl2, webgl, webasm, cpu, received "metal"');
  });

  it('without the variable the backend is cpu (float64)', () => {
    const env = { ...process.env };
    delete env.TRACETAPE_BACKEND;
    const script = "import('./src/index.ts').then((tt) => { process.stdout.write(JSON.stringify(tt.backendInfo())); })";
    const out = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, env, encoding: 'utf8' })) as { name: string; precision: string };
    expect(out).to.deep.include({ name: 'cpu', precision: 'float64' });
  });
});
