/** Internal utilities shared by all modules: errors and validation helpers. */
export * from './errors.js';
