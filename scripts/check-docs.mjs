// Doc-comment check (run by `npm run docs` after TypeDoc): reads docs/api/api.json and lists every public export of
// src/index.ts (top level and inside the tt.* namespaces) that has no one-line summary, and how many carry an @example
// (here or in docs/guide.md). `--strict` exits 1 when a summary is missing; `--examples` also lists exports without one.
import { readFileSync } from 'node:fs';

const strict = process.argv.includes('--strict');
const listExamples = process.argv.includes('--examples');
const KIND = { Module: 2, Namespace: 4, Enum: 8, Variable: 32, Function: 64, Class: 128, Interface: 256, TypeAlias: 2097152, Reference: 4194304 };

let project;
try {
  project = JSON.parse(readFileSync('docs/api/api.json', 'utf8'));
} catch (e) {
  console.error(`check-docs: cannot read docs/api/api.json (run typedoc first): ${e.message}`);
  process.exit(2);
}

const text = (parts) => (parts ?? []).map((p) => p.text).join('').trim();
/** The comments that document a reflection: its own, or (functions) its signatures', (accessors) get/set. */
const comments = (r) => [r.comment, ...(r.signatures ?? []).map((s) => s.comment), r.getSignature?.comment].filter(Boolean);
const hasSummary = (r) => comments(r).some((c) => text(c.summary).length > 0);
const hasExample = (r) => comments(r).some((c) => (c.blockTags ?? []).some((t) => t.tag === '@example'));
const where = (r) => {
  const s = r.sources?.[0] ?? r.signatures?.[0]?.sources?.[0];
  return s ? `${s.fileName}:${s.line}` : '?';
};

// The guide's examples count for the names they show (`tt.name(` or `tt.ns.name(`).
let guide = '';
try { guide = readFileSync('docs/guide.md', 'utf8'); } catch { /* no guide */ }
const shownInGuide = (qualified) => new RegExp(`\\btt\\.${qualified.replace(/\./g, '\\.')}\\b`).test(guide);

const exportsFound = [];
function walk(container, prefix) {
  for (const r of container.children ?? []) {
    if (r.kind === KIND.Module) { walk(r, prefix); continue; }
    if (r.kind === KIND.Reference) continue; // a re-export under another name; the target is checked
    const name = prefix ? `${prefix}.${r.name}` : r.name;
    if (r.kind === KIND.Namespace) { exportsFound.push({ name, r, namespace: true }); walk(r, name); continue; }
    exportsFound.push({ name, r, namespace: false });
  }
}
walk(project, '');

const items = exportsFound.filter((e) => !e.namespace);
const noSummary = items.filter((e) => !hasSummary(e.r));
const noExample = items.filter((e) => !hasExample(e.r) && !shownInGuide(e.name) && e.r.kind !== KIND.Interface && e.r.kind !== KIND.TypeAlias);
const callable = items.filter((e) => e.r.kind !== KIND.Interface && e.r.kind !== KIND.TypeAlias);

if (noSummary.length > 0) {
  console.log(`check-docs: ${noSummary.length} public export(s) without a one-line summary:`);
  for (const e of noSummary) console.log(`  ${e.name}  (${where(e.r)})`);
}
if (listExamples && noExample.length > 0) {
  console.log(`check-docs: ${noExample.length} public function/class/value export(s) without an @example (in the comment or docs/guide.md):`);
  for (const e of noExample) console.log(`  ${e.name}  (${where(e.r)})`);
}
console.log(`check-docs: ${items.length} public exports in ${exportsFound.length - items.length} namespaces + top level; `
  + `${items.length - noSummary.length} with a summary, ${noSummary.length} without; `
  + `${callable.length - noExample.length} of ${callable.length} functions/classes/values have an example (comment @example or docs/guide.md)`);
if (strict && noSummary.length > 0) process.exit(1);
