/**
 * Size thresholds of the gpujs backend: below them a kernel call costs more (argument copies, dispatch) than it saves,
 * so the float64 cpu loops run instead. Measured on a 2-core CPU in webasm mode, where the copies dominate.
 */
export interface GpujsThresholds {
  /** Elementwise ops and sums with fewer output elements than this run on cpu (default 16,384). */
  elementwise: number;
  /** Matmuls with m·k·n below this run on cpu (default 2^18 ≈ a 64³ product). */
  matmul: number;
  /** Kernel-matrix products with n·m below this run on cpu (default 4,096). */
  kernelProduct: number;
  /** CSR products with fewer nonzeros than this, and stencils on fewer cells, run on cpu (default 16,384). */
  sparse: number;
}

/** The live thresholds (mutable: tests set them to 0 to force every call through gpu.js). */
export const gpujsThresholds: GpujsThresholds = { elementwise: 16384, matmul: 1 << 18, kernelProduct: 4096, sparse: 16384 };

/** gpu.js indexes arrays in float32 in its GL modes: arrays longer than this always take the cpu path. */
export const MAX_KERNEL_ELEMENTS = 1 << 24;
