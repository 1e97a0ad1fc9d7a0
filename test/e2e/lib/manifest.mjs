// What package.json contributes, with %nls% placeholders resolved from package.nls.json — i.e. the
// names a user sees in the workbench. UI tests derive their expectations from here.
import fs from 'node:fs';
import path from 'node:path';
import { MANIFEST, REPO } from './paths.mjs';

const readJson = (file) => {
  try {
    return JSON.parse(fs.readFileSync(path.join(REPO, file), 'utf8'));
  } catch {
    return {};
  }
};
const nls = new Map();
/**
 * Resolves "%key%" through package.nls.json, or for `lang` (e.g. "zh-cn") through
 * package.nls.<lang>.json first, as VS Code does (unchanged when there is no such key).
 */
export function localize(s, lang) {
  if (typeof s !== 'string') return s;
  const table = (file) => {
    if (!nls.has(file)) nls.set(file, readJson(file));
    return nls.get(file);
  };
  const m = /^%(.+)%$/.exec(s);
  if (!m) return s;
  const own = lang ? table(`package.nls.${lang}.json`)[m[1]] : undefined;
  if (typeof own === 'string') return own;
  const base = table('package.nls.json')[m[1]];
  return typeof base === 'string' ? base : s;
}

const bundles = new Map();
/**
 * What vscode.l10n.t(message, ...args) shows in `lang`: the l10n/bundle.l10n.<lang>.json entry
 * (or the message itself), with {0}, {1}… filled in.
 */
export function l10n(lang, message, ...args) {
  if (!bundles.has(lang)) bundles.set(lang, readJson(path.join('l10n', `bundle.l10n.${lang}.json`)));
  const text = bundles.get(lang)[message] ?? message;
  return text.replace(/\{(\d+)\}/g, (all, i) => (i < args.length ? String(args[i]) : all));
}

const contributes = () => MANIFEST.contributes ?? {};

export const displayName = () => localize(MANIFEST.displayName ?? MANIFEST.name);

/** Activity-bar view containers: [{ id, title }]. */
export function viewContainers(lang) {
  return (contributes().viewsContainers?.activitybar ?? []).map((c) => ({ id: c.id, title: localize(c.title, lang) }));
}

/** Views of a container: [{ id, name }]. */
export function views(containerId, lang) {
  return (contributes().views?.[containerId] ?? []).map((v) => ({
    id: v.id,
    name: localize(v.name, lang),
    when: v.when,
  }));
}

/**
 * Commands the palette always lists: those with no `commandPalette` menu entry (an entry has a `when`
 * that may hide it). Each as { id, label: "Category: Title" }.
 */
export function paletteCommands(lang) {
  const gated = new Set((contributes().menus?.commandPalette ?? []).map((e) => e.command));
  return (contributes().commands ?? [])
    .filter((c) => !gated.has(c.command) && !c.enablement)
    .map((c) => ({
      id: c.command,
      label: c.category ? `${localize(c.category, lang)}: ${localize(c.title, lang)}` : localize(c.title, lang),
    }));
}
