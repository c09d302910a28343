/**
 * Operands in wasm memory: copies typed arrays into the kernels' linear memory, and keeps copies of arrays that are
 * used repeatedly (a matrix multiplied by many vectors in Lanczos, CG or Hutchinson) resident across calls.
 *
 * Cache policy: keyed by the typed array's identity (kernels only receive the `_data` of immutable tensors, so the
 * identity determines the contents). An array of ≥ `cacheMinBytes` is cached the SECOND time it is seen (one-off
 * operands are copied transiently and never occupy the cache). Entries leave the cache when their array is garbage
 * collected (FinalizationRegistry) or when the cache would exceed its byte limit (least recently used first;
 * default 256 MiB, `setResidentCacheLimit`). The wasm memory itself never shrinks (a WebAssembly limitation).
 */
import type { TypedArray } from '../../tensor/dtype.js';
import { WasmHeap } from './heap.js';

/** A cache entry: a resident copy of one typed array. */
interface Entry {
  id: number;
  ptr: number;
  bytes: number;
  pins: number;
  ref: WeakRef<TypedArray>;
}

/** An operand placed in wasm memory for the duration of one kernel call. */
export interface Staged {
  /** Byte address of element 0 of the array. */
  ptr: number;
  /** The cache entry, or null for a transient copy that `release` frees. */
  entry: Entry | null;
}

/** Statistics of the resident cache. */
export interface ResidentStats {
  /** Cached arrays. */
  entries: number;
  /** Bytes held by cached arrays. */
  bytes: number;
  /** Byte limit of the cache. */
  limit: number;
  /** Kernel operands served from the cache / copied in, since start. */
  hits: number;
  copies: number;
}

/** Staging area and identity cache of one wasm memory. */
export class ResidentArrays {
  /** Arrays smaller than this are always copied transiently (copying them costs less than tracking them). */
  cacheMinBytes = 64 * 1024;
  private limit = 256 * 1024 * 1024;
  private bytes = 0;
  private nextId = 1;
  private hits = 0;
  private copies = 0;
  private readonly byArray = new WeakMap<TypedArray, Entry>();
  private readonly seen = new WeakSet<TypedArray>();
  /** Entries in least-recently-used-first order (a Map keeps insertion order; a hit re-inserts). */
  private readonly lru = new Map<number, Entry>();
  private readonly finalizer = new FinalizationRegistry<number>((id) => this.drop(id));

  /** Wrap the allocator of the kernels' memory. */
  constructor(readonly heap: WasmHeap, private readonly memory: WebAssembly.Memory) {}

  /** Set the cache's byte limit (0 disables caching); evicts down to it. */
  setLimit(bytes: number): void {
    this.limit = Math.max(0, bytes);
    this.evict(0);
  }

  /** Current statistics. */
  stats(): ResidentStats {
    return { entries: this.lru.size, bytes: this.bytes, limit: this.limit, hits: this.hits, copies: this.copies };
  }

  /** Free every cached copy. */
  clear(): void {
    for (const e of [...this.lru.values()]) if (e.pins === 0) this.drop(e.id);
  }

  /**
   * True the first time a cacheable (≥ cacheMinBytes), non-resident array is offered here, and remembers it: a caller
   * for which one copy costs more than the TypeScript kernel (a single matvec) then runs that kernel instead, and
   * copies the array into the cache only when it comes back.
   */
  firstSight(arr: TypedArray): boolean {
    if (arr.byteLength < this.cacheMinBytes || this.seen.has(arr)) return false;
    const hit = this.byArray.get(arr);
    if (hit && this.lru.has(hit.id)) return false;
    this.seen.add(arr);
    return true;
  }

  /** Place `arr` in wasm memory (from the cache when resident); null when the memory cannot hold it. Pair with `release`. */
  stage(arr: TypedArray): Staged | null {
    const hit = this.byArray.get(arr);
    if (hit && this.lru.has(hit.id)) {
      this.lru.delete(hit.id);
      this.lru.set(hit.id, hit);
      hit.pins++;
      this.hits++;
      return { ptr: hit.ptr, entry: hit };
    }
    const bytes = arr.byteLength;
    this.copies++;
    if (bytes >= this.cacheMinBytes && bytes <= this.limit && this.seen.has(arr)) {
      this.evict(bytes);
      const ptr = this.heap.alloc(bytes);
      if (ptr >= 0) {
        this.copyIn(arr, ptr);
        const entry: Entry = { id: this.nextId++, ptr, bytes, pins: 1, ref: new WeakRef(arr) };
        this.byArray.set(arr, entry);
        this.lru.set(entry.id, entry);
        this.bytes += bytes;
        this.finalizer.register(arr, entry.id, arr);
        return { ptr, entry };
      }
    }
    if (bytes >= this.cacheMinBytes) this.seen.add(arr);
    const ptr = this.heap.alloc(bytes);
    if (ptr < 0) return null;
    this.copyIn(arr, ptr);
    return { ptr, entry: null };
  }

  /** End the use of a staged operand: unpin a cached one, free a transient copy. */
  release(s: Staged): void {
    if (s.entry) s.entry.pins--;
    else this.heap.free(s.ptr);
  }

  private copyIn(arr: TypedArray, ptr: number): void {
    if (arr instanceof Float64Array) new Float64Array(this.memory.buffer, ptr, arr.length).set(arr);
    else new Float32Array(this.memory.buffer, ptr, arr.length).set(arr);
  }

  /** Evict least recently used, unpinned entries until `incoming` more bytes fit under the limit. */
  private evict(incoming: number): void {
    if (this.bytes + incoming <= this.limit) return;
    for (const e of [...this.lru.values()]) {
      if (this.bytes + incoming <= this.limit) break;
      if (e.pins === 0) this.drop(e.id);
    }
  }

  private drop(id: number): void {
    const e = this.lru.get(id);
    if (!e) return;
    this.lru.delete(id);
    this.bytes -= e.bytes;
    this.heap.free(e.ptr);
    const arr = e.ref.deref();
    if (arr) {
      this.byArray.delete(arr);
      this.finalizer.unregister(arr);
    }
  }
}
