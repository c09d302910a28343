// Runs every ```ts block of docs/guide.md against the sources (run by `npm run docs`): each block becomes an async
// function in one temporary module (with `tt` = src/index.ts), executed in order with tsx; a block that throws fails
// the run, naming its section. `--verbose` prints what each block logs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const verbose = process.argv.includes('--verbose');
const guide = readFileSync(join(root, 'docs/guide.md'), 'utf8');

const blocks = [];
let section = '(top)';
const lines = guide.split('\n');
for (let i = 0; i < lines.length; i++) {
  if (lines[i].startsWith('## ')) section = lines[i].slice(3).trim();
  if (lines[i].trim() === '```ts') {
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end].trim() !== '```') end++;
    blocks.push({ section, line: start + 1, code: lines.slice(start, end).join('\n') });
    i = end;
  }
}

const index = pathToFileURL(join(root, 'src/index.ts')).href;
const body = blocks.map((b, k) => `  {
    const logs: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => { logs.push(args.map((a) => typeof a === 'string' ? a : inspect(a, { depth: 4, breakLength: 160 })).join(' ')); };
    try {
      await (async () => {
${b.code}
      })();
      console.log = log;
      ${verbose ? `console.log(${JSON.stringify(`--- ${b.section} (docs/guide.md:${b.line})`)}); for (const l of logs) console.log('  ' + l);` : ''}
      passed++;
    } catch (e) {
      console.log = log;
      failed.push(${JSON.stringify(`block ${k + 1}, "${b.section}" (docs/guide.md:${b.line})`)} + ': ' + (e instanceof Error ? e.message : String(e)));
      for (const l of logs) console.log('  ' + l);
    }
  }`).join('\n');
const source = `import * as tt from ${JSON.stringify(index)};
import { inspect } from 'node:util';
let passed = 0;
const failed: string[] = [];
${body}
for (const f of failed) console.error('run-guide: ' + f);
console.log(\`run-guide: \${passed} of ${blocks.length} docs/guide.md examples ran without error\`);
if (failed.length > 0) process.exit(1);
`;

const dir = mkdtempSync(join(tmpdir(), 'tracetape-guide-'));
const file = join(dir, 'guide-examples.mts');
writeFileSync(file, source);
try {
  execFileSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit', cwd: root });
} catch {
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
