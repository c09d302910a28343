/** First-fit allocator over a WebAssembly.Memory: 64-byte aligned blocks, grows the memory on demand, never shrinks it. */

const ALIGN = 64;
const PAGE = 65536;
/** Largest size a wasm32 memory can reach (65,536 pages). */
const MAX_BYTES = 65536 * PAGE;

/** A block allocator for one wasm linear memory; addresses below `base` are reserved for the kernels' scratch. */
export class WasmHeap {
  private readonly offs: number[] = [];
  private readonly sizes: number[] = [];
  private used = 0;

  /** Manage `memory` above byte address `base`. */
  constructor(private readonly memory: WebAssembly.Memory, private readonly base = 1024) {}

  /** Reserve `bytes` (rounded up to 64); returns the byte address, or -1 when the memory cannot grow that far. */
  alloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let prevEnd = this.base, at = this.offs.length;
    for (let i = 0; i < this.offs.length; i++) {
      if (this.offs[i] - prevEnd >= size) { at = i; break; }
      prevEnd = this.offs[i] + this.sizes[i];
    }
    const end = prevEnd + size;
    if (end > MAX_BYTES) return -1;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE));
      } catch {
        return -1;
      }
    }
    this.offs.splice(at, 0, prevEnd);
    this.sizes.splice(at, 0, size);
    this.used += size;
    return prevEnd;
  }

  /** Release the block that starts at `ptr` (a no-op for an address that is not allocated). */
  free(ptr: number): void {
    let lo = 0, hi = this.offs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const o = this.offs[mid];
      if (o === ptr) {
        this.used -= this.sizes[mid];
        this.offs.splice(mid, 1);
        this.sizes.splice(mid, 1);
        return;
      }
      if (o < ptr) lo = mid + 1; else hi = mid - 1;
    }
  }

  /** Bytes currently allocated. */
  usedBytes(): number {
    return this.used;
  }

  /** Current size of the linear memory in bytes. */
  capacityBytes(): number {
    return this.memory.buffer.byteLength;
  }
}
