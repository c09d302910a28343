/** Testing helpers: gradient checking by finite differences. */
export { checkGrads, type CheckGradsOptions, type CheckGradsResult } from './checkGrads.js';
