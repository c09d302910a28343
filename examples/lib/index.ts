/** Shared infrastructure of the examples: flags, progress bars, tables, SVG plots, output files, memory sampling. */
export * from './flags.js';
export * from './progress.js';
export * from './table.js';
export * from './plot.js';
export * from './output.js';
export * from './memory.js';
export * from './example.js';
