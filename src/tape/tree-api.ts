/** The public `tt.tree` namespace: pytree flatten, unflatten and map. */
export { flatten, unflatten, map, type PyTree, type TreeDef } from './pytree.js';
