/**
 * The one command registry. Every command package.json contributes is registered at activation
 * with a handler that loads the implementations (catalog.ts, in dist/lazy.js) on the first call of
 * any command, so activation pays for none of them. Errors go to the one funnel (registerCommand).
 */
import * as vscode from 'vscode';
import type { Log } from '../ui/log';
import { registerCommand } from '../ui/registerCommand';
import type { Services } from '../services/services';
import { recordWalkthroughProgress } from '../ui/walkthrough';
import { callCommand, type CommandDef, type Refusal } from './command';

/** The command ids package.json contributes (test/unit/manifest.test.ts: each has one handler). */
export function contributedCommands(context: vscode.ExtensionContext): string[] {
  const manifest = context.extension.packageJSON as { contributes: { commands: Array<{ command: string }> } };
  return manifest.contributes.commands.map((c) => c.command);
}

export function registerCommands(
  s: Services,
  log: Log,
  ids: readonly string[],
  extensionId: string,
  /** The implementations (catalog.ts), in dist/lazy.js: loaded by the first command. */
  loadCatalog: () => typeof import('./catalog'),
): { dispose(): void }[] {
  let byId: Map<string, CommandDef> | undefined;
  const implementation = (id: string): CommandDef => {
    byId ??= new Map(loadCatalog().COMMANDS.map((c) => [c.id, c]));
    const c = byId.get(id);
    if (!c) {
      throw new Error(vscode.l10n.t('The command {0} has no implementation in this version of the extension.', id));
    }
    return c;
  };
  return ids.map((id) =>
    registerCommand({ log, enrichers: s.enrichers }, id, async (...args) => {
      const result = await callCommand(implementation(id), s, args, (r) => new Error(refusalMessage(id, r)));
      await recordWalkthroughProgress(extensionId, id, result);
      return result;
    }),
  );
}

/** A refused call, in words: the command, what was wrong, and nothing of the value itself. */
function refusalMessage(id: string, r: Refusal): string {
  switch (r.reason) {
    case 'row':
      return vscode.l10n.t('The command {0} does not work on this kind of row; nothing was done.', id);
    case 'badArg':
      return vscode.l10n.t(
        'The argument "{1}" of the command {0} must be {2}; nothing was done.',
        id,
        r.key.slice(0, 60),
        r.expects,
      );
    case 'shape':
      return vscode.l10n.t('The command {0} was called with an argument it does not take; nothing was done.', id);
  }
}
