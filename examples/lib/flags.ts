/** Command-line flags for the examples: a typed spec per example, parsing of `--name value` / `--name=value` / `--flag` / `--no-flag`, and help text. */

/** A numeric flag (optionally an integer with a lower bound). */
export interface NumberFlag { type: 'number'; default: number; help: string; integer?: boolean; min?: number }
/** A string flag, optionally restricted to `choices`. */
export interface StringFlag { type: 'string'; default: string; help: string; choices?: readonly string[] }
/** A boolean switch (`--flag` sets it, `--no-flag` clears it). */
export interface BooleanFlag { type: 'boolean'; default: boolean; help: string }
/** One flag's definition. */
export type FlagDef = NumberFlag | StringFlag | BooleanFlag;
/** An example's flags, keyed by camelCase name (written kebab-case on the command line). */
export type FlagSpec = Record<string, FlagDef>;

/** The parsed values of a spec: numbers, booleans, and strings (narrowed to the choices when given). */
export type FlagValues<S extends FlagSpec> = {
  -readonly [K in keyof S]: S[K] extends NumberFlag ? number
    : S[K] extends BooleanFlag ? boolean
      : S[K] extends { choices: readonly (infer C)[] } ? C : string;
};

/** An error in the command line (the runner prints it with the help text and exits 2). */
export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlagError';
  }
}

/** `nProbes` → `n-probes`. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `n-probes` → `nProbes`. */
export function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** The default value of every flag in `spec`. */
export function flagDefaults<S extends FlagSpec>(spec: S): FlagValues<S> {
  const out: Record<string, number | string | boolean> = {};
  for (const [k, def] of Object.entries(spec)) out[k] = def.default;
  return out as FlagValues<S>;
}

/** Check one value against its definition; throws FlagError naming the flag. */
function coerce(name: string, def: FlagDef, raw: string | number | boolean): number | string | boolean {
  if (def.type === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw new FlagError(`--${kebab(name)} expects true or false, received '${raw}'`);
  }
  if (def.type === 'number') {
    const v = typeof raw === 'number' ? raw : Number(raw);
    if (typeof raw === 'string' && raw.trim() === '') throw new FlagError(`--${kebab(name)} expects a number, received ''`);
    if (!Number.isFinite(v)) throw new FlagError(`--${kebab(name)} expects a number, received '${raw}'`);
    if (def.integer && !Number.isInteger(v)) throw new FlagError(`--${kebab(name)} expects an integer, received ${v}`);
    if (def.min !== undefined && v < def.min) throw new FlagError(`--${kebab(name)} expects a value ≥ ${def.min}, received ${v}`);
    return v;
  }
  const s = String(raw);
  if (def.choices && !def.choices.includes(s)) {
    throw new FlagError(`--${kebab(name)} expects one of ${def.choices.join(' | ')}, received '${s}'`);
  }
  return s;
}

/**
 * Parse `argv` (the arguments after the example name) against `spec`. Numbers accept `1e5` and `100_000`.
 * Returns the full set of values (defaults filled in) and whether `--help` was asked for.
 */
export function parseFlags<S extends FlagSpec>(spec: S, argv: readonly string[]): { values: FlagValues<S>; help: boolean } {
  const values: Record<string, number | string | boolean> = { ...(flagDefaults(spec) as Record<string, number | string | boolean>) };
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') { help = true; continue; }
    if (!arg.startsWith('--')) throw new FlagError(`unexpected argument '${arg}' (flags are written --name value)`);
    const eq = arg.indexOf('=');
    let key = camel(eq >= 0 ? arg.slice(2, eq) : arg.slice(2));
    let raw: string | boolean | undefined = eq >= 0 ? arg.slice(eq + 1) : undefined;
    if (!(key in spec) && key.startsWith('no') && raw === undefined) {
      const positive = key.charAt(2).toLowerCase() + key.slice(3);
      if (spec[positive]?.type === 'boolean') { key = positive; raw = false; }
    }
    const def = spec[key];
    if (def === undefined) {
      const known = Object.keys(spec).map((k) => `--${kebab(k)}`).join(', ');
      throw new FlagError(`unknown flag '${arg}' (known: ${known || 'none'})`);
    }
    if (raw === undefined) {
      if (def.type === 'boolean') raw = true;
      else {
        if (i + 1 >= argv.length) throw new FlagError(`--${kebab(key)} needs a value`);
        raw = argv[++i];
      }
    }
    values[key] = coerce(key, def, typeof raw === 'string' ? raw.replace(/_/g, '') : raw);
  }
  return { values: values as FlagValues<S>, help };
}

/** Validate programmatic options (as passed to an example's `run`) against the spec and fill in defaults. */
export function resolveOptions<S extends FlagSpec, E extends object>(spec: S, options: Partial<FlagValues<S>> & E, extraKeys: readonly (keyof E & string)[]): FlagValues<S> & E {
  const out: Record<string, unknown> = { ...flagDefaults(spec) };
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined) continue;
    if ((extraKeys as readonly string[]).includes(k)) { out[k] = v; continue; }
    const def = spec[k];
    if (def === undefined) throw new FlagError(`unknown option '${k}' (known: ${[...Object.keys(spec), ...extraKeys].join(', ')})`);
    out[k] = coerce(k, def, v as string | number | boolean);
  }
  return out as FlagValues<S> & E;
}

/** Help text: one line per flag with its default. */
export function flagHelp(spec: FlagSpec): string {
  const rows = Object.entries(spec).map(([k, def]) => {
    const name = def.type === 'boolean' ? `--${kebab(k)}` : `--${kebab(k)} <${def.type === 'string' && def.choices ? def.choices.join('|') : def.type}>`;
    return [name, `${def.help} (default: ${String(def.default)})`];
  });
  const width = Math.max(0, ...rows.map((r) => r[0].length));
  return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`).join('\n');
}
