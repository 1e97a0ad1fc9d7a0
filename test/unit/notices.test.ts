// One notice path: only src/ui/prompt.ts calls vscode.window.show*Message (where untrusted text is
// made inert, see src/cloud/inert.ts), and tree tooltips are built only by src/views/tooltip.ts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.join(__dirname, '..', '..');

function sourceFiles(dir = path.join(root, 'src')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : /\.ts$/.test(e.name) ? [p] : [];
  });
}

/** Files (relative to the root) whose text matches `re`, other than `allowed`. */
function offenders(re: RegExp, allowed: string[], files = sourceFiles()): string[] {
  return files
    .map((f) => path.relative(root, f).split(path.sep).join('/'))
    .filter((f) => !allowed.includes(f) && re.test(fs.readFileSync(path.join(root, f), 'utf8')));
}

// `window.show…Message` or `window['show…Message']`, with or without `vscode.` before it.
const SHOW = /\bwindow\s*(?:\.\s*|\[\s*['"`])show(?:Information|Warning|Error)Message\b/;
const MARKDOWN = /\bMarkdownString\s*\(/;
const STATUS = /\bsetStatusBarMessage\b/;

test('vscode.window.show*Message is called only in src/ui/prompt.ts (the notice path)', () => {
  assert.deepEqual(
    offenders(SHOW, ['src/ui/prompt.ts']),
    [],
    'use showNotice (src/ui/prompt.ts), the Prompter or the error funnel',
  );
});

test('status bar messages are written only by src/ui/prompt.ts (statusMessage: icon syntax in keys and names shows as typed)', () => {
  assert.deepEqual(offenders(STATUS, ['src/ui/prompt.ts']), [], 'use statusMessage (src/ui/prompt.ts)');
});

test('tree tooltips are MarkdownStrings built only by src/views/tooltip.ts', () => {
  const views = sourceFiles(path.join(root, 'src', 'views'));
  assert.deepEqual(
    offenders(MARKDOWN, ['src/views/tooltip.ts'], views),
    [],
    'use tooltip() with md() around cloud text',
  );
});

test('the checks catch a planted call', () => {
  for (const planted of [
    "void vscode.window.showErrorMessage('x')",
    "vscode.window['showWarningMessage'](m)",
    'window.showInformationMessage(m)',
  ]) {
    assert.match(planted, SHOW);
  }
  assert.doesNotMatch("showNotice('info', m)", SHOW);
  assert.match("vscode.window.setStatusBarMessage(l10n.t('Copied {0}', key), 3000)", STATUS);
  assert.match('item.tooltip = new vscode.MarkdownString(`**${key}**`)', MARKDOWN);
});

test('no message of the runtime bundle carries a link, so making a whole notice inert loses nothing', () => {
  const bundle = JSON.parse(fs.readFileSync(path.join(root, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<
    string,
    string
  >;
  assert.deepEqual(
    Object.keys(bundle).filter((k) => /\]\(/.test(k)),
    [],
  );
});
