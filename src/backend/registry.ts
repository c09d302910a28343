/** Backend selection: setBackend / getBackend / backendInfo, with the TRACETAPE_BACKEND environment variable. */
import type { Backend, BackendInfo } from './types.js';
import { cpuBackend } from './cpu/index.js';
import { TracetapeError } from '../util/errors.js';

/** Names of the available backends. */
export type BackendName = 'cpu' | 'gpujs';

const factories = new Map<BackendName, () => Backend>([['cpu', () => cpuBackend]]);
let current: Backend = cpuBackend;
let currentName: BackendName = 'cpu';
let envApplied = false;

/** @internal Register a backend factory (the gpujs backend registers itself when loaded). */
export function registerBackend(name: BackendName, factory: () => Backend): void {
  factories.set(name, factory);
}

function applyEnv(): void {
  if (envApplied) return;
  envApplied = true;
  const env = typeof process !== 'undefined' ? process.env?.TRACETAPE_BACKEND : undefined;
  if (env) setBackend(env as BackendName);
}

/** Choose the compute backend: 'cpu' (float64 TypeScript) or 'gpujs' (gpu.js kernels, float32). */
export function setBackend(name: BackendName): void {
  envApplied = true;
  const f = factories.get(name);
  if (!f) throw new TracetapeError('setBackend', `unknown backend ${JSON.stringify(name)} (expected one of: ${[...factories.keys()].join(', ')})`);
  current = f();
  currentName = name;
}

/** The name of the current backend. */
export function getBackend(): BackendName {
  applyEnv();
  return currentName;
}

/** What the current backend runs on (for gpujs: which gpu.js mode) and its precision. */
export function backendInfo(): BackendInfo {
  applyEnv();
  return current.info();
}

/** @internal The current backend's kernels. */
export function kernels(): Backend {
  if (!envApplied) applyEnv();
  return current;
}
