/** Files the examples write: figures as SVG and numbers as JSON under examples/out/ (git-ignored) or a chosen directory. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The default output directory, examples/out/. */
export const defaultOutDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'out');

/** JSON replacer: typed arrays become plain arrays, non-finite numbers become strings ('NaN', 'Infinity'). */
function replacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

/** Write `data` as pretty JSON to `<dir>/<name>.json` and return the path. */
export function writeJson(dir: string, name: string, data: unknown): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(data, replacer, 2) + '\n');
  return file;
}

/** Write an SVG document to `<dir>/<name>.svg` and return the path. */
export function writeSvg(dir: string, name: string, svg: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.svg`);
  writeFileSync(file, svg);
  return file;
}

/** A path relative to the working directory, for printing. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}
