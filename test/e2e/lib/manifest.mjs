// What package.json contributes, with %nls% placeholders resolved from package.nls.json — i.e. the
// names a user sees in the workbench. UI tests derive their expectations from here.
import fs from 'node:fs';
import path from 'node:path';
import { MANIFEST, REPO } from './paths.mjs';

let nls;
/** Resolves "%key%" through package.nls.json (unchanged when there is no such key). */
export function localize(s) {
  if (typeof s !== 'string') return s;
  nls ??= (() => { try { return JSON.parse(fs.readFileSync(path.join(REPO, 'package.nls.json'), 'utf8')); } catch { return {}; } })();
  const m = /^%(.+)%$/.exec(s);
  return m && typeof nls[m[1]] === 'string' ? nls[m[1]] : s;
}

const contributes = () => MANIFEST.contributes ?? {};

export const displayName = () => localize(MANIFEST.displayName ?? MANIFEST.name);

/** Activity-bar view containers: [{ id, title }]. */
export function viewContainers() {
  return (contributes().viewsContainers?.activitybar ?? []).map((c) => ({ id: c.id, title: localize(c.title) }));
}

/** Views of a container: [{ id, name }]. */
export function views(containerId) {
  return (contributes().views?.[containerId] ?? []).map((v) => ({ id: v.id, name: localize(v.name), when: v.when }));
}

/**
 * Commands the palette always lists: those with no `commandPalette` menu entry (an entry has a `when`
 * that may hide it). Each as { id, label: "Category: Title" }.
 */
export function paletteCommands() {
  const gated = new Set((contributes().menus?.commandPalette ?? []).map((e) => e.command));
  return (contributes().commands ?? []).filter((c) => !gated.has(c.command) && !c.enablement)
    .map((c) => ({ id: c.command, label: c.category ? `${localize(c.category)}: ${localize(c.title)}` : localize(c.title) }));
}
