// Chinese (zh-cn) next to English: the same keys in both languages (manifest and runtime bundle),
// the same {0} placeholders, codicons, command links and `code` in each translation, walkthrough
// pages in both languages with the same code blocks, and no user-visible literal in src/ that
// skips localisation (a heuristic scan, itself proven on planted bypasses).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.join(__dirname, '..', '..');
const readJson = (p: string): Record<string, string> => JSON.parse(fs.readFileSync(path.join(root, p), 'utf8'));
const nlsEn = readJson('package.nls.json');
const nlsZh = readJson('package.nls.zh-cn.json');
const bundleEn = readJson('l10n/bundle.l10n.json');
const bundleZh = readJson('l10n/bundle.l10n.zh-cn.json');

const pairs: Array<[string, Record<string, string>, Record<string, string>]> = [
  ['package.nls', nlsEn, nlsZh],
  ['bundle.l10n', bundleEn, bundleZh],
];

/** What must survive translation unchanged, as a sorted multiset. */
function markup(s: string): Record<string, string[]> {
  const all = (re: RegExp) => [...s.matchAll(re)].map((m) => m[0]).sort();
  return {
    placeholders: all(/\{\d+\}/g),
    codicons: all(/\$\([a-z0-9~-]+\)/g),
    commandLinks: all(/\]\(command:[^)]+\)/g),
    code: all(/`[^`]+`/g),
  };
}

function keyDiff(a: Record<string, string>, b: Record<string, string>): { onlyA: string[]; onlyB: string[] } {
  return { onlyA: Object.keys(a).filter((k) => !(k in b)), onlyB: Object.keys(b).filter((k) => !(k in a)) };
}

function markupMismatches(en: Record<string, string>, zh: Record<string, string>): string[] {
  return Object.keys(en)
    .filter((k) => k in zh)
    .filter((k) => JSON.stringify(markup(en[k])) !== JSON.stringify(markup(zh[k])))
    .map((k) => `${JSON.stringify(en[k])} ⇒ ${JSON.stringify(zh[k])}`);
}

for (const [name, en, zh] of pairs) {
  test(`${name}: every key exists in English and in zh-cn, and none is left empty`, () => {
    const { onlyA, onlyB } = keyDiff(en, zh);
    assert.deepEqual(onlyA, [], `${name}.zh-cn lacks these keys`);
    assert.deepEqual(onlyB, [], `${name}.zh-cn has keys English no longer has`);
    assert.deepEqual(
      Object.keys(zh).filter((k) => !zh[k].trim()),
      [],
      'empty translations',
    );
  });

  test(`${name}: placeholders, codicons, command links and code survive translation`, () => {
    assert.deepEqual(markupMismatches(en, zh), []);
  });
}

test('the key and markup checks fail on a missing key and on a changed placeholder set', () => {
  assert.deepEqual(keyDiff({ a: 'A', b: 'B' }, { a: '甲' }), { onlyA: ['b'], onlyB: [] });
  assert.deepEqual(keyDiff({ a: 'A' }, { a: '甲', c: '丙' }), { onlyA: [], onlyB: ['c'] });
  assert.equal(markupMismatches({ k: 'Copy {0} to {1}' }, { k: '将 {0} 复制到 {1}' }).length, 0);
  assert.equal(markupMismatches({ k: 'Copy {0} to {1}' }, { k: '将 {0} 复制到 {0}' }).length, 1);
  assert.equal(markupMismatches({ k: 'Copy {0}' }, { k: '复制' }).length, 1);
  assert.equal(markupMismatches({ k: '$(cloud) Sandbox' }, { k: '$(cloud-upload) 沙箱' }).length, 1);
  assert.equal(markupMismatches({ k: '[Start](command:a.b)' }, { k: '[启动](command:a.c)' }).length, 1);
  assert.equal(markupMismatches({ k: 'the `oss:ListBuckets` permission' }, { k: '`oss:列出` 权限' }).length, 1);
});

test('the English bundle is current: every l10n.t literal in src/ is one of its keys', () => {
  const missing: string[] = [];
  for (const file of sourceFiles()) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/l10n\.t\(\s*(['"])((?:\\.|(?!\1)[^\\])*)\1/g)) {
      const message = JSON.parse(`"${m[2].replace(/\\'/g, "'").replace(/(?<!\\)"/g, '\\"')}"`);
      if (!(message in bundleEn)) {
        missing.push(message);
      }
    }
  }
  assert.deepEqual(
    missing,
    [],
    'run `node esbuild.mjs` to regenerate l10n/bundle.l10n.json, then translate the new keys',
  );
});

test('the zh-cn palette titles are as unambiguous as the English ones', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const hidden = new Set(
    (pkg.contributes.menus?.commandPalette ?? [])
      .filter((m: { when?: string }) => m.when === 'never')
      .map((m: { command: string }) => m.command),
  );
  const visible = (pkg.contributes.commands as Array<{ command: string; title: string; category?: string }>).filter(
    (c) => !hidden.has(c.command),
  );
  const clashes = (nls: Record<string, string>) => {
    const resolve = (s: string | undefined) => (s && /^%.+%$/.test(s) ? nls[s.slice(1, -1)] : s) ?? '';
    const titles = visible.map((c) => `${resolve(c.category)}: ${resolve(c.title)}`);
    return visible.filter((_, i) => titles.indexOf(titles[i]) !== titles.lastIndexOf(titles[i])).map((c) => c.command);
  };
  const en = clashes(nlsEn);
  assert.deepEqual(
    clashes(nlsZh).filter((c) => !en.includes(c)),
    [],
    'two palette commands read the same in zh-cn',
  );
});

test('zh-cn keeps one term per concept (glossary: l10n/glossary.zh-cn.md)', () => {
  // Variants Alibaba Cloud's Chinese console does not use for the concepts in the glossary.
  const avoid: Record<string, string> = {
    地区: '地域',
    区域: '地域',
    存储桶: '存储空间',
    凭据: '凭证',
    访问密钥: 'AccessKey',
    虚拟交换机: '交换机',
    元数据服务器: '实例元数据服务',
    安全模式: '加固模式',
    实例角色: '实例 RAM 角色',
  };
  const texts = [
    ...Object.values(nlsZh),
    ...Object.values(bundleZh),
    ...walkthroughPages().map((p) => fs.readFileSync(zhPage(p), 'utf8')),
  ];
  const found = Object.keys(avoid)
    .filter((w) => texts.some((t) => t.includes(w)))
    .map((w) => `${w} → ${avoid[w]}`);
  assert.deepEqual(found, []);
  const glossary = fs.readFileSync(path.join(root, 'l10n', 'glossary.zh-cn.md'), 'utf8');
  for (const term of [
    'RAM 角色',
    '权限策略',
    '信任策略',
    '实例 RAM 角色',
    '实例元数据服务',
    '加固模式',
    'STS 临时凭证',
    '存储空间 (Bucket)',
    '文件 (Object)',
    '地域',
    '可用区',
    '交换机',
    '安全组',
  ]) {
    assert.ok(glossary.includes(term), `glossary lacks ${term}`);
  }
});

// VS Code's getting-started page looks for `<page>.nls.<locale>.md`, then `<page>.nls.<language>.md`,
// next to the markdown a walkthrough step names, before the page itself.
const walkthroughDir = path.join(root, 'media', 'walkthrough');
const walkthroughPages = () => fs.readdirSync(walkthroughDir).filter((f) => f.endsWith('.md') && !f.includes('.nls.'));
const zhPage = (p: string) => path.join(walkthroughDir, p.replace(/\.md$/, '.nls.zh-cn.md'));

test('every walkthrough page has a zh-cn version with the same code blocks', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const named = pkg.contributes.walkthroughs
    .flatMap((w: { steps: Array<{ media: { markdown?: string } }> }) => w.steps.map((s) => s.media.markdown))
    .filter(Boolean);
  assert.deepEqual(named.map((m: string) => path.basename(m)).sort(), walkthroughPages().sort());
  const fences = (s: string) => [...s.matchAll(/```[\s\S]*?```/g)].map((m) => m[0]);
  for (const p of walkthroughPages()) {
    assert.ok(fs.existsSync(zhPage(p)), `${p} has no zh-cn version`);
    assert.deepEqual(
      fences(fs.readFileSync(zhPage(p), 'utf8')),
      fences(fs.readFileSync(path.join(walkthroughDir, p), 'utf8')),
      `${p}: code blocks differ`,
    );
  }
});

function sourceFiles(dir = path.join(root, 'src')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const LITERAL = String.raw`('(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|\x60(?:\\.|[^\x60\\])*\x60)`;
/** Places a string reaches the user as it is: notifications, tree rows, pickers, inputs, progress, errors. */
const SINKS = [
  String.raw`\bshow(?:Information|Warning|Error)Message\(\s*${LITERAL}`,
  String.raw`\bnew\s+(?:vscode\.)?(?:TreeItem|MarkdownString)\(\s*${LITERAL}`,
  String.raw`\b(?:title|placeHolder|prompt|label|description|detail|tooltip|message)\s*:\s*${LITERAL}`,
  String.raw`\.(?:label|description|tooltip|title|placeholder|prompt|message)\s*=\s*${LITERAL}`,
  String.raw`\bnew\s+(?:Error|CloudError|SetupError)\(\s*${LITERAL}`,
].map((s) => new RegExp(s, 'g'));

/**
 * Prose: a word followed by a lower-case word ("not found"), outside `${…}`. Ids, URIs, product
 * names ("Object Storage Service") and samples ("oss:GetObject") are not prose.
 */
const isProse = (literal: string) =>
  /\b[A-Za-z][a-z]+ [a-z]{2,}\b/.test(literal.slice(1, -1).replace(/\$\{[^}]*\}/g, ' '));

