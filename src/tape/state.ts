/** Global tape state: whether ops record nodes, and how many transforms are open. */

interface TapeState {
  /** Ops record nodes only while this is true (noGrad sets it false; grad/vjp set it true for their forward). */
  recording: boolean;
  /** Number of transforms (grad/vjp/…) whose forward pass is still open around the current code. */
  depth: number;
}

/** The single tape state. */
export const tapeState: TapeState = { recording: true, depth: 0 };

/** Run `fn` with recording set to `on`, restoring the previous state afterwards. */
export function withRecording<T>(on: boolean, fn: () => T): T {
  const prev = tapeState.recording;
  tapeState.recording = on;
  try {
    return fn();
  } finally {
    tapeState.recording = prev;
  }
}

/** Run `fn` as the forward pass of a transform: recording on, depth + 1. Returns fn's result and whether the enclosing context records. */
export function openTransform<T>(fn: () => T): { value: T; outerRecording: boolean } {
  const prev = tapeState.recording;
  tapeState.recording = true;
  tapeState.depth++;
  try {
    return { value: fn(), outerRecording: prev };
  } finally {
    tapeState.recording = prev;
    tapeState.depth--;
  }
}

/** Whether a backward pass started now must itself be recorded (so a transform around it can differentiate it). */
export function backwardCreatesGraph(): boolean {
  return tapeState.recording && tapeState.depth > 0;
}
