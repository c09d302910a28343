/** The tensor module: Tensor, dtypes and creation functions. */
export { Tensor, isTensor, type NestedArray, type TensorLike, type TapeLink } from './tensor.js';
export { type DType, type TypedArray, allocate, promote, dtypeOf } from './dtype.js';
export { tensor, zeros, ones, full, eye, arange, linspace, zerosLike, onesLike, fromData, asTensor, type TensorOptions } from './creation.js';
export { methodTable } from './methods.js';