/**
 * Internal errors no user action reaches: the scripted prompter of the in-host tests, guards on picker
 * output, another extension activating our dist/lazy.js.
 */
const INTERNAL = [
  /^'dist\/lazy\.js was already activated'$/,
  /^`unexpected prompt: /,
  /^`Back pressed where none is offered: /,
  /^`no item "/,
  /^`invalid input "/,
  /^`not a bucket name: /,
  /^`not a region id: /,
];

function bypasses(file: string, text: string, known: Record<string, string> = bundleEn): string[] {
  const out: string[] = [];
  for (const sink of SINKS) {
    for (const m of text.matchAll(sink)) {
      const literal = m[1];
      if (!isProse(literal) || INTERNAL.some((r) => r.test(literal))) {
        continue;
      }
      // A table entry the UI translates by value (lint messages, condition keys) is a bundle key.
      if (
        /^['"]/.test(literal) &&
        JSON.parse(
          `"${literal
            .slice(1, -1)
            .replace(/\\'/g, "'")
            .replace(/(?<!\\)"/g, '\\"')}"`,
        ) in known
      ) {
        continue;
      }
      out.push(`${file}:${text.slice(0, m.index).split('\n').length}: ${m[0].slice(0, 120)}`);
    }
  }
  return out;
}

test('no user-visible string literal in src/ bypasses localisation', () => {
  // The sandbox is the local stand-in for the cloud: its messages are the API's, in English like the real ones.
  const files = sourceFiles().filter((f) => !f.includes(`${path.sep}sandbox${path.sep}`));
  const found = files.flatMap((f) => bypasses(path.relative(root, f), fs.readFileSync(f, 'utf8')));
  assert.deepEqual(found, []);
});

test('the bypass scan catches planted bypasses and passes their localized forms', () => {
  const planted = [
    "void vscode.window.showInformationMessage('Bucket created in the region.');",
    'vscode.window.showErrorMessage(`Could not delete ${name} because it is busy`);',
    "const item = new vscode.TreeItem('No roles yet', vscode.TreeItemCollapsibleState.None);",
    "await vscode.window.withProgress({ location, title: 'Deleting the bucket…' }, run);",
    "s.prompt.input({ placeHolder: 'type a name here' });",
    "s.prompt.input({ prompt: 'Name of the new policy' });",
    "item.tooltip = 'Trusted by ECS and attached';",
    "throw new Error('The instance does not exist');",
  ];
  for (const line of planted) {
    assert.equal(bypasses('planted.ts', line, {}).length, 1, line);
  }
  const fine = [
    "void vscode.window.showInformationMessage(vscode.l10n.t('Bucket created in the region.'));",
    "const item = new vscode.TreeItem(vscode.l10n.t('No roles yet'));",
    "s.prompt.input({ placeHolder: 'oss://my-bucket/logs/', prompt: vscode.l10n.t('Name of the new policy') });",
    "const svc = { title: 'Object Storage Service' };",
    "item.description = 'oss:Get*, oss:List*';",
  ];
  for (const line of fine) {
    assert.deepEqual(bypasses('fine.ts', line, {}), [], line);
  }
  // A planted bypass in a copy of a real source file is found too.
  const real = fs.readFileSync(path.join(root, 'src', 'commands', 'oss', 'bucket.ts'), 'utf8');
  assert.deepEqual(bypasses('ossBucket.ts', real), []);
  assert.equal(
    bypasses('ossBucket.ts', `${real}\nvoid vscode.window.showWarningMessage('Bucket is not empty yet');\n`).length,
    1,
  );
});

test('no English message hedges a count with "(s)": one and many are written out ("1 empty region" / "{0} empty regions")', () => {
  const hedged = [...Object.values(nlsEn), ...Object.keys(bundleEn)].filter((m) => /\w\(s\)/.test(m));
  assert.deepEqual(hedged, []);
  assert.match('{0} bucket(s)', /\w\(s\)/);
});
