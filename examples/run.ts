/**
 * Example runner: `npm run example -- <name> [--flags]` runs examples/<name>.ts; with no name (or --help) it lists
 * the examples, and `<name> --help` lists that example's flags.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FlagError, fmtSeconds, flagHelp, isExampleModule, parseFlags, type ExampleModule } from './lib/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Names of the runnable examples (every examples/*.ts except this runner). */
function exampleNames(): string[] {
  return readdirSync(here)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== 'run.ts')
    .map((f) => f.slice(0, -3))
    .sort();
}

/** Import examples/<name>.ts and check it has the example shape. */
async function load(name: string): Promise<ExampleModule> {
  const mod: unknown = await import(pathToFileURL(path.join(here, `${name}.ts`)).href);
  if (!isExampleModule(mod)) throw new Error(`examples/${name}.ts does not export description, flags and run()`);
  return mod;
}

/** Print the list of examples with their one-line descriptions. */
async function list(): Promise<void> {
  const lines = ['usage: npm run example -- <name> [--flags]   (npm run example -- <name> --help for its flags)', '', 'examples:'];
  const names = exampleNames();
  const width = Math.max(...names.map((n) => n.length));
  for (const name of names) {
    let desc: string;
    try { desc = (await load(name)).description; } catch (e) { desc = `(failed to load: ${(e as Error).message})`; }
    lines.push(`  ${name.padEnd(width)}  ${desc}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

/** Entry point. */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'list') { await list(); return 0; }
  if (!exampleNames().includes(name)) {
    process.stderr.write(`unknown example '${name}' (known: ${exampleNames().join(', ')})\n`);
    return 2;
  }
  const mod = await load(name);
  let values: Record<string, unknown>;
  try {
    // Common flags of every example: --out-dir <dir> (default examples/out/) and --quiet.
    const common: Record<string, unknown> = {};
    const own: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === '--quiet') common.quiet = true;
      else if (rest[i] === '--out-dir') {
        if (i + 1 >= rest.length) throw new FlagError('--out-dir needs a value');
        common.outDir = rest[++i];
      } else if (rest[i].startsWith('--out-dir=')) common.outDir = rest[i].slice('--out-dir='.length);
      else own.push(rest[i]);
    }
    const parsed = parseFlags(mod.flags, own);
    if (parsed.help) {
      process.stdout.write(`${name}: ${mod.description}\n\nflags:\n${flagHelp(mod.flags)}\n  --out-dir <dir>  where figures and JSON go (default: examples/out)\n  --quiet          print nothing\n`);
      return 0;
    }
    values = { ...parsed.values, ...common };
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(`${name}: ${e.message}\n\nflags:\n${flagHelp(mod.flags)}\n`);
      return 2;
    }
    throw e;
  }
  const start = performance.now();
  process.stdout.write(`== ${name}: ${mod.description}\n`);
  await mod.run(values);
  process.stdout.write(`== ${name} finished in ${fmtSeconds((performance.now() - start) / 1000)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
