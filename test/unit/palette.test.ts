// The command palette as a user reads it: every command shown there has a title that says what it
// acts on without the tree around it (no two the same, after %nls% resolution), and either works
// without a tree node (a picker, an input, or nothing to pick) or is hidden with `when: never`.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const nls: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8'));

interface Contributed {
  command: string;
  title: string;
  category?: string;
  shortTitle?: string;
}
const resolve = (s: string | undefined) => (s && /^%.+%$/.test(s) ? nls[s.slice(1, -1)] : s) ?? '';
const commands: Contributed[] = pkg.contributes.commands;
const hiddenWhen = new Map<string, string>(
  (pkg.contributes.menus.commandPalette ?? []).map((m: { command: string; when?: string }) => [
    m.command,
    m.when ?? '',
  ]),
);
const isHidden = (id: string) => ['never', 'false'].includes(hiddenWhen.get(id) ?? '');
const paletteLabel = (c: Contributed) => `${resolve(c.category)}: ${resolve(c.title)}`;
const palette = commands.filter((c) => !isHidden(c.command));

/** Each command id's handler source: the defineCommand(...) call plus the same-file helpers it calls. */
function handlerSources(): Map<string, string> {
  const out = new Map<string, string>();
  const dir = path.join(root, 'src', 'commands');
  for (const file of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const helpers = new Map<string, string>();
    for (const m of text.matchAll(/(?:function\s+(\w+)\s*(?:<[^>]*>)?\(|const\s+(\w+)\s*=\s*(?:async\s*)?\()/g)) {
      // Top-level helpers end at the first line that closes at column 0.
      const end = /^\}/m.exec(text.slice(m.index!));
      helpers.set(m[1] ?? m[2], text.slice(m.index!, end ? m.index! + end.index + 1 : undefined));
    }
    for (const m of text.matchAll(/defineCommand\(\{\s*id:\s*(['`])([^'`]+)\1/g)) {
      let code = balanced(text, m.index! + 'defineCommand'.length);
      // One level, then two, of same-file helpers (copyAddress → currentInstance → pickInstance).
      for (let depth = 0; depth < 2; depth++) {
        for (const call of [...code.matchAll(/\b(\w+)\(/g)].map((c) => c[1])) {
          const h = helpers.get(call);
          if (h && !code.includes(h)) {
            code += '\n' + h;
          }
        }
      }
      out.set(m[2], code);
    }
  }
  // refreshView(view) defines alibabaCloud.<view>.refresh from one template.
  const template = out.get('alibabaCloud.${view}.refresh');
  if (template) {
    for (const v of ['identity', 'ram', 'ecs', 'oss']) {
      out.set(`alibabaCloud.${v}.refresh`, template);
    }
  }
  return out;
}

/** The text from an opening parenthesis to its match. */
function balanced(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') {
      depth++;
    } else if (text[i] === ')' && --depth === 0) {
      return text.slice(open, i + 1);
    }
  }
  return text.slice(open);
}

/**
 * How a handler copes without a node: 'node-only' when it gives up (returns early unless given a
 * node, casts its argument to a node, or throws "choose … in the view"); 'picker' when it reads a
 * node but falls back to asking (quick pick, OSS browser, instance or role picker, a wizard, the active
 * editor); 'no-node' when it never reads a node.
 */
function classify(code: string): 'node-only' | 'picker' | 'no-node' {
  if (
    /if \(!\(\w+ instanceof \w+\)/.test(code) ||
    /\bas (TreeNode|LoadMoreNode)\b/.test(code) ||
    /if \(!(node|more)\) \{\s*return\b/.test(code) ||
    /for \(const \w+ of nodes\)/.test(code) ||
    /Choose [^']* in the \w+ view/.test(code)
  ) {
    return 'node-only';
  }
  const readsNode =
    /instanceof \w+Node\b|input\.node|\{ node\b|givenTargets\(|resolveTargets\(|resolveFolder\(|instanceFor\(|instanceRef\(|currentInstance\(|identityFor\(/.test(
      code,
    );
  if (!readsNode) {
    return 'no-node';
  }
  const picks =
    /\bpick\w*\(|resolveTargets\(|resolveFolder\(|instanceFor\(|instanceRef\(|currentInstance\(|identityFor\(|runPromptSteps\(|prompt\.(pick|input)\(|activeTextEditor/.test(
      code,
    );
  return picks ? 'picker' : 'node-only';
}

test('no two commands in the palette read the same (category: title, after nls resolution)', () => {
  const seen = new Map<string, string>();
  const dupes: string[] = [];
  for (const c of palette) {
    const label = paletteLabel(c).toLowerCase();
    if (seen.has(label)) {
      dupes.push(`${paletteLabel(c)}: ${seen.get(label)} and ${c.command}`);
    }
    seen.set(label, c.command);
  }
  assert.deepEqual(dupes, []);
  assert.ok(palette.length > 40, `palette commands found: ${palette.length}`);
});

test('palette titles name what they act on: no bare verbs such as "Refresh" or "Delete"', () => {
  const bare = palette.filter((c) =>
    /^(Refresh|Delete|Download|Upload|Open|Copy|Rename|Filter|Unpin|Load More)\b[…]?$|^(Upload Files|Create Folder|Filter by Prefix)…?$/.test(
      resolve(c.title),
    ),
  );
  assert.deepEqual(
    bare.map((c) => `${c.command}: ${resolve(c.title)}`),
    [],
  );
  for (const [id, title] of [
    ['alibabaCloud.ram.refresh', 'Refresh RAM View'],
    ['alibabaCloud.oss.delete', 'Delete OSS Objects…'],
    ['alibabaCloud.oss.download', 'Download from OSS…'],
    ['alibabaCloud.oss.filter', 'Filter OSS Folder by Prefix…'],
  ]) {
    assert.equal(resolve(commands.find((c) => c.command === id)?.title), title, id);
  }
  // The view toolbars keep their one-word buttons.
  for (const v of ['identity', 'ram', 'ecs', 'oss']) {
    assert.equal(resolve(commands.find((c) => c.command === `alibabaCloud.${v}.refresh`)?.shortTitle), 'Refresh', v);
  }
});

test('every palette command works without a node (picks or needs none); node-only commands are hidden', () => {
  const sources = handlerSources();
  const wrong: string[] = [];
  for (const c of commands) {
    const code = sources.get(c.command);
    assert.ok(code, `no handler source found for ${c.command}`);
    const kind = classify(code);
    if (kind === 'node-only' && !isHidden(c.command) && !hiddenWhen.get(c.command)) {
      wrong.push(`${c.command} needs a node but is in the palette`);
    }
  }
  assert.deepEqual(wrong, []);
  // The classifier itself can tell: these give up without a node, these pick, these need none.
  for (const id of [
    'alibabaCloud.ram.filter',
    'alibabaCloud.loadMore',
    'alibabaCloud.refreshNode',
    'alibabaCloud.ram.rollBackPolicyVersion',
  ]) {
    assert.equal(classify(sources.get(id)!), 'node-only', id);
    assert.ok(isHidden(id), `${id} is hidden from the palette`);
  }
  for (const id of [
    'alibabaCloud.oss.delete',
    'alibabaCloud.oss.download',
    'alibabaCloud.ecs.copyPublicIp',
    'alibabaCloud.ram.exportTerraform',
    'alibabaCloud.ram.checkAccess',
    'alibabaCloud.oss.unpin',
  ]) {
    assert.equal(classify(sources.get(id)!), 'picker', id);
  }
  assert.equal(classify(sources.get('alibabaCloud.ram.refresh')!), 'no-node');
});
