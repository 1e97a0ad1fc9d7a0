/** registerCommand that owns errors, so command handlers contain no try/catch for reporting. */
import * as vscode from 'vscode';
import { reportError, type ErrorSink } from './errorFunnel';

export type CommandHandler = (...args: unknown[]) => unknown;

export function registerCommand(sink: ErrorSink, id: string, handler: CommandHandler): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (e) {
      // Not awaited: the command is over; waiting for the user to dismiss the notification would
      // keep executeCommand callers (keybindings, other extensions, tests) hanging.
      void reportError(sink, e, id, { retry: (typed) => vscode.commands.executeCommand(id, ...(typed ?? args)) });
      return undefined;
    }
  });
}
