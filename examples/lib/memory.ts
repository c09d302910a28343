/** Peak-memory sampling for the examples: heap + ArrayBuffers above a post-GC baseline, sampled by explicit ticks. */

/** Run full GCs (`passes`, default 2) when node was started with --expose-gc (a no-op otherwise); returns whether it ran. */
export function collectGarbage(passes = 2): boolean {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) return false;
  for (let i = 0; i < passes; i++) g();
  return true;
}

/** Current JS heap + ArrayBuffer bytes. */
export function liveBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Tracks the peak of heapUsed + arrayBuffers above the baseline taken at `start()`. Synchronous code is only seen
 * where it calls `tick()` (e.g. from a progress callback or inside the measured function), so call it often.
 */
export class PeakMemory {
  private base = 0;
  private peak = 0;
  /** Take the baseline (after a GC when available). */
  start(): void {
    collectGarbage();
    this.base = liveBytes();
    this.peak = this.base;
  }
  /** Sample the current usage. */
  tick(): void {
    const b = liveBytes();
    if (b > this.peak) this.peak = b;
  }
  /** Peak bytes above the baseline. */
  peakBytes(): number {
    this.tick();
    return Math.max(0, this.peak - this.base);
  }
}

/** Format bytes as KiB/MiB/GiB. */
export function fmtBytes(bytes: number): string {
  const a = Math.abs(bytes);
  if (a >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (a >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  if (a >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
  return `${bytes} B`;
}
