// The manifest and the code agree: every contributed command has a handler and vice versa,
// every %key% has an English string, and no user-visible manifest text is hard-coded.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const nls = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8'));

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [fs.readFileSync(p, 'utf8')] : [];
  });
}

test('every contributed command has exactly one handler, and every handler is contributed', () => {
  const contributed = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));
  const code = sources(path.join(root, 'src', 'commands')).join('\n');
  const defined = [...code.matchAll(/defineCommand\(\{\s*id:\s*[`'"]([^`'"]+)[`'"]/g)].map((m) => m[1]);
  // refreshView(view) builds alibabaCloud.<view>.refresh
  for (const m of code.matchAll(/refreshView\('(\w+)'\)/g)) {
    defined.push(`alibabaCloud.${m[1]}.refresh`);
  }
  const dupes = defined.filter((id, i) => defined.indexOf(id) !== i);
  assert.deepEqual(dupes, [], 'a command id defined twice');
  assert.deepEqual([...contributed].filter((id) => !defined.includes(id)).sort(), [], 'contributed without a handler');
  assert.deepEqual(
    defined.filter((id) => !contributed.has(id) && !id.includes('${')).sort(),
    [],
    'handler not contributed',
  );
});

test('manifest strings are localized through package.nls.json', () => {
  const text =
    JSON.stringify(pkg.contributes) + JSON.stringify({ displayName: pkg.displayName, description: pkg.description });
  const keys = [...text.matchAll(/%([\w.-]+)%/g)].map((m) => m[1]);
  assert.ok(keys.length > 50);
  assert.deepEqual(
    keys.filter((k) => !(k in nls)),
    [],
    'missing English strings',
  );
  for (const c of pkg.contributes.commands) {
    assert.match(c.title, /^%.+%$/, `${c.command} title`);
    assert.match(c.category, /^%.+%$/, `${c.command} category`);
  }
  for (const v of pkg.contributes.views.alibabaCloud) {
    assert.match(v.name, /^%.+%$/);
  }
});

test('menus only reference contributed commands and anchored viewItem patterns', () => {
  const ids = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
  for (const [menu, items] of Object.entries(
    pkg.contributes.menus as Record<string, Array<{ command: string; when?: string }>>,
  )) {
    for (const item of items) {
      assert.ok(ids.has(item.command), `${menu}: ${item.command}`);
      const m = /viewItem =~ \/(.*?)\//.exec(item.when ?? '');
      if (m) {
        assert.match(m[1], /^\^/, `${menu}: ${item.command} pattern is anchored`);
      }
    }
  }
});

test('activation loads no SDK: the extension bundle only requires them lazily', () => {
  const bundle = path.join(root, 'dist', 'extension.js');
  if (!fs.existsSync(bundle)) {
    return;
  }
  const text = fs.readFileSync(bundle, 'utf8');
  assert.ok(!/ecs20140526\/dist\/client/.test(text), 'the ECS SDK is not bundled into extension.js');
  assert.ok(/\.\/sdk\/ecs\.js/.test(text), 'it is required from its own bundle');
});

test("a command that refuses a multi-selection (oneRowOnly) is not offered in a multi-selection's context menu", () => {
  const code = sources(path.join(root, 'src', 'commands')).join('\n');
  const single = [
    ...code.matchAll(/defineCommand\(\{\s*id:\s*[`'"]([^`'"]+)[`'"],(?:(?!defineCommand)[\s\S])*?run: oneRowOnly\(/g),
  ].map((m) => m[1]);
  assert.ok(single.length >= 9, `found ${single.length}`);
  const menus = (
    pkg.contributes.menus['view/item/context'] as Array<{ command: string; when?: string; group?: string }>
  ).filter((m) => single.includes(m.command) && !m.group?.startsWith('inline'));
  assert.ok(menus.length >= single.length);
  assert.deepEqual(
    menus.filter((m) => !/(^|&&\s*)!listMultiSelection\b/.test(m.when ?? '')).map((m) => m.command),
    [],
  );
});
