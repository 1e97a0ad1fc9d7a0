// Untrusted text made inert (src/cloud/inert.ts), checked against the parsers VS Code itself runs:
// the notification link regex (copied from src/vs/base/common/linkedText.ts, with the message
// preparation of NotificationViewItem.parseNotificationMessage) and marked for tooltips.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { marked } from 'marked';
import { inert, inertLabel, markdownText, NOTICE_MAX, someNames } from '../../../src/cloud/inert';

/** The links a notification would render for `message`, as VS Code parses them. */
function notificationLinks(message: string): string[] {
  // eslint-disable-next-line no-useless-escape -- verbatim from VS Code
  const LINK_REGEX = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^\)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
  let m = message.length > 1000 ? `${message.substr(0, 1000)}...` : message;
  m = m.replace(/(\r\n|\n|\r)/gm, ' ').trim();
  return [...m.matchAll(LINK_REGEX)].map((x) => x[2]);
}

const RUN = '[run](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22id%5Cn%22%7D)';
const hostile = [
  RUN,
  `share/${RUN}.txt`,
  '[a](https://example.com/x "title")',
  '[a](file:///etc/passwd)',
  '[a]\u0000(command:x)', // a stripped control would join `](`
  '[a]\u200b(command:x)',
  '[a]\r\n(command:x)',
  '[a](\ncommand:x)',
  'x'.repeat(990) + RUN,
  '[[a]](command:x)',
];

test('hostile text makes a command link in a notification without the helper, none with it', () => {
  assert.ok(notificationLinks(RUN).length === 1, 'the parser copy is live');
  for (const h of hostile) {
    assert.deepEqual(notificationLinks(inert(h)), [], JSON.stringify(h));
    // Whole message: a template around a value (or two values side by side) cannot join a link either.
    assert.deepEqual(notificationLinks(inert(`Not saved to ${h}: [x]`)), [], JSON.stringify(h));
  }
  assert.deepEqual(notificationLinks(inert('[a]' + '(command:x)')), []);
});

test('control and bidi characters become visible escapes; line breaks become spaces unless kept', () => {
  assert.equal(inert('evil\u202Etxt.exe'), 'evil\\u{202E}txt.exe');
  assert.equal(inert('a\u2066b\u2069c\u0007d\u061Ce\ufeff'), 'a\\u{2066}b\\u{2069}c\\u{7}d\\u{61C}e\\u{FEFF}');
  assert.equal(inert('a\nb\r\nc\td'), 'a b c d');
  assert.equal(inert('a\nb\r\nc', { lines: true }), 'a\nb\nc');
  assert.equal(inert('a\u2028b', { lines: true }), 'a\\u{2028}b');
});

test('length is capped with "…", by code point (no split surrogate pair), and the helper is idempotent', () => {
  assert.equal(inert('x'.repeat(5000)).length, NOTICE_MAX);
  assert.ok(inert('x'.repeat(5000)).endsWith('…'));
  assert.equal(inert('😀'.repeat(10), { max: 4 }), '😀😀😀…');
  for (const h of hostile) {
    assert.equal(inert(inert(h)), inert(h));
  }
  assert.equal(inert('Policy "p" is attached to role r (account 1).'), 'Policy "p" is attached to role r (account 1).');
});

test('markdownText: no image, link, autolink or HTML survives marked (what VS Code renders tooltips with)', () => {
  const cases = [
    '![x](https://tracker.example/p.png)',
    RUN,
    'see https://tracker.example/a',
    '<img src=https://t.example/p>',
    '**bold** `code` # h',
  ];
  // Without escaping, marked would act on them (the test can fail).
  assert.match(marked.parse(cases[0]) as string, /<img/);
  for (const c of cases) {
    const html = marked.parse(markdownText(c)) as string;
    assert.doesNotMatch(html, /<img|<a |<strong|<code|<h1/, `${c} → ${html}`);
    // The text is still all there for the reader.
    assert.ok(
      html
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&')
        .replace(/&#39;/g, "'")
        .includes(c),
      `${c} → ${html}`,
    );
  }
});

test('someNames: the first few, shortened, and a count of the rest', () => {
  assert.equal(someNames(['a', 'b']), 'a, b');
  assert.equal(someNames(['a', 'b', 'c', 'd', 'e']), 'a, b, c +2');
  assert.equal(someNames(['x'.repeat(200)], 3, 10), 'xxxxxxxxx…');
});

/** What VS Code's renderLabelWithIcons draws for `text` (regex from src/vs/base/browser/ui/iconLabel/iconLabels.ts). */
function renderedWithIcons(text: string): { icons: string[]; text: string } {
  const re = /(\\)?\$\(([A-Za-z0-9-]+(?:~[A-Za-z]+)?)\)/g;
  const icons: string[] = [];
  const shown = text.replace(re, (_m, escaped: string | undefined, name: string) => {
    if (escaped) {
      return `$(${name})`;
    }
    icons.push(name);
    return '';
  });
  return { icons, text: shown };
}

test('inertLabel: icon syntax in untrusted text shows as typed where VS Code renders icons', () => {
  for (const key of ['$(debug) evil', 'a/$(debug-alt~spin)b.txt', '$(DEBUG)', 'x\\$(debug)', '$(a)$(b)']) {
    assert.ok(renderedWithIcons(key).icons.length > 0 || key.includes('\\$('), `the fixture renders an icon: ${key}`);
    const safe = inertLabel(key);
    assert.deepEqual(renderedWithIcons(safe).icons, [], key);
    assert.equal(inertLabel(safe), safe, 'idempotent');
  }
  assert.equal(renderedWithIcons(inertLabel('$(debug) evil')).text, '$(debug) evil', 'reads as typed');
  assert.equal(inertLabel('plain (text) $ 5'), 'plain (text) $ 5');
  // our own icon before untrusted text stays an icon
  assert.deepEqual(renderedWithIcons(`$(file) ${inertLabel('$(debug) evil')}`).icons, ['file']);
  assert.deepEqual(notificationLinks(inertLabel(RUN)), [], 'and no link (quick input messages parse them)');
});
