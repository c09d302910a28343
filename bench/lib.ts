/** Benchmark helpers shared by every bench script: timing (median, min–max), memory sampling, tables, sections. */
import os from 'node:os';
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { wasmBasisStats } from '../src/backend/index.js';

/** True when the script was started with --quick (smaller sizes, fewer repeats). */
export const quick = process.argv.includes('--quick');

/** Timing summary in milliseconds. */
export interface Timing { median: number; min: number; max: number; repeats: number }

/** Run `fn` `warmup` times, then `repeats` times, and return median/min/max wall time in ms. */
export function time(fn: () => unknown, repeats = quick ? 3 : 7, warmup = 1): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < repeats; i++) { const s = performance.now(); fn(); t.push(performance.now() - s); }
  t.sort((a, b) => a - b);
  return { median: t[Math.floor(t.length / 2)], min: t[0], max: t[t.length - 1], repeats };
}

/** Async variant of `time`. */
export async function timeAsync(fn: () => Promise<unknown>, repeats = quick ? 3 : 7, warmup = 1): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const t: number[] = [];
  for (let i = 0; i < repeats; i++) { const s = performance.now(); await fn(); t.push(performance.now() - s); }
  t.sort((a, b) => a - b);
  return { median: t[Math.floor(t.length / 2)], min: t[0], max: t[t.length - 1], repeats };
}

/** Force a full GC (requires --expose-gc; a no-op otherwise). */
export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) { g(); g(); }
}

/** Peak-memory probe: samples heapUsed + arrayBuffers and RSS every `intervalMs` while `fn` runs (sync code is sampled via `tick`). */
export class MemoryProbe {
  private baseHeap = 0; private baseRss = 0; peakHeap = 0; peakRss = 0;
  /** Start measuring from the current (post-GC) baseline. */
  start(): void {
    gc();
    const m = process.memoryUsage();
    this.baseHeap = m.heapUsed + m.arrayBuffers + wasmBasisStats.liveBytes; this.baseRss = m.rss;
    this.peakHeap = this.baseHeap; this.peakRss = this.baseRss;
  }
  /** Record the current usage; call it from inside long loops (e.g. an onProgress callback). */
  tick(): void {
    const m = process.memoryUsage();
    const h = m.heapUsed + m.arrayBuffers + wasmBasisStats.liveBytes;
    if (h > this.peakHeap) this.peakHeap = h;
    if (m.rss > this.peakRss) this.peakRss = m.rss;
  }
  /** Peak above baseline, in bytes: heap (JS heap + ArrayBuffers + wasm memory of Krylov bases, which arrayBuffers omits) and RSS. */
  result(): { heapBytes: number; rssBytes: number } {
    this.tick();
    return { heapBytes: this.peakHeap - this.baseHeap, rssBytes: this.peakRss - this.baseRss };
  }
}

/** Format bytes as MiB with one decimal. */
export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** Format a timing as `median (min–max) ms`. */
export function fmtTiming(t: Timing): string {
  const f = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
  return `${f(t.median)} ms (${f(t.min)}–${f(t.max)})`;
}

/** A markdown table. */
export function table(header: string[], rows: (string | number)[][]): string {
  const line = (r: (string | number)[]): string => `| ${r.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** One line describing the machine and runtime. */
export function machineLine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? 'unknown CPU'} × ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`;
}

/**
 * Write this benchmark's markdown section to bench/results/<name>.md (bench/run.ts assembles BENCHMARKS.md from them)
 * and echo it to stdout.
 */
export function writeSection(name: string, title: string, body: string): void {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(dir, { recursive: true });
  const cmd = `node --expose-gc --import tsx bench/${name}.bench.ts${quick ? ' --quick' : ''}`;
  const text = `## ${title}\n\n_Command: \`${cmd}\` · ${new Date().toISOString().slice(0, 10)} · ${machineLine()}_\n\n${body.trim()}\n`;
  writeFileSync(path.join(dir, `${name}.md`), text);
  process.stdout.write(text + '\n');
}
