/**
 * The shape every example shares: options common to all examples, option resolution, and the context an example
 * runs in (logging, tables, progress bars and output files, all silenced by `quiet` for the smoke tests).
 */
import { type FlagSpec, type FlagValues, resolveOptions } from './flags.js';
import { progress, type Progress } from './progress.js';
import { renderTable, type Cell } from './table.js';
import { defaultOutDir, displayPath, writeJson, writeSvg } from './output.js';

/** Options every example's `run` accepts besides its own flags. */
export interface CommonOptions {
  /** Print nothing (progress, tables, logs); the smoke tests pass true. */
  quiet?: boolean;
  /** Directory for figures and JSON (default examples/out/); null writes no files. */
  outDir?: string | null;
}

/** Keys of CommonOptions (accepted by `run` but not flags). */
export const commonKeys = ['quiet', 'outDir'] as const;

/** The options an example's `run` accepts: any subset of its flags plus the common options. */
export type RunOptions<S extends FlagSpec> = Partial<FlagValues<S>> & CommonOptions;

/** Fill in defaults and validate `options` against the example's flag spec (throws FlagError on an unknown or bad option). */
export function resolveRunOptions<S extends FlagSpec>(spec: S, options: RunOptions<S>): FlagValues<S> & CommonOptions {
  return resolveOptions<S, CommonOptions>(spec, options, [...commonKeys]);
}

/** What the runner needs from an example module (examples/<name>.ts). */
export interface ExampleModule {
  /** One line saying what the example shows. */
  description: string;
  /** Its command-line flags. */
  flags: FlagSpec;
  /** Run it; resolves to its results (the same numbers it writes as JSON). */
  run(options?: Record<string, unknown>): Promise<unknown>;
}

/** True when `m` looks like an example module. */
export function isExampleModule(m: unknown): m is ExampleModule {
  const o = m as Partial<ExampleModule> | null;
  return !!o && typeof o.run === 'function' && typeof o.description === 'string' && typeof o.flags === 'object' && o.flags !== null;
}

/** Services an example uses while running. */
export interface ExampleContext {
  readonly name: string;
  readonly quiet: boolean;
  /** Print lines to stdout (unless quiet). */
  log(...lines: string[]): void;
  /** Print an aligned results table (unless quiet). */
  table(title: string, header: readonly string[], rows: readonly (readonly Cell[])[]): void;
  /** A progress bar on stderr (silent when quiet; one summary line when stderr is not a TTY). */
  progress(label: string, total: number, unit?: string): Progress;
  /** Write the results as `<outDir>/<name>.json`; returns the path (null when files are off). */
  writeJson(data: unknown): string | null;
  /** Write a figure as `<outDir>/<name>-<figure>.svg`; returns the path (null when files are off). */
  writeSvg(figure: string, svg: string): string | null;
  /** Paths written so far. */
  readonly files: string[];
}

/** Create the context for example `name`. */
export function createContext(name: string, options: CommonOptions): ExampleContext {
  const quiet = options.quiet ?? false;
  const dir = options.outDir === undefined ? defaultOutDir : options.outDir;
  const files: string[] = [];
  const note = (file: string): string => {
    files.push(file);
    if (!quiet) process.stdout.write(`wrote ${displayPath(file)}\n`);
    return file;
  };
  return {
    name,
    quiet,
    files,
    log(...lines: string[]): void {
      if (!quiet) process.stdout.write(lines.join('\n') + '\n');
    },
    table(title, header, rows): void {
      if (!quiet) process.stdout.write(`\n${renderTable(header, rows, title)}\n\n`);
    },
    progress(label, total, unit): Progress {
      return progress(label, total, { quiet, unit });
    },
    writeJson(data): string | null {
      return dir === null ? null : note(writeJson(dir, name, data));
    },
    writeSvg(figure, svg): string | null {
      return dir === null ? null : note(writeSvg(dir, `${name}-${figure}`, svg));
    },
  };
}
