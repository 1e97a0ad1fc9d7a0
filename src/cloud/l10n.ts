/**
 * Localization seam for the layers that cannot import `vscode`. The extension installs
 * `vscode.l10n.t` at activation; tests and the sandbox keep the identity formatter. Messages are
 * written as `l10n.t('… {0} …', arg)` exactly like vscode.l10n so the same tooling extracts them.
 */
type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

const format: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));

let current: Translate = format;

export const l10n = {
  t: (message: string, ...args: Array<string | number | boolean>): string => current(message, ...args),
};

export function setTranslator(t: Translate): void {
  current = t;
}
