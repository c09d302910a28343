/** Tape nodes and `record`: the one entry point through which ops register their VJP rules. */
import type { Tensor, TapeLink } from '../tensor/index.js';
import { tapeState } from './state.js';

/** A VJP rule: maps the cotangents of an op's outputs (null = zero) to cotangents of its inputs (null/undefined = zero). */
export type VjpRule = (cotangents: (Tensor | null)[]) => (Tensor | null | undefined)[];

/** A recorded op application: its input tensors, its output tensors and its VJP rule. */
export class Node implements TapeLink {
  constructor(
    readonly name: string,
    readonly parents: readonly Tensor[],
    readonly outputs: readonly Tensor[],
    readonly vjp: VjpRule,
  ) {}
}

/** True when ops would record a node for these inputs right now. */
export function isRecording(inputs: readonly Tensor[]): boolean {
  if (!tapeState.recording) return false;
  for (const t of inputs) if (t._tracked) return true;
  return false;
}

/**
 * Record that `outputs` were computed from `inputs` by op `name`, with VJP rule `vjp`.
 * Does nothing unless recording is on and some input is tracked. Outputs must be fresh tensors.
 */
export function record(name: string, outputs: readonly Tensor[], inputs: readonly Tensor[], vjp: VjpRule): void {
  if (!isRecording(inputs)) return;
  const node = new Node(name, inputs.slice(), outputs.slice(), vjp);
  for (let i = 0; i < outputs.length; i++) {
    const o = outputs[i];
    if (o._node !== null || o._leaf) throw new Error(`record(${name}): output ${i} is already on the tape (ops must return fresh tensors)`);
    o._node = node;
    o._outIndex = i;
  }
}
