/**
 * Tree tooltips. They show names, keys and descriptions others wrote, and a MarkdownString renders
 * `![x](https://…)` as a remote image on hover and `[x](command:…)` as a link: every cloud value goes
 * in through `md` (escaped, see cloud/inert), and the string is neither trusted nor HTML.
 */
import * as vscode from 'vscode';
export { markdownText as md } from '../cloud/inert';

/** Paragraphs of markdown whose cloud values were escaped with `md`. */
export function tooltip(paragraphs: Array<string | undefined>): vscode.MarkdownString {
  const m = new vscode.MarkdownString(paragraphs.filter(Boolean).join('\n\n'));
  m.isTrusted = false;
  m.supportHtml = false;
  m.supportThemeIcons = false;
  return m;
}
