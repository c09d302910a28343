/** The method table: ops register themselves here so Tensor methods can call them without an import cycle. */
import type { Tensor } from './tensor.js';

type Method = (...args: never[]) => Tensor;

class MethodTable {
  private readonly table = new Map<string, Method>();
  /** Register op `name` as the implementation of the Tensor method of the same name. */
  register(name: string, fn: Method): void {
    this.table.set(name, fn);
  }
  /** Call the registered op `name`. */
  call(name: string, ...args: unknown[]): Tensor {
    const fn = this.table.get(name);
    if (!fn) throw new Error(`Tensor.${name}: op not loaded (import tracetape from its package root)`);
    return (fn as (...a: unknown[]) => Tensor)(...args);
  }
}

/** The single method table instance. */
export const methodTable = new MethodTable();
