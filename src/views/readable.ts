/**
 * What every tree row gets when its node did not say: a tooltip with the whole label and
 * description (rows cut off at the view's width: instance rows, metadata URLs), and a
 * screen-reader label that includes the description, which VS Code's default leaves out.
 */
import type * as vscode from 'vscode';

const text = (v: string | vscode.TreeItemLabel | boolean | undefined): string =>
  typeof v === 'string' ? v : v && typeof v === 'object' ? v.label : '';

export function withReadableDefaults(item: vscode.TreeItem): vscode.TreeItem {
  const label = text(item.label);
  const description = text(item.description);
  const full = description ? `${label} — ${description}` : label;
  if (!item.tooltip && full) {
    item.tooltip = full;
  }
  item.accessibilityInformation ??= { label: description ? `${label}, ${description}` : label };
  return item;
}
