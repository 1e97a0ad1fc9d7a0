// The layer check of docs/ARCHITECTURE.md, run by `npm test`: reads every import of src/ (static, dynamic,
// require, type-only and re-exports alike, through TypeScript's own pre-parser) and fails on an
// import that runs up a layer, on any import circle, and on `vscode` below the line.
// A small script rather than dependency-cruiser: no install scripts, ~100 ms, and the rules sit
// here in plain words.
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const src = join(root, 'src');

/**
 * What each layer may import besides itself. Top to bottom: extension.ts > commands (and agent, the
 * chat tools) > views > fs > errorHelp > services > editor > ui > setup > policy > cloud. The
 * sandbox is a separate local cloud: it shares only the policy engine (docs/ARCHITECTURE.md) and
 * none of the client code, so a bug in a client (signing, paging) is never mirrored by the server
 * it is tested against. Only the command that starts it in-process reaches into it.
 */
const MAY_IMPORT = {
  extension: [
    'lazyLoader',
    'commands',
    'agent',
    'views',
    'fs',
    'errorHelp',
    'services',
    'editor',
    'ui',
    'setup',
    'policy',
    'cloud',
  ],
  /** Loads dist/lazy.js for extension.ts and hands it main's process-wide state; knows lazy.ts only by its types. */
  lazyLoader: ['lazy', 'ui', 'cloud'],
  /** The entry of dist/lazy.js (esbuild.mjs), beside extension.ts: never imported, only loaded. */
  lazy: ['commands', 'agent', 'views', 'fs', 'errorHelp', 'services', 'editor', 'ui', 'setup', 'policy', 'cloud'],
  commands: ['views', 'fs', 'errorHelp', 'services', 'editor', 'ui', 'setup', 'policy', 'cloud', 'sandbox'],
  /** The chat tools: beside the commands, reading through the same layers, never the views. */
  agent: ['errorHelp', 'services', 'editor', 'ui', 'setup', 'policy', 'cloud'],
  views: ['fs', 'errorHelp', 'services', 'editor', 'ui', 'setup', 'policy', 'cloud'],
  fs: ['errorHelp', 'services', 'editor', 'ui', 'setup', 'policy', 'cloud'],
  errorHelp: ['services', 'editor', 'ui', 'setup', 'policy', 'cloud'],
  services: ['editor', 'ui', 'setup', 'policy', 'cloud'],
  editor: ['ui', 'setup', 'policy', 'cloud'],
  ui: ['setup', 'policy', 'cloud'],
  setup: ['policy', 'cloud'],
  policy: ['cloud'],
  cloud: [],
  sandbox: ['policy'],
};
/** Below the line: tested with plain node:test, so no `vscode`. */
const NO_VSCODE = new Set(['setup', 'policy', 'cloud', 'sandbox']);

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function layerOf(file) {
  const rel = relative(src, file).split(sep);
  return rel.length === 1 ? rel[0].replace(/\.ts$/, '') : rel[0];
}

function resolveRelative(from, spec) {
  const base = resolve(dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

const files = walk(src);
const problems = [];
const edges = new Map();
for (const file of files) {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const layer = layerOf(file);
  const name = relative(root, file);
  if (!(layer in MAY_IMPORT)) problems.push(`${name}: not in a layer folder (add it to test/layers.mjs)`);
  const targets = new Set();
  for (const { fileName: spec } of info.importedFiles) {
    if (spec === 'vscode' && NO_VSCODE.has(layer)) problems.push(`${name}: imports vscode below the line`);
    if (!spec.startsWith('.')) continue;
    const target = resolveRelative(file, spec);
    if (!target) {
      problems.push(`${name}: cannot resolve '${spec}'`);
      continue;
    }
    targets.add(target);
    const to = layerOf(target);
    if (to !== layer && !MAY_IMPORT[layer]?.includes(to)) {
      problems.push(`${name}: ${layer} may not import ${to} ('${spec}')`);
    }
  }
  edges.set(file, [...targets]);
}

// Circles: Tarjan's strongly connected components; every component of more than one file is one.
let index = 0;
const stack = [];
const meta = new Map();
const circles = [];
function connect(v) {
  meta.set(v, { index, low: index, onStack: true });
  index++;
  stack.push(v);
  for (const w of edges.get(v) ?? []) {
    if (!meta.has(w)) {
      connect(w);
      meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).low);
    } else if (meta.get(w).onStack) {
      meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).index);
    }
  }
  if (meta.get(v).low === meta.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      meta.get(w).onStack = false;
      component.push(relative(root, w));
    } while (w !== v);
    if (component.length > 1 || (edges.get(v) ?? []).includes(v)) circles.push(component.sort());
  }
}
for (const file of files) if (!meta.has(file)) connect(file);
for (const c of circles) problems.push(`import circle: ${c.join(' <-> ')}`);

if (problems.length) {
  console.error(`layers: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`layers: ${files.length} files, no upward import, no circle, no vscode below the line`);
