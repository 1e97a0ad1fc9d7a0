/**
 * Markdown that shows text others wrote (names, keys, descriptions, a policy document's keys): a
 * MarkdownString renders `![x](https://…)` as a remote image on hover and `[x](command:…)` as a link.
 * Every untrusted value goes in through `md` (escaped, see cloud/inert), and the string is neither
 * trusted nor HTML nor themed with icons, so what remains is plain text.
 */
import * as vscode from 'vscode';
export { markdownText as md } from '../cloud/inert';

/** Paragraphs of markdown whose untrusted values were escaped with `md`. */
export function inertMarkdown(paragraphs: Array<string | undefined>): vscode.MarkdownString {
  const m = new vscode.MarkdownString(paragraphs.filter(Boolean).join('\n\n'));
  m.isTrusted = false;
  m.supportHtml = false;
  m.supportThemeIcons = false;
  return m;
}
