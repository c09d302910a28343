/** Backward traversal: pull cotangents from outputs back to a set of tensors through the recorded nodes. */
import { Tensor, methodTable } from '../tensor/index.js';
import { Node } from './node.js';
import { withRecording } from './state.js';
import { fmtShape } from '../util/errors.js';

function accumulate(ct: Map<Tensor, Tensor>, t: Tensor, g: Tensor, where: string): void {
  if (g.shape.length !== t.shape.length || g.shape.some((d, i) => d !== t.shape[i])) {
    throw new Error(`backward: VJP of ${where} returned a cotangent of shape ${fmtShape(g.shape)} for an input of shape ${fmtShape(t.shape)}`);
  }
  const prev = ct.get(t);
  ct.set(t, prev === undefined ? g : methodTable.call('add', prev, g));
}

/**
 * Nodes between `outputs` and `wrt` in reverse topological order (outputs first).
 * Nodes that no `wrt` tensor feeds are pruned; traversal stops at `wrt` tensors.
 */
function relevantNodes(outputs: readonly Tensor[], wrt: ReadonlySet<Tensor>): { order: Node[]; reaches: Map<Node, boolean> } {
  const reaches = new Map<Node, boolean>();
  const post: Node[] = [];
  // Iterative post-order DFS (graphs of long Krylov recurrences are deep).
  const stack: { node: Node; i: number }[] = [];
  const visit = (start: Node): void => {
    if (reaches.has(start)) return;
    reaches.set(start, false);
    stack.push({ node: start, i: 0 });
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const parents = top.node.parents;
      if (top.i < parents.length) {
        const p = parents[top.i++];
        if (wrt.has(p)) { reaches.set(top.node, true); continue; }
        const pn = p._node as Node | null;
        if (pn === null) continue;
        if (!reaches.has(pn)) { reaches.set(pn, false); stack.push({ node: pn, i: 0 }); continue; }
        if (reaches.get(pn)) reaches.set(top.node, true);
      } else {
        stack.pop();
        post.push(top.node);
        if (stack.length > 0 && reaches.get(top.node)) reaches.set(stack[stack.length - 1].node, true);
      }
    }
  };
  for (const o of outputs) {
    if (wrt.has(o)) continue;
    const n = o._node as Node | null;
    if (n !== null) visit(n);
  }
  const order: Node[] = [];
  for (let i = post.length - 1; i >= 0; i--) if (reaches.get(post[i])) order.push(post[i]);
  return { order, reaches };
}

/**
 * Reverse-mode sweep: given cotangents for `outputs`, return the cotangent of each `wrt` tensor (null when none reaches it).
 * With `createGraph`, the VJP computations are themselves recorded, so the result can be differentiated again.
 */
export function backward(outputs: readonly Tensor[], cotangents: readonly (Tensor | null)[], wrt: readonly Tensor[], createGraph: boolean): (Tensor | null)[] {
  return withRecording(createGraph, () => {
    const wrtSet = new Set(wrt);
    const ct = new Map<Tensor, Tensor>();
    outputs.forEach((o, i) => { const c = cotangents[i]; if (c) accumulate(ct, o, c, 'the output seed'); });
    const { order, reaches } = relevantNodes(outputs, wrtSet);
    for (const node of order) {
      const outCts: (Tensor | null)[] = new Array(node.outputs.length);
      let any = false;
      for (let i = 0; i < node.outputs.length; i++) {
        const o = node.outputs[i];
        const c = ct.get(o) ?? null;
        outCts[i] = c;
        if (c) { any = true; if (!wrtSet.has(o)) ct.delete(o); }
      }
      if (!any) continue;
      const inCts = node.vjp(outCts);
      const parents = node.parents;
      for (let i = 0; i < parents.length; i++) {
        const g = inCts[i];
        if (!g) continue;
        const p = parents[i];
        const pn = p._node as Node | null;
        if (wrtSet.has(p) || (pn !== null && reaches.get(pn))) accumulate(ct, p, g, node.name);
      }
    }
    return wrt.map((w) => ct.get(w) ?? null);
  });
}
