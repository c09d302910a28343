/** The tape module: recording, backward traversal, transforms, custom rules, checkpointing and pytrees. */
export { record, isRecording, Node, type VjpRule } from './node.js';
export { tapeState, withRecording } from './state.js';
export { backward } from './backward.js';
export { grad, valueAndGrad, vjp, hvp, jvp, makeLeaf, detach, treeVdot, type GradOptions, type Pullback, type GradOf, type GradsOf } from './transforms.js';
export { customVjp, stopGradient, noGrad, checkpoint } from './custom.js';
export { flatten, unflatten, map as treeMap, numLeaves, type PyTree, type TreeDef } from './pytree.js';
export { map, mapReduce, chunkedSum, type MapOptions, type MapReduceOptions, type MapReduceProgress, type ChunkProgress, type ChunkedSumOptions } from './map.js';
export { checkFinite, type ParallelChunks } from './chunked-sum.js';
